import { addJob } from './deferred'

export const SYSTEM_QUEUE = 'system'

export const systemJobs = {
  purgeExpiredSessions: 'purge-expired-sessions',
} as const

/** Hour bucket in the job id (BullMQ ids may not contain ':'): enqueuing twice in the same hour is one job. */
export async function enqueuePurgeExpiredSessions(now = new Date()) {
  const bucket = now.toISOString().slice(0, 13)
  return addJob(SYSTEM_QUEUE, systemJobs.purgeExpiredSessions, {}, `purge-expired-sessions-${bucket}`)
}
