import type { Job } from 'bullmq'
import { runImport } from '~/models/imports/imports.server'
import { RunImportPayload } from '../../schemas/imports'
import { parsePayload } from '../payload'

/** Imports a confirmed batch in one transaction; a retry of an imported batch does nothing. */
export async function processRunImport(job: Job) {
  const { batchId } = parsePayload(RunImportPayload, job)
  return runImport(batchId, (pct) => job.updateProgress(pct))
}
