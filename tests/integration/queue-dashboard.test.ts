// bull-board at /admin/queues (an Express mount, outside Remix) is behind the same session and
// role check as the Remix admin pages: anonymous → log-in page, other roles → 403, admins → the board.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebServer } from '../setup/browser'
import { makeUser } from '../factories/users'

let server: Awaited<ReturnType<typeof startWebServer>>

beforeAll(async () => {
  server = await startWebServer()
})
afterAll(async () => {
  await server?.close()
})

async function logIn(username: string, password: string) {
  const response = await fetch(`${server.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.baseUrl },
    body: new URLSearchParams({ username, password }),
  })
  expect(response.status).toBe(302)
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
}

describe('/admin/queues', () => {
  it('sends anonymous visitors to the log-in page', async () => {
    const response = await fetch(`${server.baseUrl}/admin/queues`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fadmin%2Fqueues')
    const api = await fetch(`${server.baseUrl}/admin/queues/api/queues`, { redirect: 'manual' })
    expect(api.status).toBe(302)
  })

  it('refuses organization members and caseworkers with a message in their language', async () => {
    for (const role of ['org_member', 'caseworker'] as const) {
      const user = await makeUser({ role })
      const cookie = await logIn(user.username, user.password)
      const zh = await fetch(`${server.baseUrl}/admin/queues`, { redirect: 'manual', headers: { Cookie: cookie, 'Accept-Language': 'zh-CN' } })
      expect(zh.status).toBe(403)
      expect(await zh.text()).toBe('只有管理员可以查看任务队列面板。')
      const en = await fetch(`${server.baseUrl}/admin/queues/api/queues`, { redirect: 'manual', headers: { Cookie: cookie, 'Accept-Language': 'en' } })
      expect(en.status).toBe(403)
      expect(await en.text()).toBe('Only administrators may open the queue dashboard.')
    }
  })

  it('serves the board and its queue data to administrators', async () => {
    const admin = await makeUser({ role: 'admin' })
    const cookie = await logIn(admin.username, admin.password)
    const page = await fetch(`${server.baseUrl}/admin/queues`, { headers: { Cookie: cookie } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('<base href="/admin/queues/"')
    const api = await fetch(`${server.baseUrl}/admin/queues/api/queues`, { headers: { Cookie: cookie } })
    expect(api.status).toBe(200)
    const body = (await api.json()) as { queues: Array<{ name: string }> }
    expect(body.queues.map((q) => q.name).sort()).toEqual(['feeds', 'imports', 'ledger', 'matching', 'monitoring', 'search', 'system'])
  })
})
