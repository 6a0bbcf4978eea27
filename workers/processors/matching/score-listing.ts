import type { Job } from 'bullmq'
import { scoreListing } from '~/models/matches.server'
import { ScoreListingPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

// Idempotent: matches are upserted only when score, reasons or versions changed.
export async function processScoreListing(job: Job) {
  const { listingId } = parsePayload(ScoreListingPayload, job)
  return scoreListing(listingId)
}
