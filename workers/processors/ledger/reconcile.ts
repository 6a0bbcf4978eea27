import type { Job } from 'bullmq'
import { reconcileLedger } from '~/models/reconciliation.server'
import { ReconcileLedgerPayload } from '../../schemas/ledger'
import { parsePayload } from '../payload'

// Idempotent: the checks only read; alerts are unique per (run, kind). Scheduled runs have
// no runKey in their data, so the job id (unique per scheduled run) names the run.
export async function processReconcileLedger(job: Job) {
  const payload = parsePayload(ReconcileLedgerPayload, job)
  const runKey = (payload.runKey ?? `job-${job.id ?? 'manual'}`).replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64)
  return reconcileLedger(runKey)
}
