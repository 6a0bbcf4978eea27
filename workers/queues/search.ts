import { getQueue } from './connection'

export const SEARCH_QUEUE = 'search'

export const searchJobs = {
  /** Index the listing if it is published, remove it from the index otherwise. */
  syncListing: 'sync-listing',
  /** Compare a just-published listing with other organizations' active listings. */
  detectDuplicates: 'detect-duplicates',
} as const

/** One job per listing version: enqueuing the same change twice is one job. */
export async function enqueueSyncListing(listingId: string, version: number) {
  return getQueue(SEARCH_QUEUE).add(searchJobs.syncListing, { listingId, version }, { jobId: `sync-listing-${listingId}-v${version}` })
}

export async function enqueueDetectDuplicates(listingId: string, version: number) {
  return getQueue(SEARCH_QUEUE).add(searchJobs.detectDuplicates, { listingId, version }, { jobId: `detect-duplicates-${listingId}-v${version}` })
}
