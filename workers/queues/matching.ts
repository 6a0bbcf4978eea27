import { addJob, addJobs, type QueuedJob } from './deferred'

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
  return addJob(MATCHING_QUEUE, matchingJobs.scoreListing, { listingId, version }, jobId)
}

/** A household file changed (or consent changed): rescore it against open listings. */
export async function enqueueScoreHousehold(householdId: string, version: number, tag?: string) {
  const job = scoreHouseholdJob({ id: householdId, version }, tag)
  return addJob(MATCHING_QUEUE, job.name, job.data, job.jobId)
}

/** Many households (an import) in one round trip. */
export async function enqueueScoreHouseholds(files: Array<{ id: string; version: number }>) {
  return addJobs(MATCHING_QUEUE, files.map((file) => scoreHouseholdJob(file)))
}

function scoreHouseholdJob(file: { id: string; version: number }, tag?: string): QueuedJob {
  return { name: matchingJobs.scoreHousehold, data: { householdId: file.id, version: file.version }, jobId: `score-household-${file.id}-v${file.version}${tag ? `-${tag}` : ''}` }
}

/** A listing was closed (or paused/deleted): drop its matches. */
export async function enqueueRemoveListingMatches(listingId: string, at = new Date()) {
  return addJob(MATCHING_QUEUE, matchingJobs.removeListingMatches, { listingId }, `remove-listing-matches-${listingId}-${at.getTime()}`)
}

/**
 * Starts (or resumes) a full rescore: the job plans the run as chunks of `batchSize` listings
 * and enqueues one `rescore-chunk` job per chunk not done yet (see `rescore_chunks`).
 */
export async function enqueueRescoreBatch(runId: string, batch: number, batchSize?: number) {
  return addJob(MATCHING_QUEUE, matchingJobs.rescoreAll, { runId, ...(batchSize ? { batchSize } : {}) }, `rescore-all-${runId}-${batch}`)
}

/** One chunk of a full rescore (any worker process may take it). */
export async function enqueueRescoreChunk(runId: string, chunk: number) {
  return addJob(MATCHING_QUEUE, matchingJobs.rescoreChunk, { runId, chunk }, `rescore-chunk-${runId}-${chunk}`)
}
