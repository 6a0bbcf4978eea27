import { addJob } from './deferred'

export const SEARCH_QUEUE = 'search'

export const searchJobs = {
  /** Index the listing if it is published, remove it from the index otherwise. */
  syncListing: 'sync-listing',
  /** Compare a just-published listing with other organizations' active listings. */
  detectDuplicates: 'detect-duplicates',
  /** Daily: listings past their end date leave the index and lose their matches. */
  withdrawEndedListings: 'withdraw-ended-listings',
} as const

/** One job per listing version: enqueuing the same change twice is one job. */
export async function enqueueSyncListing(listingId: string, version: number) {
  return addJob(SEARCH_QUEUE, searchJobs.syncListing, { listingId, version }, `sync-listing-${listingId}-v${version}`)
}

export async function enqueueDetectDuplicates(listingId: string, version: number) {
  return addJob(SEARCH_QUEUE, searchJobs.detectDuplicates, { listingId, version }, `detect-duplicates-${listingId}-v${version}`)
}
