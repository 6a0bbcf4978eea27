// The closed loop through the real Remix build: caseworker records → scoring → resident applies →
// organization sees the masked candidate, then the revealed one, accepts and marks hired.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applications, auditEntries, households, users } from '@db/schema'
import { scoreHousehold } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { makeCaseworker } from '../factories/households'
import { makeListing } from '../factories/match-listings'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

const householdForm = {
  regionCode: '522634101001',
  address: '西江镇羊排组',
  incomePerCapitaMonthly: '650',
  incomeSources: 'farming',
  housingType: 'owned_safe',
  landMu: '1.5',
  vehicleCount: '0',
  savingsBand: 'none',
  medicalMonthly: '400',
  schoolingMonthly: '200',
  housingMonthly: '0',
  careMonthly: '0',
  debtYuan: '0',
  'members.0.fullName': '潘志刚',
  'members.0.isHead': 'on',
  'members.0.birthDate': '1985-06-01',
  'members.0.gender': 'male',
  'members.0.education': 'junior_high',
  'members.0.health': 'healthy',
  'members.0.employmentStatus': 'unemployed',
  'members.0.workRadius': 'county',
  'members.0.hoursPreference': 'full_time',
  'members.0.skills': '电焊:中级',
  'members.1.fullName': '',
  'needs.employment': 'on',
  'needs.employment.priority': '1',
}

