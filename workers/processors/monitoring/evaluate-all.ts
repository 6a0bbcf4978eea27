import type { Job } from 'bullmq'
import { evaluateBatch } from '~/models/warnings.server'
import { enqueueEvaluateBatch } from '../../queues/monitoring'
import { EvaluateAllPayload } from '../../schemas/monitoring'
import { parsePayload } from '../payload'

/** One batch of households after the payload's cursor; then the next batch is enqueued. */
export async function processEvaluateAll(job: Job) {
  const payload = parsePayload(EvaluateAllPayload, job)
  // The daily schedule fires with runId "daily": each day is its own run.
  const runId = payload.runId === 'daily' ? `daily-${new Date(job.timestamp).toISOString().slice(0, 10)}` : payload.runId
  const result = await evaluateBatch(payload.after, payload.batchSize ?? 100)
  if (!result.done && result.last) await enqueueEvaluateBatch(runId, result.last, payload.batchSize)
  return result
}
