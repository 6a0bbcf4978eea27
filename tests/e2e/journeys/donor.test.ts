// Journey of a donor: gives money (a pledge held in a project's escrow) and items (a lot of 100
// quilts), then follows both to delivery — the money paid out for a milestone, the quilts handed
// to three households (shown masked) who confirm receipt — on /donor/gifts and /funds/:id.
// The NGO's own steps are the NGO journey's; here they run through the same model functions.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { distributions } from '@db/schema'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { confirmDistribution } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeItemDonationListing, makeProject, makeRecipient } from '../../factories/ledger'
import { makeOrganization, makeUser } from '../../factories/users'
import { useJourney } from '../../setup/browser'
import { journeySteps } from './steps'

const journey = useJourney()
const HEADS = ['王光明', '李春花', '杨秀英']

describe('donor journey', () => {
  it('gives money and quilts and follows them to a paid milestone and confirmed households', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation', name: `雷山县妇联${randomUUID().slice(0, 4)}` })
    const owner = await makeUser({ role: 'org_member', organizationId: ownerOrg.id })
    const ngoName = `阳光公益${randomUUID().slice(0, 4)}`
    const ngo = await makeUser({ role: 'org_member', organizationId: (await makeOrganization({ kind: 'social_org', name: ngoName })).id })
    const quiltOrg = await makeOrganization({ kind: 'social_org', name: `黔东南暖冬行动${randomUUID().slice(0, 4)}` })
    const quiltOrgUser = await makeUser({ role: 'org_member', displayName: '杨志强', organizationId: quiltOrg.id })
    const donor = await makeUser({ role: 'donor', displayName: '张伟' })
    const residents = await Promise.all(HEADS.map((name) => makeUser({ role: 'resident', displayName: name })))
    const { listing: project, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })
    const quilts = await makeItemDonationListing({ organizationId: quiltOrg.id, kind: '棉被', unit: '条', quantity: '100' })
    // Three households accepted for the quilt listing, each with its resident account.
    for (const [i, r] of residents.entries()) await makeRecipient(quilts.id, { headName: HEADS[i], resident: r, regionCode: '522634001001' })

    const { actor, open, submit, sees, text, screenshot, closeAll } = journeySteps(journey, 'donor')
    try {
      // 1. Money: a pledge of ¥5000 to the project, held in escrow; a bad amount is refused in Chinese.
      const page = await actor(donor)
      await open(page, `/donor/pledge/${project.id}`)
      await page.getByLabel('认捐金额（元）').fill('12.345')
      await submit(page, page.getByRole('button', { name: '确认认捐' }))
      await sees(page.getByTestId('pledge-error'), '最多保留 2 位小数')
      await screenshot(page, 'pledge-bad-amount')
      await open(page, `/donor/pledge/${project.id}`)
      await page.getByLabel('认捐金额（元）').fill('5000')
      await submit(page, page.getByRole('button', { name: '确认认捐' }))
      await sees(page.getByTestId('pledge-recorded'), '¥5000.00')
      await screenshot(page, 'money-pledged')

      // 2. Items: a lot of 100 quilts for the winter listing.
      await open(page, `/donor/pledge/${quilts.id}`)
      await page.getByLabel('数量（条）').fill('100')
      await submit(page, page.getByRole('button', { name: '登记捐赠批次' }))
      await sees(page.getByTestId('lot-recorded'), '100 条棉被')
      await screenshot(page, 'quilts-registered')

      // 3. Before anything is delivered: the money is held, the quilts are in stock.
      await open(page, '/donor/gifts')
      const held = await sees(page.getByTestId('money-gifts').locator('tr').filter({ hasText: '¥5000.00' }), '冻结中')
      expect(held).toContain(project.title)
      await sees(page.getByTestId('lot-position'), '已送达 0 · 发放中 0 · 库存 100 · 已核销 0')
      await screenshot(page, 'gifts-before-delivery')

      // 4. The NGO claims the project and is paid its first milestone (40% of ¥8000).
      const ngoActor = { id: ngo.id, role: 'org_member' as const, organizationId: ngo.organizationId! }
      const ownerActor = { id: owner.id, role: 'org_member' as const, organizationId: ownerOrg.id }
      const claim = await submitClaim(ngoActor, { listingId: project.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' })
      await decideClaim(ownerActor, claim.id, true)
      const submission = await submitMilestoneEvidence(ngoActor, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片 20 张、签到表 8 份' })
      expect((await reviewSubmission(ownerActor, submission.id, { approve: true })).paid).toBe('3200.00')

      // 5. The organization hands 20 quilts to each accepted household; it sees them masked only.
      const orgPage = await actor(quiltOrgUser)
      await open(orgPage, '/org/ledger')
      const lot = orgPage.getByTestId('org-lot')
      const rows = lot.getByTestId('eligible-recipient')
      await rows.first().waitFor()
      expect((await rows.allTextContents()).map((t) => t.split(' · ')[0]).sort()).toEqual(['李某', '杨某', '王某'])
      for (const name of HEADS) expect(await orgPage.content()).not.toContain(name)
      for (let i = 0; i < 3; i++) await rows.nth(i).locator('input[name="quantity"]').fill('20')
      await submit(orgPage, lot.getByRole('button', { name: '发放给受助家庭' }))
      await sees(orgPage.getByTestId('lot-position'), '库存 40 · 发放中 60')
      expect(await orgPage.getByRole('alert').count()).toBe(0)
      await screenshot(orgPage, 'organization-hands-out-quilts')

      // 6. A household confirms receipt in the app; the other two confirm too.
      const resident = await actor(residents[0]!)
      await open(resident, '/me/receipts')
      await sees(resident.getByTestId('receipt'), '棉被')
      await submit(resident, resident.getByRole('button', { name: '确认收到' }))
      await sees(resident.getByTestId('receipt'), '已签收')
      await screenshot(resident, 'household-confirms-receipt')
      for (const r of residents.slice(1)) {
        const [d] = await db.select().from(distributions).where(eq(distributions.recipientUserId, r.id))
        await confirmDistribution({ id: r.id, role: 'resident', organizationId: null }, d!.id)
      }

      // 7. The donor follows both gifts to delivery: the money paid out, the quilts delivered.
      await open(page, '/donor/gifts')
      await sees(page.getByTestId('money-gifts').locator('tr').filter({ hasText: '¥5000.00' }), '已拨付')
      await sees(page.getByTestId('lot-position'), '已送达 60 · 发放中 0 · 库存 40 · 已核销 0')
      const recipients = await page.getByTestId('recipient').allTextContents()
      expect(recipients.sort()).toEqual(['李某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达', '杨某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达', '王某 · 龙头街道 城南社区居民委员会 · 20 条 · 已送达'])
      // Yuan and quilts are drawn in separate diagrams, never on one scale.
      const moneyFlow = await text(page, page.getByTestId('flow-money').getByTestId('flow-table'))
      for (const expected of [project.title, ngoName, '3200']) expect(moneyFlow).toContain(expected)
      const itemFlow = await text(page, page.getByTestId('flow-items').getByTestId('flow-table'))
      expect(itemFlow).toContain('库存')
      expect(itemFlow).not.toContain('3200')
      await sees(page.getByTestId('flow-items').locator('h2'), '物资流向：棉被（单位：条）')
      for (const kind of ['flow-money', 'flow-items']) await page.locator(`[data-testid="${kind}"] [data-testid="flow-chart"] canvas`).waitFor()
      const html = await page.content()
      for (const name of HEADS) expect(html).not.toContain(name)
      await screenshot(page, 'gifts-delivered')
      const csv = await (await page.request.get(`${journey.server.baseUrl}/donor/gifts.csv`)).text()
      expect(csv).toContain('王某')
      expect(csv).not.toContain('王光明')

      // 8. The public pages: the project's money, and the quilts' whereabouts.
      await open(page, `/funds/${project.id}`)
      const totals = await sees(page.getByTestId('money-totals'), '¥5000.00')
      expect(totals).toContain('¥3200.00')
      await sees(page.getByTestId('milestones'), '已拨付 ¥3200.00')
      await screenshot(page, 'project-funds-page')
      await open(page, `/funds/${quilts.id}`)
      const items = await sees(page.getByTestId('item-totals').locator('tbody tr'), '棉被')
      expect(items.split(' ').filter((cell) => /^\d+$/.test(cell))).toEqual(['100', '40', '0', '60', '0'])
      await screenshot(page, 'quilts-funds-page')
    } finally {
      await closeAll()
    }
    expect(await checkLedger()).toEqual([])
  }, 60_000)
})
