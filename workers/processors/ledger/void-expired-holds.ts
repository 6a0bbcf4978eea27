import type { Job } from 'bullmq'
import { voidExpiredHolds } from '~/models/ledger.server'
import { VoidExpiredHoldsPayload } from '../../schemas/ledger'
import { parsePayload } from '../payload'

// Idempotent: each void's id is derived from its hold, and a hold is voided at most once.
export async function processVoidExpiredHolds(job: Job) {
  parsePayload(VoidExpiredHoldsPayload, job)
  return { voided: await voidExpiredHolds() }
}
