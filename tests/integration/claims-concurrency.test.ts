import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ledgerFailedTransfers, projectClaims } from '@db/schema'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { FlowError, listingMoneyTotals, organizationMoneyAccount, pledgeMoney } from '~/models/donations.server'
import { isLedgerError } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, holdLocks, lockWaiters, settle } from './ledger-fixes.helpers'

async function ngo() {
  const org = await makeOrganization({ kind: 'social_org' })
  return actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
}

describe('milestone payouts approved at the same moment', () => {
  it('pay one after the other from what the escrow holds; neither fails for good', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['50', '50'] })
    const [a, b] = [await ngo(), await ngo()]
    const claimA = await submitClaim(a, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '2000' })
    const claimB = await submitClaim(b, { listingId: listing.id, plan: '暑期夏令营与心理辅导活动', budget: '5000' })
    await decideClaim(owner, claimA.id, true)
    await decideClaim(owner, claimB.id, true)
    await pledgeMoney(donor, { listingId: listing.id, amount: '4000', key: randomUUID() })
    // A's first milestone (1000) posts the 4000 hold: 3000 stays in the escrow, no hold left.
    const first = await submitMilestoneEvidence(a, { claimId: claimA.id, milestoneId: milestones[0]!.id, evidence: '活动照片与签到表' })
    expect((await reviewSubmission(owner, first.id, { approve: true })).paid).toBe('1000.00')
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ held: '0.00', inEscrow: '3000.00' })

    // Two approvals asking 1000 + 2500 of the 3000 left, in overlapping transactions: both org
    // accounts are held by another connection so both approvals start before either pays.
    const subA = await submitMilestoneEvidence(a, { claimId: claimA.id, milestoneId: milestones[1]!.id, evidence: '结项报告与签到表' })
    const subB = await submitMilestoneEvidence(b, { claimId: claimB.id, milestoneId: milestones[0]!.id, evidence: '第一阶段活动照片' })
    const orgA = await organizationMoneyAccount(db, a.organizationId!)
    const orgB = await organizationMoneyAccount(db, b.organizationId!)
    const release = await holdLocks(`select id from ledger_accounts where id in ('${orgA.id}', '${orgB.id}') order by id for update`)
    const pA = settle(reviewSubmission(owner, subA.id, { approve: true }))
    const pB = settle(reviewSubmission(owner, subB.id, { approve: true }))
    await lockWaiters(2)
    await release()
    const [rA, rB] = await Promise.all([pA, pB])
    expect(rA.ok && rB.ok, JSON.stringify([rA, rB].map((r) => (r.ok ? r.value.paid : String(r.error))))).toBe(true)
    if (!rA.ok || !rB.ok) return
    // Whoever went second was paid what was left (partial payment), never refused for an overdraft.
    const paid = [rA.value.paid, rB.value.paid].map(Number).sort((x, y) => x - y)
    expect(paid[0]! + paid[1]!).toBe(3000)
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ inEscrow: '0.00', paidOut: '4000.00' })
    expect(await db.select().from(ledgerFailedTransfers)).toEqual([])
    // The payout's transfer id is derived from the submission.
    expect(rA.value.submission.payoutTransferId).toBe(`milestone-${subA.id}`)
    expect(await checkLedger()).toEqual([])
  })

  it('a refused payout does not block the milestone: the next submission pays with its own transfer id', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['50', '50'] })
    const a = await ngo()
    const claim = await submitClaim(a, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '2000' })
    await decideClaim(owner, claim.id, true)
    await pledgeMoney(donor, { listingId: listing.id, amount: '500', key: randomUUID() })
    const sub1 = await submitMilestoneEvidence(a, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片与签到表' })
    // An earlier approval of this submission was refused for an overdraft (recorded as a sticky
    // failure of its payout id, in the old id scheme as in the new one).
    await db
      .insert(ledgerFailedTransfers)
      .values([`milestone-${claim.id}-${milestones[0]!.id}`, `milestone-${sub1.id}`].map((id) => ({ id, reason: 'exceeds_credits', params: { available: '0', amount: '1000' } })))
    await expect(reviewSubmission(owner, sub1.id, { approve: true })).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'previously_failed'))
    // The owner sends it back, more money arrives, the NGO submits again: it is paid.
    await reviewSubmission(owner, sub1.id, { approve: false, note: '请补充材料' })
    await pledgeMoney(donor, { listingId: listing.id, amount: '800', key: randomUUID() })
    const sub2 = await submitMilestoneEvidence(a, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片、签到表与补充说明' })
    const paid = await reviewSubmission(owner, sub2.id, { approve: true })
    expect(paid.paid).toBe('1000.00')
    expect(paid.submission.payoutTransferId).toBe(`milestone-${sub2.id}`)
    expect(await checkLedger()).toEqual([])
  })
})

describe('claims approved at the same moment', () => {
  it('never commit more than the project budget', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const ownerOrg = await makeOrganization({ kind: 'social_org' })
        const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
        const { listing } = await makeProject({ organizationId: ownerOrg.id, budget: '10000' })
        const claims = []
        for (const plan of ['每周两次课后陪伴与作业辅导', '暑期夏令营与心理辅导活动']) claims.push(await submitClaim(await ngo(), { listingId: listing.id, plan, budget: '6000' }))
        return { owner, listing, claims }
      }),
    )
    // Both claims of every project held by another connection: all approvals start, then go at once
    // (four projects: eight transactions fit the pool of ten connections).
    const ids = rounds.flatMap((r) => r.claims.map((c) => `'${c.id}'`)).join(', ')
    const release = await holdLocks(`select id from project_claims where id in (${ids}) order by id for update`)
    const decisions = rounds.map((r) => Promise.all(r.claims.map((c) => settle(decideClaim(r.owner, c.id, true)))))
    await lockWaiters(rounds.length * 2)
    await release()
    for (const [i, outcome] of (await Promise.all(decisions)).entries()) {
      const refused = outcome.filter((o) => !o.ok).map((o) => (o.ok ? null : o.error))
      expect(refused).toHaveLength(1)
      expect(refused[0]).toBeInstanceOf(FlowError)
      expect((refused[0] as FlowError).code).toBe('budget_exceeds_project')
      const approved = await db.select().from(projectClaims).where(and(eq(projectClaims.listingId, rounds[i]!.listing.id), eq(projectClaims.status, 'approved')))
      expect(approved).toHaveLength(1)
    }
  })
})
