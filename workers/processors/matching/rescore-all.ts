import type { Job } from 'bullmq'
import { rescoreBatch } from '~/models/matches.server'
import { enqueueRescoreBatch } from '../../queues/matching'
import { RescoreAllPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

/** One batch of listings from the run's stored cursor; then the next batch is enqueued. */
export async function processRescoreAll(job: Job) {
  const payload = parsePayload(RescoreAllPayload, job)
  const { batchSize } = payload
  // The nightly schedule fires with runId "nightly": each day is its own run.
  const runId = payload.runId === 'nightly' ? `nightly-${new Date(job.timestamp).toISOString().slice(0, 10)}` : payload.runId
  const result = await rescoreBatch(runId, batchSize ?? 50)
  if (!result.done) await enqueueRescoreBatch(runId, result.batches, batchSize)
  return result
}
