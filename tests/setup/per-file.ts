// Runs before each test file, in that file's own process: a private database cloned
// from the template and a private Redis key prefix, so files never see each other's data.
import { randomBytes } from 'node:crypto'
import { afterAll } from 'vitest'
import { Redis } from 'ioredis'
import { adminSql, databaseUrl, quoteIdent, TEMPLATE_DB, TEST_DB_NAMESPACE } from './databases'

const id = `${process.pid}_${randomBytes(4).toString('hex')}`
const dbName = `${TEST_DB_NAMESPACE}_${id}`
const prefix = `{${TEST_DB_NAMESPACE}:${id}}`

{
  const sql = adminSql()
  try {
    await sql.unsafe(`create database ${quoteIdent(dbName)} template ${quoteIdent(TEMPLATE_DB)}`)
  } finally {
    await sql.end()
  }
}

process.env.DATABASE_URL = databaseUrl(dbName)
process.env.QUEUE_PREFIX = prefix
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379'
process.env.SESSION_SECRET = 'test-session-secret-0123456789'
process.env.LOG_LEVEL = 'silent'
process.env.TEST_DATABASE_NAME = dbName

afterAll(async () => {
  // Close whatever this file's app modules opened before dropping the database.
  const { closeDb } = await import('../../app/utils/db.server')
  const { closeQueues } = await import('../../workers/queues/connection')
  await closeQueues()
  await closeDb()
  const sql = adminSql()
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(dbName)} with (force)`)
  } finally {
    await sql.end()
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 })
  redis.on('error', () => {})
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      if (keys.length) await redis.del(...keys)
    } while (cursor !== '0')
  } catch {
    // Redis may have been stopped on purpose by the file; nothing to clean then.
  } finally {
    redis.disconnect()
  }
})
