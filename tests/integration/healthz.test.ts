import { afterAll, describe, expect, it } from 'vitest'
import { resetEnvCache } from '~/utils/env.server'
import { startScratchRedis } from '../setup/processes'

// This file points REDIS_URL at its own redis-server so stopping it harms nobody else.
const redis = await startScratchRedis()
process.env.REDIS_URL = redis.url
resetEnvCache()
const { TestClient } = await import('../setup/app')

afterAll(async () => {
  await redis.stop()
})

describe('/healthz', () => {
  it('reports database, Redis and queue depths as JSON when all is well', async () => {
    const response = await new TestClient().get('/healthz')
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.status).toBe('ok')
    expect(body.checks.database.ok).toBe(true)
    expect(body.checks.redis.ok).toBe(true)
    expect(body.queues.system).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, prioritized: 0 })
  })

  it('reports a stopped Redis as unhealthy instead of crashing, and keeps serving pages', async () => {
    await redis.stop()
    const response = await new TestClient().get('/healthz')
    expect(response.status).toBe(503)
    const body = await response.json()
    expect(body.status).toBe('degraded')
    expect(body.checks.database.ok).toBe(true)
    expect(body.checks.redis.ok).toBe(false)
    expect(body.checks.redis.error).toEqual(expect.any(String))
    expect(body.queues).toBeNull()
    // The rest of the site does not depend on Redis being up.
    expect((await new TestClient().get('/login')).status).toBe(200)
  })
})
