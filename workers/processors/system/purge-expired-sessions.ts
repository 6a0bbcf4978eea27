import type { Job } from 'bullmq'
import { purgeExpiredSessions } from '~/models/user.server'
import { PurgeExpiredSessionsPayload } from '../../schemas/system'
import { parsePayload } from '../payload'

// Idempotent by nature: deleting what has already expired twice deletes nothing the second time.
export async function processPurgeExpiredSessions(job: Job) {
  parsePayload(PurgeExpiredSessionsPayload, job)
  const removed = await purgeExpiredSessions()
  return { removed }
}
