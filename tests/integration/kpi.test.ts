// KPI dashboard figures on a small hand-built dataset: every expected number below was
// worked out by hand from the rows inserted here (see the comments), per filter and per scope.
import { eq, isNull } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  applicationOutcomes,
  applications,
  feedback,
  householdNeeds,
  households,
  listingDuplicateFlags,
  listings,
  matches,
  resolutionAlerts,
  resolutionThresholds,
  type OutcomeCode,
} from '@db/schema'
import { enqueueEvaluateResolutionRates } from '@workers/queues/monitoring'
import { getQueue } from '@workers/queues/connection'
import { dashboard, evaluateResolutionRates, parseKpiFilters, queueHealth, type KpiFilters, type KpiScope } from '~/models/kpi.server'
import { db } from '~/utils/db.server'
import { TestClient, textOf } from '../setup/app'
import { makeListing } from '../factories/match-listings'
import { makeOrganization, makeUser } from '../factories/users'

const at = (day: string) => new Date(`${day}T12:00:00+08:00`)
const ALL: KpiScope = { kind: 'all' }
const JAN: KpiFilters = parseKpiFilters(new URLSearchParams({ from: '2026-01-01', to: '2026-01-31' })).filters

async function household(tier: 'A' | 'B' | 'C', regionCode: string, needRecorded?: string) {
  const [h] = await db
    .insert(households)
    .values({ regionCode, incomePerCapitaMonthly: '300.00', housingType: 'owned_safe', riskTier: tier, nextReviewOn: '2026-06-01', consentGiven: true })
    .returning()
  if (needRecorded) await db.insert(householdNeeds).values({ householdId: h!.id, category: 'employment', priority: 1, createdAt: at(needRecorded) })
  return h!
}

type Steps = Partial<Record<'appliedAt' | 'invitedAt' | 'acceptedAt' | 'rejectedAt' | 'declinedAt' | 'completedAt' | 'withdrawnAt', string>>

async function application(householdId: string, listingId: string, status: (typeof applications.$inferInsert)['status'], steps: Steps) {
  const dates = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, at(v)]))
  const [a] = await db.insert(applications).values({ householdId, listingId, status, ...dates }).returning()
  return a!
}

async function outcome(applicationId: string, code: OutcomeCode, wasAccepted: boolean, closed: string) {
  await db.insert(applicationOutcomes).values({ applicationId, outcome: code, wasAccepted, closedAt: at(closed) })
}

async function match(householdId: string, listingId: string, computed: string) {
  await db.insert(matches).values({ householdId, listingId, score: 70, reasons: [], listingVersion: 1, householdVersion: 1, computedAt: at(computed) })
}

let E1: { id: string }
let S1: { id: string }
let e1Member: { username: string; password: string }
let admin: { username: string; password: string }

