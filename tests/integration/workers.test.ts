import { QueueEvents } from 'bullmq'
import { eq } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { sessions } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { IMPORTS_QUEUE } from '@workers/queues/imports'
import { MONITORING_QUEUE } from '@workers/queues/monitoring'
import { SEARCH_QUEUE } from '@workers/queues/search'
import { enqueuePurgeExpiredSessions, SYSTEM_QUEUE } from '@workers/queues/system'
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { createWorkerRedis } from '~/utils/redis.server'
import { makeUser } from '../factories/users'
import { spawnWorkers, stopProcess } from '../setup/processes'

const events = new QueueEvents(SYSTEM_QUEUE, { connection: createWorkerRedis(), prefix: getEnv().QUEUE_PREFIX })
afterAll(async () => {
  await events.close()
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('worker process', () => {
  it('processes a real job end to end and shuts down cleanly on SIGTERM', async () => {
    const workers = spawnWorkers()
    await workers.ready
    await events.waitUntilReady()
    // The hourly schedule runs once at start-up; let it finish so the job below is the one that purges.
    await waitFor(async () => ((await getQueue(SYSTEM_QUEUE).getJobCounts('completed')).completed ?? 0) >= 1)

    const user = await makeUser({ role: 'resident' })
    const past = new Date(Date.now() - 60_000)
    const future = new Date(Date.now() + 3_600_000)
    await db.insert(sessions).values([
      { id: 'expired-session-1', userId: user.id, expiresAt: past },
      { id: 'expired-session-2', userId: user.id, expiresAt: past },
      { id: 'live-session', userId: user.id, expiresAt: future },
    ])
    const job = (await enqueuePurgeExpiredSessions())!
    const result = await job.waitUntilFinished(events, 15_000)
    expect(result).toEqual({ removed: 2 })
    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id))
    expect(left.map((s) => s.id)).toEqual(['live-session'])

    // Enqueuing the same hour's purge again is the same job, not a second one.
    const again = (await enqueuePurgeExpiredSessions())!
    expect(again.id).toBe(job.id)

    const code = await stopProcess(workers.child, 'SIGTERM')
    expect(code).toBe(0)
    expect(workers.output()).toContain('workers stopped')
  })

  it('fails a job with a malformed payload once, without retrying it', async () => {
    const workers = spawnWorkers()
    await workers.ready
    const job = await getQueue(SYSTEM_QUEUE).add('purge-expired-sessions', { unexpected: true }, { attempts: 5 })
    await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/invalid payload/)
    const failed = await getQueue(SYSTEM_QUEUE).getJob(job.id!)
    expect(failed!.attemptsMade).toBe(1)
    expect(await stopProcess(workers.child)).toBe(0)
  })

  it('registers the hourly purge as a repeatable schedule', async () => {
    const workers = spawnWorkers()
    await workers.ready
    const schedulers = await getQueue(SYSTEM_QUEUE).getJobSchedulers()
    expect(schedulers.map((s) => s.key)).toContain('purge-expired-sessions-hourly')
    expect((await getQueue(IMPORTS_QUEUE).getJobSchedulers()).map((s) => s.key)).toContain('expire-staged-imports-hourly')
    expect((await getQueue(SEARCH_QUEUE).getJobSchedulers()).map((s) => s.key)).toContain('withdraw-ended-listings-daily')
    // Due reviews are computed once at start-up too, not only at the next 01:00.
    expect(await getQueue(MONITORING_QUEUE).getJob(`compute-reviews-start-${new Date().toISOString().slice(0, 10)}`)).toBeTruthy()
    expect(await stopProcess(workers.child)).toBe(0)
  })
})
