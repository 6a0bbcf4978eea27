// The matching journey in a real browser with the real worker process:
// a caseworker records a household → the worker scores it → the resident sees the job with
// its reasons and applies → the company sees the masked candidate, then accepts and marks hired.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { organizations } from '@db/schema'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { db } from '~/utils/db.server'
import { makeListing } from '../factories/match-listings'
import { makeUser } from '../factories/users'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ seed: true, workers: true })

async function reloadUntil(page: Page, text: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((await page.locator('main, body').first().textContent())?.includes(text)) return
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear`)
    await page.waitForTimeout(300)
    await page.reload()
  }
}

describe('matching journey', () => {
  it('caseworker records → worker scores → resident applies → company accepts and marks hired', async () => {
    const [org] = await db.select().from(organizations).where(eq(organizations.name, '凯里经开区黔岭电子科技有限公司'))
    const listing = await makeListing({ organizationId: org!.id, regionCode: '522634', title: '雷山县电子厂焊工' })

    // Caseworker records the household through the form.
    const cwContext = await newChineseContext(journey.browser)
    const cw = await cwContext.newPage()
    await logInThroughForm(cw, journey.server.baseUrl, 'caseworker', DEMO_PASSWORD)
    await cw.goto(`${journey.server.baseUrl}/caseworker/households/new`)
    await cw.fill('input[name="regionCode"]', '522634100200')
    await cw.fill('input[name="address"]', '西门村二组')
    await cw.fill('input[name="incomePerCapitaMonthly"]', '650')
    await cw.selectOption('select[name="housingType"]', 'owned_safe')
    await cw.fill('input[name="medicalMonthly"]', '450')
    await cw.fill('input[name="members.0.fullName"]', '龙建华')
    await cw.check('input[name="members.0.isHead"]')
    await cw.fill('input[name="members.0.birthDate"]', '1984-05-20')
    await cw.selectOption('select[name="members.0.gender"]', 'male')
    await cw.selectOption('select[name="members.0.education"]', 'junior_high')
    await cw.selectOption('select[name="members.0.employmentStatus"]', 'unemployed')
    await cw.selectOption('select[name="members.0.workRadius"]', 'county')
    await cw.fill('input[name="members.0.skills"]', '电焊:中级')
    await cw.check('input[name="needs.employment"]')
    await cw.selectOption('select[name="needs.employment.priority"]', '1')
    await snap(cw, 'matching', '01-caseworker-form')
    await Promise.all([cw.waitForURL(/\/caseworker\/households\/[0-9a-f-]{36}$/), cw.getByRole('button', { name: '保存' }).click()])
    await cw.getByTestId('household-tier').waitFor()
    expect(await cw.getByTestId('household-tier').textContent()).toContain('A 高风险')
    await cw.getByRole('button', { name: '生成居民邀请码' }).click()
    const codeText = await cw.getByTestId('invitation-code').textContent()
    const code = /邀请码：([A-Z0-9]+)/.exec(codeText ?? '')![1]!
    await snap(cw, 'matching', '02-caseworker-invitation')

    // The resident links the file with the code and consents; the worker scores the household.
    const resident = await makeUser({ role: 'resident', displayName: '龙建华' })
    const rContext = await newChineseContext(journey.browser)
    const r = await rContext.newPage()
    await logInThroughForm(r, journey.server.baseUrl, resident.username, resident.password)
    await r.goto(`${journey.server.baseUrl}/me/household`)
    await r.fill('input[name="code"]', code)
    await r.getByRole('button', { name: '关联' }).click()
    await r.getByRole('button', { name: '同意授权' }).click()
    await r.getByRole('button', { name: '撤回授权' }).waitFor()
    await r.goto(`${journey.server.baseUrl}/me/offers`)
    await reloadUntil(r, '雷山县电子厂焊工')
    const reasons = await r.getByTestId('offer-reasons').first().textContent()
    expect(reasons).toContain('技能匹配：焊工（中级）')
    expect(reasons).toContain('同一县内')
    await snap(r, 'matching', '03-resident-offers')

    // The company sees a masked candidate before the application.
    const oContext = await newChineseContext(journey.browser)
    const o = await oContext.newPage()
    await logInThroughForm(o, journey.server.baseUrl, 'org_kaili_electronics', DEMO_PASSWORD)
    await o.goto(`${journey.server.baseUrl}/org/matches/${listing.id}`)
    const masked = await o.getByTestId('candidate').first().textContent()
    expect(masked).toContain('龙某')
    expect(masked).not.toContain('龙建华')
    await snap(o, 'matching', '04-company-masked')

    // The resident applies in one click.
    await r.getByRole('button', { name: '一键申请' }).first().click()
    await r.getByText('状态：已申请').waitFor()
    await snap(r, 'matching', '05-resident-applied')

    // The company now sees the candidate, accepts and marks hired.
    await o.reload()
    expect(await o.getByTestId('candidate').first().textContent()).toContain('龙建华')
    await o.getByRole('button', { name: '接受' }).click()
    await o.getByRole('button', { name: '标记为已录用' }).click()
    await o.getByText('已录用').first().waitFor()
    await snap(o, 'matching', '06-company-hired')

    await r.reload()
    expect(await r.getByTestId('my-applications').textContent()).toContain('已录用')
    await Promise.all([cwContext.close(), rContext.close(), oContext.close()])
  })
})
