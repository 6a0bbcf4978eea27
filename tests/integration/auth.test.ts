import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { organizations, sessions, users } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

const validResident = {
  role: 'resident',
  username: 'wangxiaoming',
  displayName: '王小明',
  password: 'abc12345',
  confirmPassword: 'abc12345',
}

describe('sign-up', () => {
  it('shows field-level errors in Chinese by default and writes nothing', async () => {
    const client = new TestClient()
    const response = await client.post('/signup', {
      role: 'resident',
      username: '1x',
      displayName: '',
      phone: '12345',
      password: 'short',
      confirmPassword: 'other',
    })
    expect(response.status).toBe(400)
    const text = textOf(await response.text())
    expect(text).toContain('至少需要 3 个字符')
    expect(text).toContain('此项为必填项')
    expect(text).toContain('请输入 11 位中国大陆手机号码')
    expect(text).toContain('至少需要 8 个字符')
    expect(text).toContain('两次输入的密码不一致')
    expect(await db.select().from(users)).toHaveLength(0)
  })

  it('shows the same errors in English when the visitor chose English', async () => {
    const client = new TestClient('en')
    const response = await client.post('/signup', { ...validResident, username: '9abc', password: 'lettersonly', confirmPassword: 'lettersonly' })
    expect(response.status).toBe(400)
    const text = textOf(await response.text())
    expect(text).toContain('Usernames start with a letter')
    expect(text).toContain('Passwords must contain both letters and digits')
    expect(text).not.toContain('密码须同时包含字母和数字')
  })

  it('requires a subtype for a mass organization, and a known region', async () => {
    const client = new TestClient()
    const response = await client.post('/signup', {
      ...validResident,
      role: 'org_member',
      username: 'fulian01',
      organizationName: '某县妇女联合会',
      organizationKind: 'mass_org',
      regionCode: '522634',
    })
    expect(response.status).toBe(400)
    expect(textOf(await response.text())).toContain('群团组织须选择具体类别')

    const unknownRegion = await client.post('/signup', {
      ...validResident,
      role: 'org_member',
      username: 'fulian02',
      organizationName: '某县妇女联合会',
      organizationKind: 'mass_org',
      massOrgSubtype: 'womens_federation',
      regionCode: '999999',
    })
    expect(unknownRegion.status).toBe(400)
    expect(textOf(await unknownRegion.text())).toContain('找不到该行政区划')
    expect(await db.select().from(organizations)).toHaveLength(0)
  })

  it('creates a resident, logs them in and lands on their home page', async () => {
    const client = new TestClient()
    const response = await client.post('/signup', validResident)
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/me')
    const home = await client.get('/me')
    expect(home.status).toBe(200)
    expect(textOf(await home.text())).toContain('王小明，您好')
  })

  it('refuses a username that is already taken', async () => {
    await makeUser({ role: 'donor', username: 'takenname' })
    const response = await new TestClient().post('/signup', { ...validResident, username: 'TakenName' })
    expect(response.status).toBe(400)
    expect(textOf(await response.text())).toContain('该账号已被注册')
  })

  it('creates an unverified organization with the new member as owner', async () => {
    const client = new TestClient()
    const response = await client.post('/signup', {
      ...validResident,
      role: 'org_member',
      username: 'leishanunion',
      organizationName: '雷山县总工会',
      organizationKind: 'mass_org',
      massOrgSubtype: 'trade_union',
      regionCode: '522634',
    })
    expect(response.status).toBe(302)
    const [org] = await db.select().from(organizations).where(eq(organizations.name, '雷山县总工会'))
    expect(org).toMatchObject({ kind: 'mass_org', massOrgSubtype: 'trade_union', verifiedAt: null })
    const [member] = await db.select().from(users).where(eq(users.username, 'leishanunion'))
    expect(member).toMatchObject({ role: 'org_member', organizationId: org!.id, orgMemberRole: 'owner' })
    const home = textOf(await (await client.get('/org')).text())
    expect(home).toContain('待审核')
  })
})