beforeAll(async () => {
  // Organizations: E1 enterprise and S1 NGO in 雷山县 522634, M1 mass organization in 岷县 621102.
  E1 = await makeOrganization({ kind: 'enterprise', regionCode: '522634', name: '雷山测试企业' })
  S1 = await makeOrganization({ kind: 'social_org', regionCode: '522634' })
  const M1 = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation', regionCode: '621102' })
  e1Member = await makeUser({ role: 'org_member', organizationId: E1.id })
  admin = await makeUser({ role: 'admin' })
  const caseworker = await makeUser({ role: 'caseworker' })

  const LE = await makeListing({ organizationId: E1.id, regionCode: '522634' })
  const LS = await makeListing({ organizationId: S1.id, regionCode: '522634' })
  const LM = await makeListing({ organizationId: M1.id, regionCode: '621102' })
  const LE2 = await makeListing({ organizationId: E1.id, regionCode: '522634' })
  await makeListing({ organizationId: S1.id, regionCode: '522634', status: 'draft' })
  const published = { [LE.id]: '2026-01-03', [LS.id]: '2026-01-04', [LM.id]: '2025-12-15', [LE2.id]: '2026-01-06' }
  for (const [id, day] of Object.entries(published)) await db.update(listings).set({ publishedAt: at(day) }).where(eq(listings.id, id))
  // Duplicate flags: LE–LS still open (counts), LE2–LM ruled distinct (does not).
  const pair = (a: string, b: string) => (a < b ? { listingId: a, otherListingId: b } : { listingId: b, otherListingId: a })
  await db.insert(listingDuplicateFlags).values({ ...pair(LE.id, LS.id), similarity: '0.9100' })
  await db.insert(listingDuplicateFlags).values({ ...pair(LE2.id, LM.id), similarity: '0.8800', status: 'distinct' })

  // Households (tier, county, first need recorded).
  const H1 = await household('A', '522634001001', '2026-01-01')
  const H2 = await household('A', '522634001002', '2025-12-01')
  const H3 = await household('B', '522634100003', '2025-11-30')
  const H4 = await household('B', '621102001001', '2026-01-04')
  const H5 = await household('C', '522634001001', '2025-12-31')
  const H6 = await household('A', '621102001002')

  await match(H1.id, LE.id, '2026-01-02')
  await match(H2.id, LE.id, '2026-01-02')
  await match(H3.id, LS.id, '2025-11-30')
  await match(H4.id, LM.id, '2026-01-02')
  await match(H6.id, LS.id, '2026-01-02')
  await match(H5.id, LE.id, '2026-01-02')

  await application(H1.id, LE.id, 'accepted', { appliedAt: '2026-01-05', acceptedAt: '2026-01-10' }) // a1: need → accepted 9 days
  const a2 = await application(H3.id, LS.id, 'completed', { appliedAt: '2025-12-01', acceptedAt: '2025-12-05', completedAt: '2026-01-20' }) // 5 days
  const a3 = await application(H4.id, LM.id, 'completed', { invitedAt: '2026-01-03', acceptedAt: '2026-01-07', completedAt: '2026-01-25' }) // 3 days
  const a4 = await application(H2.id, LE.id, 'rejected', { appliedAt: '2026-01-12', rejectedAt: '2026-01-13' })
  const a5 = await application(H6.id, LS.id, 'declined', { invitedAt: '2026-01-15', declinedAt: '2026-01-16' })
  const a6 = await application(H5.id, LE.id, 'withdrawn', { appliedAt: '2026-01-01', acceptedAt: '2026-01-02', withdrawnAt: '2026-01-08' }) // 2 days
  const a7 = await application(H2.id, LS.id, 'completed', { appliedAt: '2025-12-10', acceptedAt: '2025-12-11', completedAt: '2025-12-20' }) // 10 days

  await outcome(a2.id, 'completed', true, '2026-01-20')
  await outcome(a3.id, 'completed', true, '2026-01-25')
  await outcome(a5.id, 'declined_by_resident', false, '2026-01-16')
  await outcome(a6.id, 'offer_withdrawn', true, '2026-01-08')
  await outcome(a7.id, 'completed', true, '2025-12-20')
  await outcome(a4.id, 'no_capacity', false, '2026-01-13') // neither accepted nor a referral: not in the rate

  const fb = (applicationId: string, listingId: string, organizationId: string, householdId: string, regionCode: string, s: number, c: number, i: number, day: string) =>
    db.insert(feedback).values({ subject: 'application', applicationId, listingId, organizationId, householdId, regionCode, satisfaction: s, capability: c, integration: i, recordedById: caseworker.id, createdAt: at(day) })
  await fb(a2.id, LS.id, S1.id, H3.id, '522634100003', 5, 4, 3, '2026-01-21')
  await fb(a3.id, LM.id, M1.id, H4.id, '621102001001', 3, 2, 4, '2026-01-26')
  await fb(a7.id, LS.id, S1.id, H2.id, '522634001002', 4, 4, 4, '2025-12-21')
})

