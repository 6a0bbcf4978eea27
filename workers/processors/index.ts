import type { Job } from 'bullmq'
import { LEDGER_QUEUE, ledgerJobs } from '../queues/ledger'
import { SYSTEM_QUEUE, systemJobs } from '../queues/system'
import { processReconcileLedger } from './ledger/reconcile'
import { processVoidExpiredHolds } from './ledger/void-expired-holds'
import { processPurgeExpiredSessions } from './system/purge-expired-sessions'
import { SEARCH_QUEUE, searchJobs } from '../queues/search'
import { processDetectDuplicates } from './search/detect-duplicates'
import { processSyncListing } from './search/sync-listing'
import { processWithdrawEndedListings } from './search/withdraw-ended-listings'
import { MATCHING_QUEUE, matchingJobs } from '../queues/matching'
import { processRemoveListingMatches } from './matching/remove-listing-matches'
import { processRescoreAll } from './matching/rescore-all'
import { processRescoreChunk } from './matching/rescore-chunk'
import { processScoreHousehold } from './matching/score-household'
import { processScoreListing } from './matching/score-listing'
import { MONITORING_QUEUE, monitoringJobs } from '../queues/monitoring'
import { processComputeReviews } from './monitoring/compute-reviews'
import { processEvaluateAll } from './monitoring/evaluate-all'
import { processEvaluateHousehold } from './monitoring/evaluate-household'
import { processEvaluateResolutionRates } from './monitoring/evaluate-resolution-rates'
import { FEEDS_QUEUE, feedsJobs } from '../queues/feeds'
import { processProcessDelivery } from './feeds/process-delivery'
import { IMPORTS_QUEUE, importsJobs } from '../queues/imports'
import { processExpireStagedImports } from './imports/expire-staged'
import { processRunImport } from './imports/run-import'

export type Processor = (job: Job) => Promise<unknown>

/** queue name → job name → processor. The worker entry builds one BullMQ Worker per queue from this. */
export const processors: Record<string, Record<string, Processor>> = {
  [SYSTEM_QUEUE]: {
    [systemJobs.purgeExpiredSessions]: processPurgeExpiredSessions,
  },
  [SEARCH_QUEUE]: {
    [searchJobs.syncListing]: processSyncListing,
    [searchJobs.detectDuplicates]: processDetectDuplicates,
    [searchJobs.withdrawEndedListings]: processWithdrawEndedListings,
  },
  [MATCHING_QUEUE]: {
    [matchingJobs.scoreListing]: processScoreListing,
    [matchingJobs.scoreHousehold]: processScoreHousehold,
    [matchingJobs.removeListingMatches]: processRemoveListingMatches,
    [matchingJobs.rescoreAll]: processRescoreAll,
    [matchingJobs.rescoreChunk]: processRescoreChunk,
  },
  [LEDGER_QUEUE]: {
    [ledgerJobs.reconcile]: processReconcileLedger,
    [ledgerJobs.voidExpiredHolds]: processVoidExpiredHolds,
  },
  [MONITORING_QUEUE]: {
    [monitoringJobs.evaluateHousehold]: processEvaluateHousehold,
    [monitoringJobs.evaluateAll]: processEvaluateAll,
    [monitoringJobs.computeReviews]: processComputeReviews,
    [monitoringJobs.evaluateResolutionRates]: processEvaluateResolutionRates,
  },
  [FEEDS_QUEUE]: {
    [feedsJobs.processDelivery]: processProcessDelivery,
  },
  [IMPORTS_QUEUE]: {
    [importsJobs.runImport]: processRunImport,
    [importsJobs.expireStaged]: processExpireStagedImports,
  },
}
