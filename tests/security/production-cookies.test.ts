// NODE_ENV=production without SECURE_COOKIES: the session cookie is Secure and HSTS is sent.
// Its own file, because the environment is read once per process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeUser } from '../factories/users'
import { TestClient } from '../setup/app'

process.env.NODE_ENV = 'production'
process.env.GONGJIAN_ALLOW_DEV_KEYS = 'true'
delete process.env.SECURE_COOKIES

describe('in production', () => {
  let server: { baseUrl: string; close: () => Promise<void> }
  beforeAll(async () => {
    const { resetEnvCache } = await import('~/utils/env.server')
    resetEnvCache()
    const { createApp } = await import('~/server')
    const { loadBuild } = await import('../setup/app')
    const app = await createApp(await loadBuild())
    const s = await new Promise<import('node:http').Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
    })
    const address = s.address()
    server = { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => new Promise((r) => s.close(() => r())) }
  })
  afterAll(async () => {
    await server.close()
  })

  it('marks the session cookie Secure (plus HttpOnly, SameSite=Lax) and sends Strict-Transport-Security', async () => {
    const user = await makeUser({ role: 'resident' })
    const response = await new TestClient().post('/login', { username: user.username, password: user.password })
    expect(response.status).toBe(302)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__gj_session='))!
    expect(cookie).toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    const page = await fetch(`${server.baseUrl}/login`)
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
  })
})
