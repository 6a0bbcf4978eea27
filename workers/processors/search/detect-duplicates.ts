import type { Job } from 'bullmq'
import { detectDuplicates } from '~/models/listing-duplicates.server'
import { DetectDuplicatesPayload } from '../../schemas/search'
import { parsePayload } from '../payload'

// Idempotent: flags are unique per pair, so running twice flags nothing twice.
export async function processDetectDuplicates(job: Job) {
  const { listingId } = parsePayload(DetectDuplicatesPayload, job)
  const flagged = await detectDuplicates(listingId)
  return { flagged: flagged.length }
}