describe('matching pages', () => {
  it('shows field errors in Chinese and writes nothing for a bad household form', async () => {
    const cw = await makeCaseworker('5226')
    const client = new TestClient('zh-CN')
    await client.logIn(cw.username, cw.password)
    const bad = await client.post('/caseworker/households/new', { ...householdForm, incomePerCapitaMonthly: 'abc', 'members.0.birthDate': '' })
    expect(bad.status).toBe(400)
    const text = textOf(await bad.text())
    expect(text).toContain('请输入金额（元），最多两位小数')
    expect(text).toContain('请输入日期，格式 YYYY-MM-DD')
    const outside = await client.post('/caseworker/households/new', { ...householdForm, regionCode: '621102101001' })
    expect(textOf(await outside.text())).toContain('该地区不在您负责的范围内')
    expect(await db.select().from(households)).toHaveLength(0)
  })

  it('runs the whole loop with masking until the candidate applies', async () => {
    const org = await makeUser({ role: 'org_member' })
    const listing = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', title: '雷山县电焊工' })
    const cw = await makeCaseworker('5226')
    const caseworker = new TestClient('zh-CN')
    await caseworker.logIn(cw.username, cw.password)
    const created = await caseworker.post('/caseworker/households/new', householdForm)
    expect(created.status).toBe(302)
    const detailPath = created.headers.get('Location')!
    const listResponse = await caseworker.get('/caseworker/households')
    const list = textOf(await listResponse.text())
    expect(list).toContain('潘志刚')
    expect(list).toContain('A 高风险')
    const badPage = await caseworker.get('/caseworker/households?page=-1')
    expect(badPage.status).toBe(400)
    const badPageText = textOf(await badPage.text())
    expect(badPageText).toContain('页码无效（应为 1 到 10000 的整数），已显示第 1 页。')
    expect(badPageText).toContain('潘志刚')
    // Another region's caseworker neither lists nor opens it.
    const cw2 = await makeCaseworker('6211')
    const otherCw = new TestClient('zh-CN')
    await otherCw.logIn(cw2.username, cw2.password)
    expect(textOf(await (await otherCw.get('/caseworker/households')).text())).not.toContain('潘志刚')
    expect((await otherCw.get(detailPath)).status).toBe(404)
    const invite = await caseworker.post(detailPath, {})
    const code = /邀请码：([A-Z0-9]+)/.exec(textOf(await invite.text()))![1]!

    const resident = await makeUser({ role: 'resident', displayName: '潘志刚' })
    await db.update(users).set({ phone: '15185559999' }).where(eq(users.id, resident.id))
    const me = new TestClient('zh-CN')
    await me.logIn(resident.username, resident.password)
    await me.post('/me/household', { intent: 'link', code: 'WRONG' })
    expect(textOf(await (await me.post('/me/household', { intent: 'link', code: 'WRONG' })).text())).toContain('邀请码不正确')
    await me.post('/me/household', { intent: 'link', code })
    expect(textOf(await (await me.post('/me/household', { intent: 'link', code })).text())).toContain('您尚未同意') // linked now, page shows consent
    await me.post('/me/household', { intent: 'consent', given: 'true' })
    const householdId = detailPath.split('/').pop()!
    // The resident corrects the file through the same form (never re-entering it elsewhere).
    const correctPage = textOf(await (await me.get('/me/household/edit')).text())
    expect(correctPage).toContain('修改家庭档案')
    const corrected = await me.post('/me/household/edit', { ...householdForm, schoolingMonthly: '260', version: '3' })
    expect(corrected.status).toBe(302)
    const history = textOf(await (await caseworker.get(detailPath)).text())
    expect(history).toContain('第 4 版')
    expect(history).toContain('教育')
    await scoreHousehold(householdId) // what the worker does (the queue path is covered in matching.test.ts)

    const offers = textOf(await (await me.get('/me/offers')).text())
    expect(offers).toContain('雷山县电焊工')
    expect(offers).toContain('技能匹配：焊工（中级）')
    expect(offers).toContain('同一县内')
    // A bad link still shows the offers, saying what it ignored.
    const badLink = await me.get('/me/offers?page=abc&kind=jobz')
    expect(badLink.status).toBe(400)
    const badText = textOf(await badLink.text())
    expect(badText).toContain('未知的机会类型，已显示全部类型。')
    expect(badText).toContain('页码无效（应为 1 到 10000 的整数），已显示第 1 页。')
    expect(badText).toContain('雷山县电焊工')

    const english = new TestClient('en')
    await english.logIn(resident.username, resident.password)
    const offersEn = textOf(await (await english.get('/me/offers')).text())
    expect(offersEn).toContain('Skill match: Welding (intermediate)')
    expect(offersEn).toContain('In the same county')

    const orgClient = new TestClient('zh-CN')
    await orgClient.logIn(org.username, org.password)
    const masked = textOf(await (await orgClient.get(`/org/matches/${listing.id}`)).text())
    expect(masked).toContain('潘某')
    expect(masked).not.toContain('潘志刚')
    expect(masked).not.toContain('15185559999')
    expect(masked).toContain('40–49 岁')
    expect(masked).toContain('西江镇 / 西江社区居民委员会')

    await me.post('/me/offers', { intent: 'apply', listingId: listing.id })
    expect(textOf(await (await me.get('/me/offers')).text())).toContain('状态：已申请')
    const open = textOf(await (await orgClient.get(`/org/matches/${listing.id}`)).text())
    expect(open).toContain('潘志刚')
    expect(open).toContain('15185559999')
    const [app] = await db.select().from(applications).where(eq(applications.listingId, listing.id))
    await orgClient.post(`/org/matches/${listing.id}`, { intent: 'accept', applicationId: app!.id })
    await orgClient.post(`/org/matches/${listing.id}`, { intent: 'complete', applicationId: app!.id })
    const [done] = await db.select().from(applications).where(eq(applications.id, app!.id))
    expect(done!.status).toBe('completed')
    for (const step of ['suggestedAt', 'viewedAt', 'appliedAt', 'acceptedAt', 'completedAt'] as const) expect(done![step]).not.toBeNull()
    expect(textOf(await (await me.get('/me/offers')).text())).toContain('已录用')

    // Another organization cannot see this listing's candidates.
    const stranger = await makeUser({ role: 'org_member' })
    const other = new TestClient('zh-CN')
    await other.logIn(stranger.username, stranger.password)
    expect((await other.get(`/org/matches/${listing.id}`)).status).toBe(404)
    const views = await db.select().from(auditEntries).where(eq(auditEntries.action, 'household.view_full'))
    expect(views.length).toBeGreaterThan(0)
  })
})