describe('KPI figures', () => {
  it('all regions, all time, as an administrator', async () => {
    const d = await dashboard(ALL, {})
    // A: H1 (a1 accepted), H2 (a7 completed), H6 (only declined) → 2 of 3; B: H3, H4 both assisted.
    expect(d.tiers).toEqual([
      { tier: 'A', households: 3, assisted: 2, share: '0.6667' },
      { tier: 'B', households: 2, assisted: 2, share: '1.0000' },
    ])
    // Days need → first accepted per household: 9, 10, 5, 3, 2 → median 5.
    expect(d.funnel).toEqual({ matched: 6, applied: 7, accepted: 5, completed: 3, medianDaysToAccepted: '5.0', households: 5 })
    // Non-draft listings LE, LS, LM, LE2; flagged (not ruled distinct): LE, LS.
    expect(d.duplicates).toEqual({ listings: 4, flagged: 2, rate: '0.5000' })
    // Loops counted: a2, a3, a5, a6, a7 (a4 neither accepted nor a referral).
    expect(d.resolution).toEqual({
      all: { closed: 5, completed: 3, rate: '0.6000' },
      accepted: { closed: 4, completed: 3, rate: '0.7500' },
      referrals: { closed: 2, completed: 1, rate: '0.5000' },
      byOutcome: { completed: 3, declined_by_resident: 1, unreachable: 0, offer_withdrawn: 1, no_capacity: 0 },
    })
    // (5+3+4)/3, (4+2+4)/3, (3+4+4)/3
    expect(d.feedback).toEqual({ responses: 3, satisfaction: '4.00', capability: '3.33', integration: '3.67' })
    expect(d.funds).toEqual({ money: { pledged: '0.00', held: '0.00', released: '0.00', delivered: '0.00', idle: '0.00' }, items: [] })
  })

  it('January 2026 only', async () => {
    const d = await dashboard(ALL, JAN)
    // A: H1 accepted 01-10 yes; H2's only completion was 12-20, before the period → 1 of 3. B: a2 and a3 completed in January.
    expect(d.tiers.map((x) => [x.tier, x.assisted, x.share])).toEqual([
      ['A', 1, '0.3333'],
      ['B', 2, '1.0000'],
    ])
    // Matched in Jan: all but H3–LS (11-30). Applied in Jan: a1, a3, a4, a5, a6. Accepted: a1, a3, a6. Completed: a2, a3.
    // First acceptance in January: H1 9, H4 3, H5 2 days → median 3.
    expect(d.funnel).toEqual({ matched: 5, applied: 5, accepted: 3, completed: 2, medianDaysToAccepted: '3.0', households: 3 })
    expect(d.duplicates).toEqual({ listings: 3, flagged: 2, rate: '0.6667' })
    expect(d.resolution.all).toEqual({ closed: 4, completed: 2, rate: '0.5000' })
    expect(d.feedback).toEqual({ responses: 2, satisfaction: '4.00', capability: '3.00', integration: '3.50' })
  })

  it('region prefix 6211 (定西) and organization kind social_org', async () => {
    const dingxi = await dashboard(ALL, { region: '6211' })
    expect(dingxi.tiers.map((x) => [x.tier, x.households, x.assisted])).toEqual([
      ['A', 1, 0],
      ['B', 1, 1],
    ])
    expect(dingxi.funnel).toMatchObject({ matched: 2, applied: 2, accepted: 1, completed: 1, medianDaysToAccepted: '3.0' })
    expect(dingxi.duplicates).toEqual({ listings: 1, flagged: 0, rate: '0.0000' })
    expect(dingxi.resolution.all).toEqual({ closed: 2, completed: 1, rate: '0.5000' })
    expect(dingxi.feedback).toMatchObject({ responses: 1, satisfaction: '3.00' })

    const ngos = await dashboard(ALL, { orgKind: 'social_org' })
    // LS: a2 (H3), a5 (H6), a7 (H2).
    expect(ngos.funnel).toMatchObject({ matched: 2, applied: 3, accepted: 2, completed: 2 })
    expect(ngos.resolution.all).toEqual({ closed: 3, completed: 2, rate: '0.6667' })
    expect(ngos.feedback).toEqual({ responses: 2, satisfaction: '4.50', capability: '4.00', integration: '3.50' })
  })

  it("an organization sees only its own organization's figures", async () => {
    const mine = await dashboard({ kind: 'organization', organizationId: E1.id }, {})
    // E1's listings LE, LE2: a1 (H1), a4 (H2), a6 (H5); H1 is its only assisted tier-A household.
    expect(mine.tiers.map((x) => [x.tier, x.households, x.assisted])).toEqual([
      ['A', 3, 1],
      ['B', 2, 0],
    ])
    // Medians of 9 (H1) and 2 (H5) days.
    expect(mine.funnel).toEqual({ matched: 3, applied: 3, accepted: 2, completed: 0, medianDaysToAccepted: '5.5', households: 2 })
    expect(mine.duplicates).toEqual({ listings: 2, flagged: 1, rate: '0.5000' })
    expect(mine.resolution.all).toEqual({ closed: 1, completed: 0, rate: '0.0000' })
    expect(mine.resolution.byOutcome.completed).toBe(0)
    // No feedback on E1's listings: S1's and M1's scores never show.
    expect(mine.feedback).toEqual({ responses: 0, satisfaction: null, capability: null, integration: null })
  })

  it('bad filters are reported in the catalog and not applied', () => {
    expect(parseKpiFilters(new URLSearchParams({ region: '52a6' })).errors).toEqual({ region: 'kpi:errors.bad_region' })
    expect(parseKpiFilters(new URLSearchParams({ from: '2026-02-01', to: '2026-01-01' })).errors).toEqual({ to: 'kpi:errors.period_reversed' })
    expect(parseKpiFilters(new URLSearchParams({ from: '31/01/2026' })).errors).toEqual({ from: 'kpi:errors.bad_date' })
    expect(parseKpiFilters(new URLSearchParams({ orgKind: 'club' })).errors).toEqual({ orgKind: 'kpi:errors.bad_org_kind' })
    expect(parseKpiFilters(new URLSearchParams({ region: '52a6', orgKind: 'enterprise' })).filters).toEqual({})
  })

  it('queue health counts waiting jobs per queue', async () => {
    const before = (await queueHealth())!.find((q) => q.queue === 'monitoring')!.waiting
    await enqueueEvaluateResolutionRates(new Date('2026-03-01T00:00:00Z'))
    await enqueueEvaluateResolutionRates(new Date('2026-03-01T00:30:00Z')) // same hour slot: same job id
    const after = (await queueHealth())!.find((q) => q.queue === 'monitoring')!
    expect(after.waiting).toBe(before + 1)
    await getQueue('monitoring').obliterate({ force: true })
  })
})

