import { addJob } from './deferred'

export const LEDGER_QUEUE = 'ledger'

export const ledgerJobs = {
  reconcile: 'reconcile-ledger',
  voidExpiredHolds: 'void-expired-holds',
} as const

/** Hour bucket in the job id (BullMQ ids may not contain ':'): one reconciliation per hour however often it is asked for. */
export async function enqueueReconcileLedger(now = new Date()) {
  const runKey = `reconcile-${now.toISOString().slice(0, 13).replace('T', '-')}`
  return addJob(LEDGER_QUEUE, ledgerJobs.reconcile, { runKey }, runKey)
}

/** Ten-minute bucket: expired holds are voided once per bucket (voids are idempotent anyway). */
export async function enqueueVoidExpiredHolds(now = new Date()) {
  const bucket = `${now.toISOString().slice(0, 15).replace('T', '-').replace(':', '')}0`
  return addJob(LEDGER_QUEUE, ledgerJobs.voidExpiredHolds, {}, `void-expired-holds-${bucket}`)
}
