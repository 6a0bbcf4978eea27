import { getQueue } from './connection'

export const MATCHING_QUEUE = 'matching'

export const matchingJobs = {
  scoreListing: 'score-listing',
  scoreHousehold: 'score-household',
  removeListingMatches: 'remove-listing-matches',
  rescoreAll: 'rescore-all',
  rescoreChunk: 'rescore-chunk',
} as const

// Job ids are deterministic (no ':' allowed): the same version enqueued twice is one job.
// `tag` names an event that changes scores without a new version (an application accepted
// or completed changes fairness and remaining capacity), so that event is scored once too.

/** A listing was published or edited: score it against its candidate households. */
export async function enqueueScoreListing(listingId: string, version: number, tag?: string) {
  const jobId = `score-listing-${listingId}-v${version}${tag ? `-${tag}` : ''}`
  return getQueue(MATCHING_QUEUE).add(matchingJobs.scoreListing, { listingId, version }, { jobId })
}

/** A household file changed (or consent changed): rescore it against open listings. */
export async function enqueueScoreHousehold(householdId: string, version: number, tag?: string) {
  const jobId = `score-household-${householdId}-v${version}${tag ? `-${tag}` : ''}`
  return getQueue(MATCHING_QUEUE).add(matchingJobs.scoreHousehold, { householdId, version }, { jobId })
}

/** A listing was closed (or paused/deleted): drop its matches. */
export async function enqueueRemoveListingMatches(listingId: string, at = new Date()) {
  return getQueue(MATCHING_QUEUE).add(matchingJobs.removeListingMatches, { listingId }, { jobId: `remove-listing-matches-${listingId}-${at.getTime()}` })
}

/**
 * Starts (or resumes) a full rescore: the job plans the run as chunks of `batchSize` listings
 * and enqueues one `rescore-chunk` job per chunk not done yet (see `rescore_chunks`).
 */
export async function enqueueRescoreBatch(runId: string, batch: number, batchSize?: number) {
  return getQueue(MATCHING_QUEUE).add(
    matchingJobs.rescoreAll,
    { runId, ...(batchSize ? { batchSize } : {}) },
    { jobId: `rescore-all-${runId}-${batch}` },
  )
}

/** One chunk of a full rescore (any worker process may take it). */
export async function enqueueRescoreChunk(runId: string, chunk: number) {
  return getQueue(MATCHING_QUEUE).add(matchingJobs.rescoreChunk, { runId, chunk }, { jobId: `rescore-chunk-${runId}-${chunk}` })
}