describe('KPI pages', () => {
  it('/admin/kpi shows the figures to administrators and refuses organization members', async () => {
    const member = new TestClient('zh-CN')
    await member.logIn(e1Member.username, e1Member.password)
    expect((await member.get('/admin/kpi')).status).toBe(403)

    const client = new TestClient('zh-CN')
    await client.logIn(admin.username, admin.password)
    const page = await client.get('/admin/kpi?from=2026-01-01&to=2026-01-31')
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toMatch(/data-testid="funnel-applied">5</)
    expect(html).toMatch(/data-testid="tier-A-share">33.3%</)
    expect(textOf(html)).toContain('打开任务队列面板')

    const bad = await client.get('/admin/kpi?region=abc')
    expect(bad.status).toBe(400)
    expect(textOf(await bad.text())).toContain('地区代码须为 2、4、6、9 或 12 位数字的行政区划代码')
  })

  it("/org/kpi shows an organization member their own organization's figures only", async () => {
    const client = new TestClient('zh-CN')
    await client.logIn(e1Member.username, e1Member.password)
    const html = await (await client.get('/org/kpi')).text()
    expect(html).toMatch(/data-testid="funnel-applied">3</)
    expect(html).toMatch(/data-testid="feedback-responses">0</)
    expect(html).not.toContain('data-testid="kpi-queues"')
    expect(html).not.toContain('data-testid="kpi-alerts"')
  })
})

