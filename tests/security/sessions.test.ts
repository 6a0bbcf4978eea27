// Sessions, cookies, CSRF and headers beyond tests/integration/security.test.ts: rotation on log-in,
// server-side log-out, cookie flags, IP throttling and cross-site requests that carry no Origin.
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessions, users } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'
import { startWebServer } from '../setup/browser'

const SESSION_COOKIE = '__gj_session'

async function sessionRows(username: string) {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, username))
  return db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user!.id))
}

/** A client that presents exactly this cookie value (as a stolen or planted cookie would be). */
function withCookie(value: string) {
  const client = new TestClient()
  client.cookies.set(SESSION_COOKIE, value)
  return client
}

describe('session rotation and log-out', () => {
  it('a new session id on every log-in: the cookie from before (planted or old) stops working', async () => {
    const victim = await makeUser({ role: 'resident' })
    const attacker = await makeUser({ role: 'resident' })
    // Fixation: the attacker logs in and plants their cookie in the victim's browser.
    const browser = new TestClient()
    await browser.logIn(attacker.username, attacker.password)
    const planted = browser.cookies.get(SESSION_COOKIE)!
    expect(planted).toBeTruthy()
    await browser.logIn(victim.username, victim.password)
    const fresh = browser.cookies.get(SESSION_COOKIE)!
    expect(fresh).not.toBe(planted)
    // The planted cookie is dead (it does not become the victim's session, nor stay the attacker's).
    const replay = await withCookie(planted).get('/me')
    expect(replay.status).toBe(302)
    expect(replay.headers.get('location')).toMatch(/^\/login\?redirectTo=/)
    expect(await sessionRows(attacker.username)).toHaveLength(0)
    // The new cookie is the victim's.
    const me = await withCookie(fresh).get('/me/household')
    expect(me.status).toBe(200)
    expect(await sessionRows(victim.username)).toHaveLength(1)
  })

  it('log-out deletes the session on the server: a copy of the cookie no longer signs anyone in', async () => {
    const user = await makeUser({ role: 'donor' })
    const client = new TestClient()
    await client.logIn(user.username, user.password)
    const copy = client.cookies.get(SESSION_COOKIE)!
    expect((await withCookie(copy).get('/donor')).status).toBe(200)
    const out = await client.post('/logout', {})
    expect(out.status).toBe(302)
    expect(out.headers.getSetCookie().join('\n')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)`, 'i'))
    expect(await sessionRows(user.username)).toHaveLength(0)
    const replay = await withCookie(copy).get('/donor')
    expect(replay.status).toBe(302)
    expect(replay.headers.get('location')).toMatch(/^\/login/)
  })

  it('a forged or tampered cookie is ignored, not trusted', async () => {
    const user = await makeUser({ role: 'admin' })
    const client = new TestClient()
    await client.logIn(user.username, user.password)
    const value = decodeURIComponent(client.cookies.get(SESSION_COOKIE)!)
    const [payload] = value.split('.')
    const forged = Buffer.from(JSON.stringify({ sid: 'x'.repeat(43) })).toString('base64')
    for (const cookie of [`${forged}.${value.split('.').slice(1).join('.')}`, `${payload}.AAAA`, 'garbage', '']) {
      const response = await withCookie(encodeURIComponent(cookie)).get('/admin')
      expect(response.status, cookie.slice(0, 20)).toBe(302)
      expect(response.headers.get('location')).toMatch(/^\/login/)
    }
  })

  it('the session cookie is HttpOnly, SameSite=Lax, path /, and not Secure on plain-http test runs', async () => {
    const user = await makeUser({ role: 'resident' })
    const response = await new TestClient().post('/login', { username: user.username, password: user.password })
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    expect(cookie).toMatch(/;\s*Path=\//i)
    expect(cookie).not.toMatch(/;\s*Secure/i)
  })
})

describe('over HTTP through the web process', () => {
  let server: Awaited<ReturnType<typeof startWebServer>>
  beforeAll(async () => {
    server = await startWebServer()
  })
  afterAll(async () => {
    await server.close()
  })

  const post = (path: string, headers: Record<string, string>, form: Record<string, string>) =>
    fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    })

  it('refuses cross-site posts that carry no Origin but whose Sec-Fetch-Site or Referer gives them away', async () => {
    const user = await makeUser({ role: 'resident' })
    const form = { username: user.username, password: user.password }
    for (const headers of <Array<Record<string, string>>>[
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Referer: 'https://evil.example/page' },
      { Origin: 'null' },
      { Origin: `${server.baseUrl}.evil.example` },
    ]) {
      const response = await post('/login', headers, form)
      expect(response.status, JSON.stringify(headers)).toBe(403)
      expect(await response.text()).toContain('跨站提交已被拒绝')
    }
    expect(await sessionRows(user.username)).toHaveLength(0)
    // Same-origin forms still work, with or without the browser's hints.
    expect((await post('/login', { 'Sec-Fetch-Site': 'same-origin', Origin: server.baseUrl }, form)).status).toBe(302)
    expect((await post('/login', { Referer: `${server.baseUrl}/login` }, form)).status).toBe(302)
  })

  it('locks log-in from one address after many failures across many usernames (password spraying)', async () => {
    const user = await makeUser({ role: 'resident' })
    for (let i = 0; i < 30; i++) {
      const r = await post('/login', { Origin: server.baseUrl }, { username: `nobody${i}`, password: 'wrong-guess-1' })
      expect(r.status).toBe(400)
    }
    const locked = await post('/login', { Origin: server.baseUrl }, { username: user.username, password: user.password })
    expect(locked.status).toBe(429)
    expect(textOf(await locked.text())).toMatch(/登录失败次数过多/)
    const en = await post('/login', { Origin: server.baseUrl, 'Accept-Language': 'en' }, { username: user.username, password: user.password })
    expect(en.status).toBe(429)
    expect(textOf(await en.text())).toMatch(/Too many failed/i)
  })

  it('sends the security headers on pages, JSON endpoints, not-found pages and static files', async () => {
    for (const path of ['/', '/healthz', '/no-such-page', '/locales/zh-CN/common.json']) {
      const response = await fetch(`${server.baseUrl}${path}`)
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(response.headers.get('referrer-policy'), path).toBe('same-origin')
      expect(response.headers.get('x-frame-options'), path).toBe('DENY')
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'")
      expect(response.headers.get('content-security-policy'), path).not.toContain("'unsafe-inline' 'self' 'nonce")
      expect(response.headers.get('content-security-policy'), path).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/)
      expect(response.headers.get('x-powered-by'), path).toBeNull()
      await response.arrayBuffer()
    }
    // A fresh nonce per response.
    const a = (await fetch(`${server.baseUrl}/login`)).headers.get('content-security-policy')
    const b = (await fetch(`${server.baseUrl}/login`)).headers.get('content-security-policy')
    expect(a).not.toBe(b)
  })
})
