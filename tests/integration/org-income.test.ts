// The money an organization received, as its ledger page lists it: only its own account's
// credits, each with the project and milestone it paid for; nothing before the first payment.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney } from '~/models/donations.server'
import { moneyReceivedByOrganization } from '~/models/org-income.server'
import { makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

describe('money received by an organization', () => {
  it('lists milestone payments to the paid NGO only, and shows them on its ledger page', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
    const owner = { id: (await makeUser({ role: 'org_member', organizationId: ownerOrg.id })).id, role: 'org_member' as const, organizationId: ownerOrg.id }
    const ngoOrg = await makeOrganization({ kind: 'social_org' })
    const ngoUser = await makeUser({ role: 'org_member', organizationId: ngoOrg.id })
    const ngo = { id: ngoUser.id, role: 'org_member' as const, organizationId: ngoOrg.id }
    const otherOrg = await makeOrganization({ kind: 'social_org' })
    const donor = await makeUser({ role: 'donor' })
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['25', '75'] })
    await pledgeMoney({ id: donor.id, role: 'donor', organizationId: null }, { listingId: listing.id, amount: '9000', key: randomUUID() })

    expect(await moneyReceivedByOrganization(ngoOrg.id)).toEqual({ balance: '0.00', received: [] })

    const claim = await submitClaim(ngo, { listingId: listing.id, plan: '每月两次入户探访与课业辅导', budget: '6000' })
    await decideClaim(owner, claim.id, true)
    for (const m of milestones) {
      const s = await submitMilestoneEvidence(ngo, { claimId: claim.id, milestoneId: m.id, evidence: `${m.title}材料` })
      await reviewSubmission(owner, s.id, { approve: true })
    }

    const income = await moneyReceivedByOrganization(ngoOrg.id)
    expect(income.balance).toBe('6000.00')
    // Newest first: 75% then 25% of ¥6000.
    expect(income.received.map((r) => [r.title, r.milestoneTitle, r.amount])).toEqual([
      [listing.title, '第2阶段', '4500.00'],
      [listing.title, '第1阶段', '1500.00'],
    ])
    expect(await moneyReceivedByOrganization(otherOrg.id)).toEqual({ balance: '0.00', received: [] })
    expect((await moneyReceivedByOrganization(ownerOrg.id)).received).toEqual([])

    const c = new TestClient('zh-CN')
    await c.logIn(ngoUser.username, ngoUser.password)
    const page = textOf(await (await c.get('/org/ledger')).text()).replace(/¥\s+/g, '¥')
    expect(page).toContain('本组织收到的拨款')
    expect(page).toContain('账户余额 ¥6000.00')
    expect(page).toContain('里程碑拨款：第1阶段')
  })
})
