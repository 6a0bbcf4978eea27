import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { checkLedger } from '~/models/reconciliation.server'
import { makeItemDonationListing, makeProject, makeRecipient } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney()

async function as<T>(user: { username: string; password: string }, work: (page: Page) => Promise<T>) {
  const context = await newChineseContext(journey.browser)
  const page = await context.newPage()
  if (process.env.DEBUG_E2E) {
    page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 300)))
    page.on('pageerror', (e) => console.log('PAGEERROR', e.message.slice(0, 300)))
    page.on('request', (r) => r.method() === 'POST' && console.log('POST', r.url()))
    page.on('response', async (r) => r.request().method() === 'POST' && console.log('RESP', r.status(), r.url(), r.request().postData()?.slice(0, 600), (await r.text().catch(() => '')).slice(0, 300)))
  }
  try {
    await logInThroughForm(page, journey.server.baseUrl, user.username, user.password)
    return await work(page)
  } finally {
    await context.close()
  }
}

/** Navigates and waits until scripts have loaded and hydrated, so filled inputs are not re-rendered away. */
async function open(page: Page, path: string) {
  await page.goto(`${journey.server.baseUrl}${path}`)
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => document.readyState === 'complete' && '__remixContext' in window)
}

async function submitAndWait(page: Page, button: ReturnType<Page['locator']>) {
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button.click()])
  await page.waitForLoadState('networkidle')
}

