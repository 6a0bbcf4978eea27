// A milestone approved when the escrow holds less than its share: what there is is paid, and both
// the owner (the review's result) and the NGO (its claim page) are told what is still unpaid.
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { claimMilestoneHistory, decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney } from '~/models/donations.server'
import { checkLedger } from '~/models/reconciliation.server'
import { action as orgLedgerAction } from '~/routes/org+/ledger'
import { loader as claimsLoader } from '~/routes/org+/claims'
import { makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, loaderData, sessionCookie, translator } from './ledger-fixes.helpers'

async function setup(pledged: string) {
  const ownerOrg = await makeOrganization({ kind: 'social_org' })
  const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
  const ngoOrg = await makeOrganization({ kind: 'social_org' })
  const ngo = actor(await makeUser({ role: 'org_member', organizationId: ngoOrg.id }), 'org_member')
  const donor = actor(await makeUser({ role: 'donor' }), 'donor')
  const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '150000', shares: ['30', '70'] })
  await pledgeMoney(donor, { listingId: listing.id, amount: pledged, key: randomUUID(), confirmOutlier: true })
  const claim = await submitClaim(ngo, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '150000' })
  await decideClaim(owner, claim.id, true)
  const sub = await submitMilestoneEvidence(ngo, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '第一阶段活动照片与签到表' })
  return { owner, ngo, claim, sub }
}

async function review(ownerId: string, submissionId: string) {
  const headers = { Cookie: await sessionCookie(ownerId), 'Content-Type': 'application/x-www-form-urlencoded' }
  const body = new URLSearchParams({ intent: 'review', submissionId, decision: 'approve' })
  const res = await orgLedgerAction({ request: new Request('http://localhost/org/ledger', { method: 'POST', headers, body }), params: {}, context: {} })
  return { status: res.status, data: (await res.json()) as { ok: boolean; message: { key: string; params: Record<string, string> } } }
}

describe('approving a ¥45,000 milestone with ¥5,000 in escrow', () => {
  it('pays ¥5,000 and tells the owner ¥40,000 is unpaid for lack of funds', async () => {
    const { owner, sub } = await setup('5000')
    const { status, data } = await review(owner.id, sub.id)
    expect(status).toBe(200)
    expect(data.message).toEqual({ key: 'ledger:org.milestone_paid_partly', params: { paid: '5000.00', due: '45000.00', unpaid: '40000.00' } })
    const zh = (await translator('zh-CN'))(data.message.key, data.message.params)
    expect(zh).toBe('已通过，但托管资金不足：应拨付 ¥45000.00，已拨付 ¥5000.00，尚有 ¥40000.00 未拨付')
    const en = (await translator('en'))(data.message.key, data.message.params)
    expect(en).toContain('¥40000.00 still unpaid')
    expect(zh).not.toBe('已保存')
    expect(await checkLedger()).toEqual([])
  })

  it('the NGO sees the milestone paid ¥5,000 with ¥40,000 still due', async () => {
    const { owner, ngo, claim, sub } = await setup('5000')
    expect(await reviewSubmission(owner, sub.id, { approve: true })).toMatchObject({ paid: '5000.00', due: '45000.00', unpaid: '40000.00' })
    const { data } = await loaderData(claimsLoader, '/org/claims', {}, await sessionCookie(ngo.id))
    const mine = (data.claims as { id: string; milestones: { submissions: { status: string; paid: string | null; stillDue: string | null }[] }[] }[]).find((c) => c.id === claim.id)!
    expect(mine.milestones[0]!.submissions).toEqual([expect.objectContaining({ status: 'approved', paid: '5000.00', stillDue: '40000.00' })])
    expect(mine.milestones[1]!.submissions).toEqual([])
    const t = await translator('zh-CN')
    expect(`${t('ledger:project.paid', { amount: '5000.00' })} · ${t('ledger:project.still_due', { amount: '40000.00' })}`).toBe('已拨付 ¥5000.00 · 尚待拨付 ¥40000.00（托管资金不足）')
    const history = await claimMilestoneHistory(claim.id)
    expect(history[0]).toMatchObject({ amount: '45000.00', submissions: [{ paid: '5000.00', due: '45000.00', stillDue: '40000.00' }] })
  })

  it('a milestone paid in full says so, with nothing still due', async () => {
    const { owner, claim, sub } = await setup('50000')
    const { data } = await review(owner.id, sub.id)
    expect(data.message).toEqual({ key: 'ledger:org.milestone_paid', params: { paid: '45000.00', due: '45000.00', unpaid: '0.00' } })
    expect((await translator('zh-CN'))(data.message.key, data.message.params)).toBe('已通过，已拨付 ¥45000.00')
    const [first] = await claimMilestoneHistory(claim.id)
    expect(first!.submissions[0]).toMatchObject({ paid: '45000.00', stillDue: '0.00' })
  })
})

describe('claims page for a project owner', () => {
  it('points the owner to the claims on its own projects that wait for a decision', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngoOrg = await makeOrganization({ kind: 'social_org' })
    const ngo = actor(await makeUser({ role: 'org_member', organizationId: ngoOrg.id }), 'org_member')
    const { listing } = await makeProject({ organizationId: ownerOrg.id, budget: '150000', shares: ['30', '70'] })
    expect((await loaderData(claimsLoader, '/org/claims', {}, await sessionCookie(owner.id))).data.awaitingDecision).toBe(0)
    await submitClaim(ngo, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '150000' })
    expect((await loaderData(claimsLoader, '/org/claims', {}, await sessionCookie(owner.id))).data.awaitingDecision).toBe(1)
  })
})
