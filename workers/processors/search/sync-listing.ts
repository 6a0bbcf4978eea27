import type { Job } from 'bullmq'
import { syncListingIndex } from '~/models/listing.server'
import { SyncListingPayload } from '../../schemas/search'
import { parsePayload } from '../payload'

// Idempotent: it reads the listing's current state, so a retried or late job converges on it.
export async function processSyncListing(job: Job) {
  const { listingId } = parsePayload(SyncListingPayload, job)
  return syncListingIndex(listingId)
}
