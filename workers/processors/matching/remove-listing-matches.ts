import type { Job } from 'bullmq'
import { removeListingMatches } from '~/models/matches.server'
import { RemoveListingMatchesPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

export async function processRemoveListingMatches(job: Job) {
  const { listingId } = parsePayload(RemoveListingMatchesPayload, job)
  return removeListingMatches(listingId)
}
