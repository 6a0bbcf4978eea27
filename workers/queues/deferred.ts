// Enqueue that never loses a job and never hangs a request (ADR 040): when Redis does not
// take the job within ENQUEUE_TIMEOUT_MS, it is written to the deferred_jobs table in
// PostgreSQL instead; the worker process drains that table into the queues once Redis
// answers again. Job ids are deterministic, so a job added late by the timed-out call and
// again by the drain is still one job.
import type { Job } from 'bullmq'
import { asc, eq, sql } from 'drizzle-orm'
import { deferredJobs } from '@db/schema'
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { logger } from '~/utils/logger.server'
import { getQueue } from './connection'

class EnqueueTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // The late outcome of a timed-out add is ignored (the drain adds the same job id again).
  promise.catch(() => {})
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EnqueueTimeout(`Redis did not answer within ${ms} ms`)), ms)
    timer.unref()
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/**
 * Adds a job under its deterministic id. Returns the job, or undefined when Redis was
 * unreachable and the job was kept in deferred_jobs (it reaches the queue later).
 * Throws only when neither Redis nor PostgreSQL took it.
 */
export async function addJob(queue: string, name: string, data: Record<string, unknown>, jobId: string): Promise<Job | undefined> {
  try {
    return await withTimeout(getQueue(queue).add(name, data, { jobId }), getEnv().ENQUEUE_TIMEOUT_MS)
  } catch (error) {
    const message = (error as Error).message
    await db
      .insert(deferredJobs)
      .values({ queue, name, jobId, data, lastError: message.slice(0, 500) })
      .onConflictDoUpdate({ target: [deferredJobs.queue, deferredJobs.jobId], set: { lastError: message.slice(0, 500) } })
    logger.warn({ queue, job: name, jobId, err: message }, 'Redis unreachable: job deferred to the database')
    return undefined
  }
}

export type QueuedJob = { name: string; data: Record<string, unknown>; jobId: string }

/**
 * Adds many jobs to one queue in one round trip (Queue.addBulk: one MULTI), under their
 * deterministic ids — a thousand households imported are a thousand jobs, not a thousand waits.
 * When Redis does not take them, all of them are kept in deferred_jobs, as addJob keeps one.
 */
export async function addJobs(queue: string, jobs: QueuedJob[]): Promise<void> {
  if (!jobs.length) return
  try {
    await withTimeout(getQueue(queue).addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } }))), getEnv().ENQUEUE_TIMEOUT_MS)
  } catch (error) {
    const message = (error as Error).message.slice(0, 500)
    for (let start = 0; start < jobs.length; start += 1000) {
      await db
        .insert(deferredJobs)
        .values(jobs.slice(start, start + 1000).map((j) => ({ queue, name: j.name, jobId: j.jobId, data: j.data, lastError: message })))
        .onConflictDoUpdate({ target: [deferredJobs.queue, deferredJobs.jobId], set: { lastError: message } })
    }
    logger.warn({ queue, jobs: jobs.length, err: message }, 'Redis unreachable: jobs deferred to the database')
  }
}

/**
 * Moves deferred jobs into their queues, oldest first; stops at the first failure (Redis is
 * still down). Safe to run in several processes at once (rows are locked, skipped by others).
 * Returns how many jobs reached Redis.
 */
export async function drainDeferredJobs(limit = 200): Promise<number> {
  let moved = 0
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = await tx.select().from(deferredJobs).orderBy(asc(deferredJobs.createdAt)).limit(limit).for('update', { skipLocked: true })
      let done = 0
      for (const row of rows) {
        try {
          await withTimeout(getQueue(row.queue).add(row.name, row.data, { jobId: row.jobId }), getEnv().ENQUEUE_TIMEOUT_MS)
        } catch (error) {
          await tx
            .update(deferredJobs)
            .set({ attempts: sql`${deferredJobs.attempts} + 1`, lastError: (error as Error).message.slice(0, 500) })
            .where(eq(deferredJobs.id, row.id))
          return { done, more: false }
        }
        await tx.delete(deferredJobs).where(eq(deferredJobs.id, row.id))
        done++
      }
      return { done, more: rows.length === limit }
    })
    moved += batch.done
    if (!batch.more) return moved
  }
}

/** How many jobs wait in the database for Redis (reported by /healthz-style checks and tests). */
export async function deferredJobCount(): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(deferredJobs)
  return row?.n ?? 0
}
