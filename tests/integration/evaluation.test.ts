// Evaluation figures (count, three dimension means, combined score) on hand-computed feedback.
// Its own file, so its database holds only the feedback written here.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applications, feedback } from '@db/schema'
import { evaluationBy, evaluationSummary } from '~/models/evaluation.server'
import { db } from '~/utils/db.server'
import { makeRecipient } from '../factories/ledger'
import { makeListing } from '../factories/match-listings'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

describe('evaluation aggregation', () => {
  it('per listing, organization, kind and region on hand-computed data', async () => {
    const orgA = await makeOrganization({ kind: 'enterprise' })
    const orgB = await makeOrganization({ kind: 'social_org' })
    const la1 = await makeListing({ organizationId: orgA.id, title: '岗位一' })
    const la2 = await makeListing({ organizationId: orgA.id, title: '岗位二' })
    const lb1 = await makeListing({ organizationId: orgB.id, kind: 'training', title: '培训一', regionCode: '621102' })
    const recorder = await makeUser({ role: 'caseworker' })
    const give = async (listing: { id: string; organizationId: string }, regionCode: string, s: number, c: number, i: number, createdAt?: Date) => {
      const file = await makeRecipient(listing.id, { status: 'completed', regionCode })
      const [a] = await db.select().from(applications).where(eq(applications.householdId, file.id))
      await db.insert(feedback).values({ subject: 'application', applicationId: a!.id, householdId: file.id, listingId: listing.id, organizationId: listing.organizationId, regionCode, satisfaction: s, capability: c, integration: i, recordedById: recorder.id, ...(createdAt ? { createdAt } : {}) })
    }
    await give(la1, '522634101001', 5, 4, 3)
    await give(la1, '522601001001', 4, 4, 4)
    await give(la2, '522634101001', 2, 3, 5)
    await give(lb1, '621102001001', 3, 1, 2, new Date('2025-01-01T00:00:00Z'))

    const pick = (rows: Awaited<ReturnType<typeof evaluationBy>>, key: string) => {
      const { count, satisfaction, capability, integration, combined } = rows.find((r) => r.key === key)!
      return { count, satisfaction, capability, integration, combined }
    }
    const byListing = await evaluationBy('listing')
    expect(pick(byListing, la1.id)).toEqual({ count: 2, satisfaction: '4.50', capability: '4.00', integration: '3.50', combined: '4.00' })
    expect(pick(byListing, la2.id)).toEqual({ count: 1, satisfaction: '2.00', capability: '3.00', integration: '5.00', combined: '3.33' })
    const orgAFigures = { count: 3, satisfaction: '3.67', capability: '3.67', integration: '4.00', combined: '3.78' }
    expect(pick(await evaluationBy('organization'), orgA.id)).toEqual(orgAFigures)
    const kinds = await evaluationBy('organizationKind')
    expect(pick(kinds, 'enterprise')).toEqual(orgAFigures)
    expect(pick(kinds, 'social_org')).toEqual({ count: 1, satisfaction: '3.00', capability: '1.00', integration: '2.00', combined: '2.00' })
    expect(pick(await evaluationBy('province'), '52')).toEqual(orgAFigures)
    const counties = await evaluationBy('county')
    expect(pick(counties, '522634')).toEqual({ count: 2, satisfaction: '3.50', capability: '3.50', integration: '4.00', combined: '3.67' })
    expect(counties.find((r) => r.key === '522634')!.label).toContain('雷山县')
    expect(await evaluationSummary()).toEqual({ count: 4, satisfaction: '3.50', capability: '3.00', integration: '3.50', combined: '3.33' })
    expect(await evaluationSummary({ from: new Date('2026-01-01T00:00:00Z') })).toEqual(orgAFigures)
    expect(await evaluationSummary({ regionPrefix: '62' })).toMatchObject({ count: 1, combined: '2.00' })
    expect(await evaluationSummary({ organizationKind: 'mass_org' })).toEqual({ count: 0, satisfaction: null, capability: null, integration: null, combined: null })

    // The organization sees its own figures; admins group them.
    const member = await makeUser({ role: 'org_member', organizationId: orgA.id })
    const c = new TestClient('zh-CN')
    await c.logIn(member.username, member.password)
    const page = textOf(await (await c.get('/org/evaluation')).text())
    expect(page).toContain('岗位一')
    expect(page).toContain('3.78')
    expect(page).not.toContain('培训一')
    const admin = await makeUser({ role: 'admin' })
    const a = new TestClient('zh-CN')
    await a.logIn(admin.username, admin.password)
    const kindsPage = textOf(await (await a.get('/admin/evaluation?groupBy=organizationKind')).text())
    expect(kindsPage).toContain('企业')
    expect(kindsPage).toContain('社会组织')
    expect((await c.get('/admin/evaluation')).status).toBe(403)
    // A malformed filter is named in the visitor's language (the KPI dashboard's parser), not silently dropped.
    const badResponse = await a.get('/admin/evaluation?from=2026-13-45&region=123')
    expect(badResponse.status).toBe(400)
    const bad = textOf(await badResponse.text())
    expect(bad).toContain('日期格式应为 年-月-日')
    expect(bad).toContain('筛选条件有误，下方显示的是未筛选的数字。')
    expect(bad).toContain('地区代码须为 2、4、6、9 或 12 位数字的行政区划代码')
    const reversed = textOf(await (await c.get('/org/evaluation?from=2026-03-01&to=2026-02-01')).text())
    expect(reversed).toContain('截止日期不能早于起始日期')
    expect(reversed).toContain('岗位一')
  })
})
