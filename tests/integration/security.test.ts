import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginThrottles } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'
import { startWebServer } from '../setup/browser'

describe('log-in throttling', () => {
  it('locks an account after five failures, says for how long, then lets the owner back in', async () => {
    const user = await makeUser({ role: 'resident' })
    const client = new TestClient()
    for (let i = 0; i < 5; i++) {
      const r = await client.post('/login', { username: user.username, password: 'wrong-guess-1' })
      expect(r.status).toBe(400)
    }
    const locked = await client.post('/login', { username: user.username, password: user.password })
    expect(locked.status).toBe(429)
    expect(textOf(await locked.text())).toMatch(/登录失败次数过多，请 1[45] 分钟后再试/)

    // The lock lapses with time (moved into the past here instead of waiting 15 minutes).
    await db.update(loginThrottles).set({ lockedUntil: new Date(Date.now() - 1000) }).where(eq(loginThrottles.key, `user:${user.username}`))
    const ok = await client.post('/login', { username: user.username, password: user.password })
    expect(ok.status).toBe(302)
    expect(await db.select().from(loginThrottles).where(eq(loginThrottles.key, `user:${user.username}`))).toHaveLength(0)
  })

  it('counts failures per username, so one locked account does not lock others', async () => {
    const a = await makeUser({ role: 'donor' })
    const b = await makeUser({ role: 'donor' })
    for (let i = 0; i < 5; i++) await new TestClient().post('/login', { username: a.username, password: 'nope-nope-1' })
    expect((await new TestClient().post('/login', { username: a.username, password: a.password })).status).toBe(429)
    expect((await new TestClient().post('/login', { username: b.username, password: b.password })).status).toBe(302)
  })
})

describe('web process protections', () => {
  let server: Awaited<ReturnType<typeof startWebServer>>
  beforeAll(async () => {
    server = await startWebServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('refuses a cross-site form post with 403 and a message in the visitor’s language, writing nothing', async () => {
    const user = await makeUser({ role: 'resident' })
    const response = await fetch(`${server.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: user.password }),
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('跨站提交已被拒绝')
    const en = await fetch(`${server.baseUrl}/logout`, { method: 'POST', headers: { Origin: 'https://evil.example', 'Accept-Language': 'en' } })
    expect(await en.text()).toContain('Cross-site submission refused')
  })

  it('accepts a same-origin post', async () => {
    const user = await makeUser({ role: 'resident' })
    const response = await fetch(`${server.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: server.baseUrl, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: user.username, password: user.password }),
    })
    expect(response.status).toBe(302)
  })

  it('sends security headers and a CSP whose nonce is on every inline script', async () => {
    const response = await fetch(`${server.baseUrl}/login`)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('x-powered-by')).toBeNull()
    const html = await response.text()
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)]
    expect(inline.length).toBeGreaterThan(0)
    for (const [, attrs] of inline) expect(attrs).toContain(`nonce="${nonce}"`)
  })
})
