import { addJob, addJobs, type QueuedJob } from './deferred'

export const MONITORING_QUEUE = 'monitoring'

export const monitoringJobs = {
  evaluateHousehold: 'evaluate-household',
  evaluateAll: 'evaluate-all',
  computeReviews: 'compute-reviews',
  evaluateResolutionRates: 'evaluate-resolution-rates',
} as const

/** A household file changed: evaluate the early-warning rules for it (one job per version). */
export async function enqueueEvaluateHousehold(householdId: string, version: number) {
  const job = evaluateHouseholdJob({ id: householdId, version })
  return addJob(MONITORING_QUEUE, job.name, job.data, job.jobId)
}

/** Many households (an import) in one round trip. */
export async function enqueueEvaluateHouseholds(files: Array<{ id: string; version: number }>) {
  return addJobs(MONITORING_QUEUE, files.map(evaluateHouseholdJob))
}

function evaluateHouseholdJob(file: { id: string; version: number }): QueuedJob {
  return { name: monitoringJobs.evaluateHousehold, data: { householdId: file.id, version: file.version }, jobId: `evaluate-household-${file.id}-v${file.version}` }
}

/**
 * One batch of a full evaluation. The cursor (last household id) travels in the payload, so a
 * crashed batch is retried from the same cursor and the run resumes where it stopped.
 */
export async function enqueueEvaluateBatch(runId: string, after?: string, batchSize?: number) {
  return addJob(MONITORING_QUEUE, monitoringJobs.evaluateAll, { runId, ...(after ? { after } : {}), ...(batchSize ? { batchSize } : {}) }, `evaluate-all-${runId}-${after ?? 'start'}`)
}

export async function enqueueComputeReviews(day: string) {
  return addJob(MONITORING_QUEUE, monitoringJobs.computeReviews, {}, `compute-reviews-${day}`)
}

/** Resolution-rate alerts over the thresholds' windows ending at `at` (one job per hour slot). */
export async function enqueueEvaluateResolutionRates(at: Date) {
  const slot = at.toISOString().slice(0, 13)
  return addJob(MONITORING_QUEUE, monitoringJobs.evaluateResolutionRates, { at: at.toISOString() }, `evaluate-resolution-rates-${slot}`)
}