describe('log-in and log-out', () => {
  it('says the credentials are wrong, in the chosen language, without saying which part', async () => {
    const user = await makeUser({ role: 'resident' })
    const zh = await new TestClient().post('/login', { username: user.username, password: 'wrong-password1' })
    expect(zh.status).toBe(400)
    expect(textOf(await zh.text())).toContain('账号或密码不正确')
    const en = await new TestClient('en').post('/login', { username: 'nobody-here', password: 'whatever1' })
    expect(en.status).toBe(400)
    expect(textOf(await en.text())).toContain('Wrong username or password')
  })

  it('issues a new server-side session on every log-in and deletes it on log-out', async () => {
    const user = await makeUser({ role: 'donor' })
    const client = new TestClient()
    await client.logIn(user.username, user.password)
    const first = await db.select().from(sessions).where(eq(sessions.userId, user.id))
    expect(first).toHaveLength(1)
    await client.logIn(user.username, user.password)
    const second = await db.select().from(sessions).where(eq(sessions.userId, user.id))
    expect(second).toHaveLength(1)
    expect(second[0]!.id).not.toBe(first[0]!.id)

    const cookie = client.cookies.get('__gj_session')
    expect(cookie).toBeTruthy()
    const out = await client.post('/logout', {})
    expect(out.status).toBe(302)
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0)
    // The old cookie, replayed, no longer opens anything.
    const replay = new TestClient()
    replay.cookies.set('__gj_session', cookie!)
    const page = await replay.get('/donor')
    expect(page.status).toBe(302)
    expect(page.headers.get('Location')).toMatch(/^\/login\?redirectTo=%2Fdonor/)
  })

  it('sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const user = await makeUser({ role: 'donor' })
    const response = await new TestClient().logIn(user.username, user.password)
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('__gj_session='))
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
  })

  it('never redirects off-site after log-in', async () => {
    const user = await makeUser({ role: 'resident' })
    const response = await new TestClient().post('/login', { username: user.username, password: user.password, redirectTo: '//evil.example/' })
    expect(response.headers.get('Location')).toBe('/')
  })
})

describe('role guard', () => {
  it('refuses a wrong role with a page that says why and who may enter', async () => {
    const user = await makeUser({ role: 'resident' })
    const client = new TestClient()
    await client.logIn(user.username, user.password)
    const response = await client.get('/admin')
    expect(response.status).toBe(403)
    const text = textOf(await response.text())
    expect(text).toContain('无权访问')
    expect(text).toContain('您当前的身份不能访问此页面')
    expect(text).toContain('可访问的身份：管理员')
  })

  it('sends anonymous visitors to log in and back', async () => {
    const response = await new TestClient().get('/caseworker')
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Fcaseworker')
  })

  it.each([
    ['resident', '/me'],
    ['caseworker', '/caseworker'],
    ['org_member', '/org'],
    ['donor', '/donor'],
    ['admin', '/admin'],
  ] as const)('lets a %s into %s', async (role, path) => {
    const user = await makeUser({ role })
    const client = new TestClient()
    const login = await client.logIn(user.username, user.password)
    expect(login.headers.get('Location')).toBe(path)
    expect((await client.get(path)).status).toBe(200)
  })

  it('lets an admin verify an organization, and only an admin', async () => {
    const owner = await makeUser({ role: 'org_member' })
    const { organizations: orgs } = await import('@db/schema')
    await db.update(orgs).set({ verifiedAt: null }).where(eq(orgs.id, owner.organizationId!))
    const ownerClient = new TestClient()
    await ownerClient.logIn(owner.username, owner.password)
    const refused = await ownerClient.post('/admin?index', { intent: 'verify', organizationId: owner.organizationId! })
    expect(refused.status).toBe(403)

    const admin = await makeUser({ role: 'admin' })
    const adminClient = new TestClient()
    await adminClient.logIn(admin.username, admin.password)
    const ok = await adminClient.post('/admin?index', { intent: 'verify', organizationId: owner.organizationId! })
    expect(ok.status).toBe(200)
    const [org] = await db.select().from(orgs).where(eq(orgs.id, owner.organizationId!))
    expect(org!.verifiedAt).not.toBeNull()
    expect(org!.verifiedById).toBe(admin.id)
  })
})

describe('locale', () => {
  it('switches to English and back through a form post', async () => {
    const client = new TestClient()
    const switched = await client.post('/resources/locale', { locale: 'en', redirectTo: '/login' })
    expect(switched.status).toBe(302)
    expect(switched.headers.get('Location')).toBe('/login')
    const page = textOf(await (await client.get('/login')).text())
    expect(page).toContain('Log in')
    expect(page).not.toContain('还没有账号')
  })

  it('follows Accept-Language when no choice was made', async () => {
    const response = await new TestClient().request('/login', { headers: { 'Accept-Language': 'en-US,en;q=0.9' } })
    expect(textOf(await response.text())).toContain('No account yet?')
  })
})
