import type { Job } from 'bullmq'
import { evaluateResolutionRates } from '~/models/kpi.server'
import { EvaluateResolutionRatesPayload } from '../../schemas/monitoring'
import { parsePayload } from '../payload'

/** Raises / refreshes / auto-resolves resolution-rate alerts; idempotent, so a retry is harmless. */
export async function processEvaluateResolutionRates(job: Job) {
  const { at } = parsePayload(EvaluateResolutionRatesPayload, job)
  return evaluateResolutionRates(at ? new Date(at) : new Date(job.timestamp))
}