describe('escrow ledger journeys', () => {
  it('a donor pledges to a project; an NGO claims it; a milestone is approved and paid; the donor sees the flow', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation', name: `雷山县妇联${randomUUID().slice(0, 4)}` })
    const owner = await makeUser({ role: 'org_member', organizationId: ownerOrg.id })
    const ngoName = `阳光公益${randomUUID().slice(0, 4)}`
    const ngoOrg = await makeOrganization({ kind: 'social_org', name: ngoName })
    const ngo = await makeUser({ role: 'org_member', organizationId: ngoOrg.id })
    const donor = await makeUser({ role: 'donor', displayName: '张伟' })
    const { listing } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })

    await as(donor, async (page) => {
      await open(page, `/donor/pledge/${listing.id}`)
      await page.getByLabel('认捐金额（元）').fill('5000')
      await submitAndWait(page, page.getByRole('button', { name: '确认认捐' }))
      expect(await page.getByTestId('pledge-recorded').textContent()).toContain('¥5000.00')
      // A bad amount is refused with a specific Chinese message.
      await open(page, `/donor/pledge/${listing.id}`)
      await page.getByLabel('认捐金额（元）').fill('12.345')
      await submitAndWait(page, page.getByRole('button', { name: '确认认捐' }))
      expect(await page.getByTestId('pledge-error').textContent()).toContain('最多保留 2 位小数')
      await snap(page, 'ledger-project', '1-pledged')
    })

    await as(ngo, async (page) => {
      await open(page, `/org/claims`)
      const card = page.getByTestId('open-project').filter({ hasText: listing.title })
      await card.locator('textarea[name="plan"]').fill('每周两次课后陪伴与作业辅导，覆盖 40 名留守儿童')
      await card.locator('input[name="budget"]').fill('8000')
      await submitAndWait(page, card.getByRole('button', { name: '提交认领' }))
      await page.getByTestId('my-claim').filter({ hasText: '待审核' }).waitFor()
    })

    await as(owner, async (page) => {
      await open(page, `/org/ledger`)
      await submitAndWait(page, page.getByTestId('claim-to-decide').getByRole('button', { name: '通过', exact: true }))
    })

    await as(ngo, async (page) => {
      await open(page, `/org/claims`)
      const claim = page.getByTestId('my-claim')
      await claim.locator('textarea[name="evidence"]').first().fill('第一阶段活动照片 20 张、签到表 8 份')
      await submitAndWait(page, claim.getByRole('button', { name: '提交里程碑材料' }).first())
      await claim.getByText('待审核').first().waitFor()
    })

    await as(owner, async (page) => {
      await open(page, `/org/ledger`)
      expect(await page.getByTestId('submission-to-review').textContent()).toContain('¥3200.00')
      await submitAndWait(page, page.getByTestId('submission-to-review').getByRole('button', { name: '通过', exact: true }))
      await snap(page, 'ledger-project', '2-milestone-approved')
    })

    await as(donor, async (page) => {
      await open(page, `/donor/gifts`)
      const gift = page.getByTestId('money-gifts').locator('tr').first()
      expect(await gift.textContent()).toContain('¥5000.00')
      expect(await gift.textContent()).toContain('已拨付')
      const flow = await page.getByTestId('flow-table').textContent()
      expect(flow).toContain(listing.title)
      expect(flow).toContain(ngoName)
      expect(flow).toContain('3200')
      // The Sankey chart is drawn in the journey.browser.
      await page.locator('[data-testid="flow-chart"] canvas').waitFor()
      await snap(page, 'ledger-project', '3-donor-sees-flow')
      await open(page, `/funds/${listing.id}`)
      const totals = await page.getByTestId('money-totals').textContent()
      expect(totals).toContain('¥5000.00')
      expect(totals).toContain('¥3200.00')
      expect(await page.getByTestId('milestones').textContent()).toContain('已拨付 ¥3200.00')
      await snap(page, 'ledger-project', '4-public-project-page')
    })
    expect(await checkLedger()).toEqual([])
  }, 120_000)

  it('a donor gives 100 quilts; 60 reach three households who confirm; 40 remain in stock; the trace shows exactly that', async () => {
    const org = await makeOrganization({ kind: 'social_org', name: `黔东南暖冬行动${randomUUID().slice(0, 4)}` })
    const orgUser = await makeUser({ role: 'org_member', organizationId: org.id })
    const donor = await makeUser({ role: 'donor' })
    const residents = await Promise.all(['王光明', '李春花', '杨秀英'].map((name) => makeUser({ role: 'resident', displayName: name })))
    const listing = await makeItemDonationListing({ organizationId: org.id, kind: '棉被', unit: '条', quantity: '100' })
    // Three households accepted for the listing, each with its resident account.
    for (const [i, r] of residents.entries()) await makeRecipient(listing.id, { headName: ['王光明', '李春花', '杨秀英'][i], resident: r, regionCode: '522634001001' })

    await as(donor, async (page) => {
      await open(page, `/donor/pledge/${listing.id}`)
      await page.getByLabel('数量（条）').fill('100')
      await submitAndWait(page, page.getByRole('button', { name: '登记捐赠批次' }))
      expect(await page.getByTestId('lot-recorded').textContent()).toContain('100 条棉被')
    })

    await as(orgUser, async (page) => {
      await open(page, `/org/ledger`)
      const lot = page.getByTestId('org-lot')
      // Only the accepted households are offered, masked (surname + 某, village, no name or phone).
      const rows = lot.getByTestId('eligible-recipient')
      expect((await rows.allTextContents()).map((t) => t.split(' · ')[0]).sort()).toEqual(['李某', '杨某', '王某'])
      for (const name of ['王光明', '李春花', '杨秀英']) expect(await page.content()).not.toContain(name)
      for (let i = 0; i < 3; i++) await rows.nth(i).locator('input[name="quantity"]').fill('20')
      await submitAndWait(page, lot.getByRole('button', { name: '发放给受助家庭' }))
      await page.getByTestId('lot-position').filter({ hasText: '库存 40 · 发放中 60' }).waitFor()
      expect(await page.getByRole('alert').count()).toBe(0)
      await snap(page, 'ledger-quilts', '1-split-across-households')
    })

    for (const r of residents) {
      await as(r, async (page) => {
        await open(page, `/me/receipts`)
        await submitAndWait(page, page.getByRole('button', { name: '确认收到' }))
        await page.getByTestId('receipt').filter({ hasText: '已签收' }).waitFor()
      })
    }

    await as(donor, async (page) => {
      await open(page, `/donor/gifts`)
      expect(await page.getByTestId('lot-position').textContent()).toBe('已送达 60 · 发放中 0 · 库存 40 · 已核销 0')
      const recipients = await page.getByTestId('recipient').allTextContents()
      expect(recipients.sort()).toEqual(['李某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达', '杨某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达', '王某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达'].map((s) => s).sort())
      const flow = await page.getByTestId('flow-table').textContent()
      expect(flow).toContain('库存')
      // No full name reaches the donor's page.
      const html = await page.content()
      for (const name of ['王光明', '李春花', '杨秀英']) expect(html).not.toContain(name)
      await snap(page, 'ledger-quilts', '2-donor-trace')
      const csv = await page.request.get(`${journey.server.baseUrl}/donor/gifts.csv`)
      const text = await csv.text()
      expect(text).toContain('王某')
      expect(text).not.toContain('王光明')
    })
    expect(await checkLedger()).toEqual([])
  }, 120_000)
})
