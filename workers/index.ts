// The one worker process: hosts every queue's processors, registers the
// repeatable schedules, and shuts down gracefully on SIGTERM/SIGINT.
import './process-name'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { closeDb } from '~/utils/db.server'
import { warmPopulationCache } from '~/models/matches.server'
import { getEnv } from '~/utils/env.server'
import { logger } from '~/utils/logger.server'
import { createWorkerRedis } from '~/utils/redis.server'
import { closeQueues, getQueue } from './queues/connection'
import { drainDeferredJobs } from './queues/deferred'
import { LEDGER_QUEUE, ledgerJobs } from './queues/ledger'
import { SYSTEM_QUEUE, systemJobs } from './queues/system'
import { processors } from './processors'
import { MATCHING_QUEUE, matchingJobs } from './queues/matching'
import { MONITORING_QUEUE, monitoringJobs } from './queues/monitoring'
import { IMPORTS_QUEUE, importsJobs } from './queues/imports'
import { SEARCH_QUEUE, searchJobs } from './queues/search'

export type WorkerHost = { workers: Worker[]; close: (timeoutMs?: number) => Promise<void> }

export function startWorkers(options: { concurrency?: number } = {}): WorkerHost {
  const connections: Redis[] = []
  const workers = Object.entries(processors).map(([queueName, byName]) => {
    const connection = createWorkerRedis()
    connections.push(connection)
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        const process = byName[job.name]
        if (!process) throw new UnrecoverableError(`no processor for ${queueName}/${job.name}`)
        return process(job)
      },
      {
        connection,
        prefix: getEnv().QUEUE_PREFIX,
        concurrency: options.concurrency ?? 4,
        // A killed worker's job stays locked for lockDuration; the stalled check then hands it to a live worker.
        lockDuration: getEnv().WORKER_LOCK_DURATION_MS,
        stalledInterval: getEnv().WORKER_STALLED_INTERVAL_MS,
      },
    )
    worker.on('failed', (job, error) =>
      logger.warn({ queue: queueName, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'),
    )
    worker.on('error', (error) => logger.error({ queue: queueName, err: error.message }, 'worker error'))
    // Ids only: which process did which job (the horizontal-scale bench and tests read this).
    worker.on('completed', (job) => logger.info({ queue: queueName, job: job.name, jobId: job.id }, 'job completed'))
    return worker
  })

  // Jobs the web process could not hand to Redis wait in deferred_jobs; move them into the
  // queues as soon as Redis answers (ADR 040). One drain at a time per process.
  let draining = false
  const drain = setInterval(() => {
    if (draining) return
    draining = true
    drainDeferredJobs()
      .then((moved) => {
        if (moved) logger.info({ moved }, 'deferred jobs enqueued')
      })
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'could not drain deferred jobs'))
      .finally(() => (draining = false))
  }, getEnv().DEFERRED_JOBS_INTERVAL_MS)

  return {
    workers,
    async close(timeoutMs = 20_000) {
      clearInterval(drain)
      // worker.close() waits for active jobs; past the limit we force-close and the
      // unfinished job's lock lapses, so BullMQ hands it to the next worker (stalled-job recovery).
      const graceful = Promise.all(workers.map((w) => w.close()))
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
      ])
      if (timedOut) await Promise.all(workers.map((w) => w.close(true)))
      for (const c of connections) c.disconnect()
    },
  }
}

/** Repeatable jobs; upsert is idempotent, so every worker start may call it. */
export async function registerSchedules() {
  await getQueue(SYSTEM_QUEUE).upsertJobScheduler(
    'purge-expired-sessions-hourly',
    { every: 60 * 60 * 1000 },
    { name: systemJobs.purgeExpiredSessions, data: {} },
  )
  // Nightly full rescore at 02:00 (Asia/Shanghai); each run resumes from its stored cursor.
  await getQueue(MATCHING_QUEUE).upsertJobScheduler(
    'rescore-all-nightly',
    { pattern: '0 2 * * *', tz: 'Asia/Shanghai' },
    { name: matchingJobs.rescoreAll, data: { runId: 'nightly' } },
  )
  // Listings whose end date passed leave search and matching just after midnight (Asia/Shanghai).
  await getQueue(SEARCH_QUEUE).upsertJobScheduler(
    'withdraw-ended-listings-daily',
    { pattern: '5 0 * * *', tz: 'Asia/Shanghai' },
    { name: searchJobs.withdrawEndedListings, data: {} },
  )
  await getQueue(LEDGER_QUEUE).upsertJobScheduler('reconcile-ledger-hourly', { every: 60 * 60 * 1000 }, { name: ledgerJobs.reconcile, data: {} })
  await getQueue(LEDGER_QUEUE).upsertJobScheduler('void-expired-holds-10min', { every: 10 * 60 * 1000 }, { name: ledgerJobs.voidExpiredHolds, data: {} })
  // Daily early-warning sweep (03:00) and review queues (01:00), Asia/Shanghai.
  await getQueue(MONITORING_QUEUE).upsertJobScheduler(
    'evaluate-all-daily',
    { pattern: '0 3 * * *', tz: 'Asia/Shanghai' },
    { name: monitoringJobs.evaluateAll, data: { runId: 'daily' } },
  )
  await getQueue(MONITORING_QUEUE).upsertJobScheduler(
    'compute-reviews-daily',
    { pattern: '0 1 * * *', tz: 'Asia/Shanghai' },
    { name: monitoringJobs.computeReviews, data: {} },
  )
  // …and once at start-up (one job per day, whatever restarts): a fresh or restored system shows its
  // due reviews at once instead of after the next 01:00 (computing them twice creates nothing twice).
  await getQueue(MONITORING_QUEUE).add(monitoringJobs.computeReviews, {}, { jobId: `compute-reviews-start-${new Date().toISOString().slice(0, 10)}` })
  // Staged CSV files (they may hold ID numbers) are forgotten within the hour after they expire.
  await getQueue(IMPORTS_QUEUE).upsertJobScheduler('expire-staged-imports-hourly', { every: 60 * 60 * 1000 }, { name: importsJobs.expireStaged, data: {} })
  // Resolution-rate alerts (KPI dashboard), hourly: raised and auto-resolved by evaluateResolutionRates.
  await getQueue(MONITORING_QUEUE).upsertJobScheduler(
    'evaluate-resolution-rates-hourly',
    { every: 60 * 60 * 1000 },
    { name: monitoringJobs.evaluateResolutionRates, data: {} },
  )
}

async function main() {
  // Signals first: a SIGTERM that arrives during start-up still shuts down cleanly.
  let host: WorkerHost | undefined
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'workers stopping')
    await host?.close()
    await closeQueues()
    await closeDb()
    logger.info('workers stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  // Started before the workers (a rescore chunk picked up at once then waits for it instead of
  // loading everything a second time), in the background: other jobs run meanwhile.
  const started = Date.now()
  warmPopulationCache()
    .then((households) => logger.info({ households, ms: Date.now() - started }, 'matching cache warmed'))
    .catch((error: unknown) => stopping || logger.warn({ err: (error as Error).message }, 'could not warm the matching cache'))
  host = startWorkers()
  await registerSchedules()
  logger.info({ queues: Object.keys(processors) }, 'workers started')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error) => {
    logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'workers failed to start')
    process.exit(1)
  })
}
