import type { Job } from 'bullmq'
import { evaluateHousehold } from '~/models/warnings.server'
import { EvaluateHouseholdPayload } from '../../schemas/monitoring'
import { parsePayload } from '../payload'

export async function processEvaluateHousehold(job: Job) {
  const { householdId } = parsePayload(EvaluateHouseholdPayload, job)
  // A retried attempt may follow a crash between commit and enqueueing the rescore.
  return evaluateHousehold(householdId, { retry: job.attemptsMade > 0 })
}
