import { getQueue } from './connection'
import { addJob } from './deferred'

export const IMPORTS_QUEUE = 'imports'

export const importsJobs = {
  runImport: 'run-import',
  expireStaged: 'expire-staged',
} as const

export function runImportJobId(batchId: string) {
  return `run-import-${batchId}`
}

/** A confirmed large CSV import: one job per batch (enqueuing twice is the same job). */
export async function enqueueRunImport(batchId: string) {
  return addJob(IMPORTS_QUEUE, importsJobs.runImport, { batchId }, runImportJobId(batchId))
}

/** The job's progress (0–100) while it runs; null when there is no such job (any more). */
export async function runImportProgress(batchId: string): Promise<number | null> {
  const job = await getQueue(IMPORTS_QUEUE).getJob(runImportJobId(batchId))
  if (!job) return null
  return typeof job.progress === 'number' ? job.progress : 0
}
