import { Redis, type RedisOptions } from 'ioredis'
import { getEnv } from './env.server'

/**
 * Connection for BullMQ workers: blocking commands must wait for Redis forever
 * (maxRetriesPerRequest: null), as BullMQ requires.
 */
export function createWorkerRedis(): Redis {
  return new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: true })
}

/**
 * Connection for the web process: it only enqueues and reads counts, and must
 * fail fast when Redis is down so pages keep rendering and health reports it.
 */
export function createWebRedis(options: RedisOptions = {}): Redis {
  return new Redis(getEnv().REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    ...options,
  })
}
