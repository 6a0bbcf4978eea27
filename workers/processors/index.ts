import type { Job } from 'bullmq'
import { LEDGER_QUEUE, ledgerJobs } from '../queues/ledger'
import { SYSTEM_QUEUE, systemJobs } from '../queues/system'
import { processReconcileLedger } from './ledger/reconcile'
import { processVoidExpiredHolds } from './ledger/void-expired-holds'
import { processPurgeExpiredSessions } from './system/purge-expired-sessions'

export type Processor = (job: Job) => Promise<unknown>

/** queue name → job name → processor. The worker entry builds one BullMQ Worker per queue from this. */
export const processors: Record<string, Record<string, Processor>> = {
  [SYSTEM_QUEUE]: {
    [systemJobs.purgeExpiredSessions]: processPurgeExpiredSessions,
  },
  [LEDGER_QUEUE]: {
    [ledgerJobs.reconcile]: processReconcileLedger,
    [ledgerJobs.voidExpiredHolds]: processVoidExpiredHolds,
  },
}
