import type { Job } from 'bullmq'
import { expireStagedImports } from '~/models/imports/imports.server'
import { ExpireStagedImportsPayload } from '../../schemas/imports'
import { parsePayload } from '../payload'

// A staged file may hold ID numbers: it is forgotten once its time is up, not only when its uploader
// next uploads. Idempotent by nature: a batch already expired is not staged any more.
export async function processExpireStagedImports(job: Job) {
  parsePayload(ExpireStagedImportsPayload, job)
  const expired = await expireStagedImports()
  return { expired }
}
