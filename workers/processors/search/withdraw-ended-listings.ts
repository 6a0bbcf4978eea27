import type { Job } from 'bullmq'
import { withdrawEndedListings } from '~/models/listing.server'
import { WithdrawEndedListingsPayload } from '../../schemas/search'
import { parsePayload } from '../payload'

// Idempotent: a listing already withdrawn has no document and no matches left to remove.
export async function processWithdrawEndedListings(job: Job) {
  parsePayload(WithdrawEndedListingsPayload, job)
  return withdrawEndedListings()
}
