// Journey of an NGO (social organization member): it claims a long-term project, the project's
// owner approves the claim, the NGO submits a milestone with its evidence, the owner approves it,
// the escrow pays the milestone and the NGO sees the payment on its ledger page.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pledgeMoney } from '~/models/donations.server'
import { checkLedger } from '~/models/reconciliation.server'
import { makeProject } from '../../factories/ledger'
import { makeOrganization, makeUser } from '../../factories/users'
import { useJourney } from '../../setup/browser'
import { journeySteps } from './steps'

const journey = useJourney()

describe('NGO journey', () => {
  it('claims a project, submits a milestone with evidence and sees the payment on its ledger', async () => {
    const owner = await makeUser({ role: 'org_member', displayName: '龙美玲', organizationId: (await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation', name: `雷山县妇联${randomUUID().slice(0, 4)}` })).id })
    const ngoName = `雷山县阳光儿童服务中心${randomUUID().slice(0, 4)}`
    const ngo = await makeUser({ role: 'org_member', organizationId: (await makeOrganization({ kind: 'social_org', name: ngoName })).id, displayName: '吴晓燕' })
    const donor = await makeUser({ role: 'donor' })
    const { listing } = await makeProject({ organizationId: owner.organizationId!, budget: '10000', shares: ['40', '60'] })
    // A donor's pledge is held in the project's escrow (the donor journey does this through the form).
    await pledgeMoney({ id: donor.id, role: 'donor', organizationId: null }, { listingId: listing.id, amount: '5000', key: randomUUID() })

    const { actor, open, submit, sees, text, screenshot, closeAll } = journeySteps(journey, 'ngo')
    try {
      // 1. The NGO finds the open project and claims it with a plan and a budget.
      const ngoPage = await actor(ngo)
      await open(ngoPage, '/org/claims')
      const card = ngoPage.getByTestId('open-project').filter({ hasText: listing.title })
      await card.locator('textarea[name="plan"]').fill('每周两次课后陪伴与作业辅导，覆盖 40 名留守儿童')
      await card.locator('input[name="budget"]').fill('8000')
      await screenshot(ngoPage, 'claim-form')
      await submit(ngoPage, card.getByRole('button', { name: '提交认领' }))
      await sees(ngoPage.getByTestId('my-claim'), '待审核')
      expect(await text(ngoPage, ngoPage.getByTestId('my-claim'))).toContain('¥8000.00')
      await screenshot(ngoPage, 'claim-pending')

      // 2. The project's owner approves the claim.
      const ownerPage = await actor(owner)
      await open(ownerPage, '/org/ledger')
      const claim = await sees(ownerPage.getByTestId('claim-to-decide'), ngoName)
      expect(claim).toContain('每周两次课后陪伴')
      await submit(ownerPage, ownerPage.getByTestId('claim-to-decide').getByRole('button', { name: '通过', exact: true }))
      await ownerPage.getByTestId('claim-to-decide').waitFor({ state: 'detached' })

      // 3. The NGO submits the first milestone's evidence.
      await open(ngoPage, '/org/claims')
      const mine = ngoPage.getByTestId('my-claim')
      await sees(mine.locator('h2'), '已通过')
      await mine.locator('textarea[name="evidence"]').first().fill('第一阶段活动照片 20 张、签到表 8 份')
      await submit(ngoPage, mine.getByRole('button', { name: '提交里程碑材料' }).first())
      await sees(mine.locator('li').first(), '待审核')
      await screenshot(ngoPage, 'milestone-submitted')

      // 4. The owner sees the evidence and the amount due (40% of ¥8000) and approves.
      await open(ownerPage, '/org/ledger')
      const review = await sees(ownerPage.getByTestId('submission-to-review'), '¥3200.00')
      expect(review).toContain('第一阶段活动照片 20 张')
      expect(review).toContain(ngoName)
      await screenshot(ownerPage, 'owner-reviews-milestone')
      await submit(ownerPage, ownerPage.getByTestId('submission-to-review').getByRole('button', { name: '通过', exact: true }))
      await ownerPage.getByTestId('submission-to-review').waitFor({ state: 'detached' })

      // 5. The NGO sees the milestone paid, and the payment on its ledger page.
      await open(ngoPage, '/org/claims')
      await sees(ngoPage.getByTestId('my-claim').locator('li').first(), '已拨付 ¥3200.00')
      await screenshot(ngoPage, 'milestone-paid')
      await open(ngoPage, '/org/ledger')
      const received = await sees(ngoPage.getByTestId('money-received-row'), '¥3200.00')
      expect(received).toContain(listing.title)
      expect(received).toContain('里程碑拨款：第1阶段')
      expect(await text(ngoPage, ngoPage.getByTestId('money-received-balance'))).toBe('账户余额 ¥3200.00')
      await screenshot(ngoPage, 'ledger-payment-received')
    } finally {
      await closeAll()
    }
    expect(await checkLedger()).toEqual([])
  }, 60_000)
})
