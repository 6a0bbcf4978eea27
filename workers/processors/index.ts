import type { Job } from 'bullmq'
import { SYSTEM_QUEUE, systemJobs } from '../queues/system'
import { processPurgeExpiredSessions } from './system/purge-expired-sessions'
import { SEARCH_QUEUE, searchJobs } from '../queues/search'
import { processDetectDuplicates } from './search/detect-duplicates'
import { processSyncListing } from './search/sync-listing'

export type Processor = (job: Job) => Promise<unknown>

/** queue name → job name → processor. The worker entry builds one BullMQ Worker per queue from this. */
export const processors: Record<string, Record<string, Processor>> = {
  [SYSTEM_QUEUE]: {
    [systemJobs.purgeExpiredSessions]: processPurgeExpiredSessions,
  },
  [SEARCH_QUEUE]: {
    [searchJobs.syncListing]: processSyncListing,
    [searchJobs.detectDuplicates]: processDetectDuplicates,
  },
}
