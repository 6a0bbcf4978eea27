import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { getEnv } from '~/utils/env.server'
import { createWebRedis } from '~/utils/redis.server'

/** Defaults every queue shares: retries with backoff, bounded history in Redis. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000, age: 24 * 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
}

let connection: Redis | undefined
const queues = new Map<string, Queue>()

/** Producer-side queue handle (web process and schedulers). One per name, created on first use. */
export function getQueue(name: string): Queue {
  let queue = queues.get(name)
  if (!queue) {
    connection ??= createWebRedis()
    queue = new Queue(name, { connection, prefix: getEnv().QUEUE_PREFIX, defaultJobOptions })
    // Errors surface on the awaited calls; this keeps an unreachable Redis from crashing the process.
    queue.on('error', () => {})
    queues.set(name, queue)
  }
  return queue
}

export async function closeQueues() {
  const open = [...queues.values()]
  queues.clear()
  await Promise.allSettled(open.map((q) => q.close()))
  const current = connection
  connection = undefined
  current?.disconnect()
}
