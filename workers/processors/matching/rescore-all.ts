import type { Job } from 'bullmq'
import { planRescore } from '~/models/matches.server'
import { enqueueRescoreChunk } from '../../queues/matching'
import { RescoreAllPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

/**
 * Plans the run as chunks of listings (once; stored in `rescore_chunks`) and enqueues every
 * chunk not done yet, so all worker processes share the run. Re-running it (a retry, a
 * crash, the seed's request) re-enqueues only what is left; job ids make that harmless.
 */
export async function processRescoreAll(job: Job) {
  const payload = parsePayload(RescoreAllPayload, job)
  // The nightly schedule fires with runId "nightly": each day is its own run.
  const runId = payload.runId === 'nightly' ? `nightly-${new Date(job.timestamp).toISOString().slice(0, 10)}` : payload.runId
  const plan = await planRescore(runId, payload.batchSize ?? 50)
  for (const chunk of plan.pending) await enqueueRescoreChunk(runId, chunk)
  return { runId, finished: plan.finished, enqueued: plan.pending.length }
}
