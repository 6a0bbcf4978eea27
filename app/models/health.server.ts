import { sql } from 'drizzle-orm'
import type { Redis } from 'ioredis'
import { getQueue } from '@workers/queues/connection'
import { queueNames } from '@workers/queues/names'
import { db } from '~/utils/db.server'
import { createWebRedis } from '~/utils/redis.server'

type Check = { ok: boolean; latencyMs: number; error?: string }
type QueueDepth = { waiting: number; active: number; delayed: number; failed: number; prioritized: number }

export type HealthReport = {
  status: 'ok' | 'degraded'
  checkedAt: string
  checks: { database: Check; redis: Check }
  queues: Record<string, QueueDepth> | null
}

const TIMEOUT_MS = 2000

function withTimeout<T>(promise: Promise<T>, label: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${label} timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref()),
  ])
}

async function timed(label: string, run: () => Promise<unknown>): Promise<Check> {
  const start = performance.now()
  try {
    await withTimeout(run(), label)
    return { ok: true, latencyMs: Math.round(performance.now() - start) }
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: error instanceof Error ? error.message : String(error) }
  }
}

let probe: Redis | undefined

export async function checkHealth(): Promise<HealthReport> {
  if (!probe) {
    probe = createWebRedis()
    probe.on('error', () => {}) // reported through the ping result instead
  }
  const [database, redis] = await Promise.all([
    timed('database', () => db.execute(sql`select 1`)),
    timed('redis', async () => {
      // A fresh or reconnecting client has no offline queue: wait for it to be ready first.
      if (probe!.status !== 'ready') await new Promise((resolve) => probe!.once('ready', resolve))
      return probe!.ping()
    }),
  ])
  let queues: HealthReport['queues'] = null
  if (redis.ok) {
    try {
      const entries = await withTimeout(
        Promise.all(
          queueNames.map(async (name) => {
            const c = await getQueue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')
            return [name, { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, prioritized: c.prioritized ?? 0 }] as const
          }),
        ),
        'queue depths',
      )
      queues = Object.fromEntries(entries)
    } catch (error) {
      redis.ok = false
      redis.error = error instanceof Error ? error.message : String(error)
    }
  }
  return {
    status: database.ok && redis.ok ? 'ok' : 'degraded',
    checkedAt: new Date().toISOString(),
    checks: { database, redis },
    queues,
  }
}