describe('resolution-rate alerts', () => {
  it('raises one alert per organization and county below the threshold, never twice, resolves on recovery, ignores too few loops', async () => {
    // 台江县 522630: its own threshold — 50 % over 30 days, judged from 4 closed loops.
    await db.insert(resolutionThresholds).values({ regionCode: '522630', minRate: '0.500', windowDays: 30, minClosed: 4 })
    const T = await makeOrganization({ kind: 'social_org', regionCode: '522630', name: '台江测试协会' })
    const listing = await makeListing({ organizationId: T.id, regionCode: '522630' })
    const now = new Date('2026-03-01T12:00:00+08:00')
    const loop = async (code: OutcomeCode, closed: string) => {
      const h = await household('B', '522630001001')
      const a = await application(h.id, listing.id, code === 'completed' ? 'completed' : 'withdrawn', { appliedAt: '2026-01-10', acceptedAt: '2026-01-12' })
      await outcome(a.id, code, true, closed)
    }
    const open = () => db.select().from(resolutionAlerts).where(isNull(resolutionAlerts.resolvedAt))

    // Three failed loops in the window, one outside it (2026-01-15 is more than 30 days before 03-01): too few to judge.
    await loop('unreachable', '2026-02-10')
    await loop('no_capacity', '2026-02-12')
    await loop('offer_withdrawn', '2026-02-14')
    await loop('unreachable', '2026-01-15')
    expect(await evaluateResolutionRates(now)).toMatchObject({ raised: 0, resolved: 0 })
    expect(await open()).toEqual([])

    // A fourth loop in the window: 1 completed of 4 = 25 % < 50 % → organization T and county 522630.
    await loop('completed', '2026-02-20')
    expect(await evaluateResolutionRates(now)).toMatchObject({ raised: 2, resolved: 0 })
    const raised = await open()
    expect(raised.map((a) => [a.scope, a.organizationId, a.regionCode, a.rate, a.minRate, a.closed]).sort()).toEqual([
      ['organization', T.id, null, '0.250', '0.500', 4],
      ['region', null, '522630', '0.250', '0.500', 4],
    ])
    // The national default (10 loops) leaves 雷山/岷县 and their organizations unjudged.

    // Running again changes nothing: still the same two open alerts.
    expect(await evaluateResolutionRates(now)).toMatchObject({ raised: 0, resolved: 0 })
    expect((await open()).map((a) => a.id).sort()).toEqual(raised.map((a) => a.id).sort())

    // Shown to administrators on the dashboard.
    const client = new TestClient('zh-CN')
    await client.logIn(admin.username, admin.password)
    const text = textOf(await (await client.get('/admin/kpi')).text())
    expect(text).toContain('组织: 台江测试协会')
    expect(text).toContain('25.0%')

    // Three more completed: 4 of 7 ≈ 57 % ≥ 50 % → both resolve automatically.
    await loop('completed', '2026-02-21')
    await loop('completed', '2026-02-22')
    await loop('completed', '2026-02-23')
    expect(await evaluateResolutionRates(now)).toMatchObject({ raised: 0, resolved: 2 })
    expect(await open()).toEqual([])
    const all = await db.select().from(resolutionAlerts)
    expect(all).toHaveLength(2)
    expect(all.every((a) => a.resolvedAt?.getTime() === now.getTime())).toBe(true)
  })

  it('keeps an open alert open, with its last judged figures, once too few loops are left in its window to judge it', async () => {
    // 从江县 522633: 50 % over 30 days from 3 loops.
    await db.insert(resolutionThresholds).values({ regionCode: '522633', minRate: '0.500', windowDays: 30, minClosed: 3 })
    const S = await makeOrganization({ kind: 'social_org', regionCode: '522633', name: '从江测试协会' })
    const listing = await makeListing({ organizationId: S.id, regionCode: '522633' })
    for (const closed of ['2026-05-02', '2026-05-03', '2026-05-20']) {
      const h = await household('B', '522633001001')
      const a = await application(h.id, listing.id, 'withdrawn', { appliedAt: '2026-04-20', acceptedAt: '2026-04-22' })
      await outcome(a.id, 'unreachable', true, closed)
    }
    const openFor = async () =>
      (await db.select().from(resolutionAlerts).where(isNull(resolutionAlerts.resolvedAt))).filter((a) => a.organizationId === S.id || a.regionCode === '522633')
    await evaluateResolutionRates(new Date('2026-05-25T12:00:00+08:00'))
    const raised = await openFor()
    expect(raised.map((a) => [a.rate, a.closed])).toEqual([
      ['0.000', 3],
      ['0.000', 3],
    ])
    // A month later only the 05-20 loop is inside the 30-day window: not judged, so not resolved either.
    await evaluateResolutionRates(new Date('2026-06-10T12:00:00+08:00'))
    expect(await openFor()).toEqual(raised)
  })
})
