import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, ledgerTransfers, listings } from '@db/schema'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { cancelListingFunds, donorMoneyAccount, FlowError, listingMoneyTotals, listingPledges, organizationMoneyAccount, pledgeMoney, proportionalShares, releaseDonationListing, withdrawPledge } from '~/models/donations.server'
import { ensureMoneyAsset } from '~/models/ledger.server'
import { changeListingStatus } from '~/models/listing.server'
import { checkLedger } from '~/models/reconciliation.server'
import { donorTrace, donorTraceCsv } from '~/models/trace.server'
import { loader as giftsLoader } from '~/routes/donor+/gifts'
import { db } from '~/utils/db.server'
import { makeMoneyDonationListing, makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, holdLocks, lockWaiters, loaderData, sessionCookie, settle } from './ledger-fixes.helpers'

async function flowError(p: Promise<unknown>, code: string) {
  const e = await p.then(() => null, (x: unknown) => x)
  expect(e).toBeInstanceOf(FlowError)
  expect((e as FlowError).code).toBe(code)
}

describe('a pledge racing the close of its listing', () => {
  it('is returned by the close (or refused), never left held on a closed listing', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing({ organizationId: org.id })
    await ensureMoneyAsset(db)
    const account = await donorMoneyAccount(db, donor.id)
    // The donor's account is held elsewhere: the pledge has read the listing and waits to write its hold.
    const release = await holdLocks(`select id from ledger_accounts where id = '${account.id}' for update`)
    const order: string[] = []
    const pledge = settle(pledgeMoney(donor, { listingId: listing.id, amount: '200', key: randomUUID() }).finally(() => order.push('pledge')))
    await lockWaiters(1)
    const close = settle(changeListingStatus(owner as never, listing.id, 'close').finally(() => order.push('close')))
    // The close either waits for the pledge (fixed) or finishes without seeing it (the defect).
    await Promise.race([close, lockWaiters(2).catch(() => 0)])
    await release()
    const [p, c] = await Promise.all([pledge, close])
    expect(c.ok).toBe(true)
    expect(order).toEqual(['pledge', 'close'])
    if (p.ok) expect(p.value.status).toBe('recorded')
    expect((await listingMoneyTotals(listing.id)).held).toBe('0.00')
    expect((await listingPledges(listing.id)).filter((x) => x.state === 'held')).toEqual([])
    expect(await checkLedger()).toEqual([])
  })

  it('release refuses a closed listing (a paused one may release what it delivered), with a catalog error', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing({ organizationId: org.id })
    await pledgeMoney(donor, { listingId: listing.id, amount: '200', key: randomUUID() })
    await pledgeMoney(donor, { listingId: listing.id, amount: '300', key: randomUUID() })
    await changeListingStatus(owner as never, listing.id, 'pause')
    // Delivered before the pause: the first hold is released while paused.
    expect((await releaseDonationListing(owner, listing.id)).released).toBeGreaterThan(0)
    await changeListingStatus(owner as never, listing.id, 'close')
    await flowError(releaseDonationListing(owner, listing.id), 'listing_not_releasable')
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ held: '0.00', returned: '0.00' })
  })
})

describe('releases at the same moment', () => {
  it('count and audit each released pledge once', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing({ organizationId: org.id })
    for (const amount of ['100', '200', '300']) await pledgeMoney(donor, { listingId: listing.id, amount, key: randomUUID() })
    const escrow = (await listingMoneyTotals(listing.id)).escrowAccountId!
    const release = await holdLocks(`select id from ledger_accounts where id = '${escrow}' for update`)
    const runs = [settle(releaseDonationListing(owner, listing.id)), settle(releaseDonationListing(owner, listing.id))]
    await lockWaiters(2)
    await release()
    const outcomes = await Promise.all(runs)
    expect(outcomes.map((o) => o.ok)).toEqual([true, true])
    const reported = outcomes.map((o) => (o.ok ? o.value : null)!)
    expect(reported.reduce((s, r) => s + r.released, 0)).toBe(3)
    expect(reported.reduce((s, r) => s.plus(r.total), new Decimal(0)).toFixed(2)).toBe('600.00')
    // A replay afterwards reports nothing.
    expect(await releaseDonationListing(owner, listing.id)).toEqual({ released: 0, total: '0.00' })
    const audits = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'ledger.release'), eq(auditEntries.entityId, listing.id)))
    expect(audits.map((a) => a.after)).toEqual([{ holds: 3, total: '600.00' }])
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ paidOut: '600.00', inEscrow: '0.00' })
    // The organization's account may never go below zero.
    expect((await organizationMoneyAccount(db, org.id)).debitsMustNotExceedCredits).toBe(true)
    expect(await checkLedger()).toEqual([])
  })
})

describe('closing a project with money left in its escrow', () => {
  it('returns the escrow balance to the donors in proportion to what each put in, exactly; the donor page shows it', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngoOrg = await makeOrganization({ kind: 'social_org' })
    const ngo = actor(await makeUser({ role: 'org_member', organizationId: ngoOrg.id }), 'org_member')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['1', '99'] })
    const donors = [actor(await makeUser({ role: 'donor' }), 'donor'), actor(await makeUser({ role: 'donor' }), 'donor'), actor(await makeUser({ role: 'donor' }), 'donor')]
    const first = await pledgeMoney(donors[0]!, { listingId: listing.id, amount: '5000', key: randomUUID() })
    const claim = await submitClaim(ngo, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '10000' })
    await decideClaim(owner, claim.id, true)
    const sub = await submitMilestoneEvidence(ngo, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片与签到表' })
    // ¥100 due: the whole ¥5000 hold is posted into the escrow, ¥100 paid on.
    expect((await reviewSubmission(owner, sub.id, { approve: true })).paid).toBe('100.00')
    if (first.status !== 'recorded') throw new Error('expected recorded')
    await expect(withdrawPledge(donors[0]!, first.transfer.id)).rejects.toThrow()
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ inEscrow: '4900.00' })

    await cancelListingFunds(owner, listing.id)
    const totals = await listingMoneyTotals(listing.id)
    expect(totals).toMatchObject({ held: '0.00', released: '5000.00', paidOut: '100.00', inEscrow: '0.00', returned: '4900.00' })
    const back = await db.select().from(ledgerTransfers).where(and(eq(ledgerTransfers.listingId, listing.id), eq(ledgerTransfers.code, 'refund')))
    expect(back.map((t) => new Decimal(t.amount).toFixed(2))).toEqual(['4900.00'])
    expect(back[0]!.creditAccountId).toBe((await donorMoneyAccount(db, donors[0]!.id)).id)
    // Closing twice is refused; nothing is returned twice.
    await expect(cancelListingFunds(owner, listing.id)).rejects.toThrow()
    expect((await listingMoneyTotals(listing.id)).returned).toBe('4900.00')
    expect((await db.select().from(listings).where(eq(listings.id, listing.id)))[0]!.status).toBe('closed')

    // The donor's trace page shows the return.
    const { data } = await loaderData(giftsLoader, '/donor/gifts', {}, await sessionCookie(donors[0]!.id))
    expect(data.returns).toEqual([expect.objectContaining({ listingId: listing.id, amount: '4900.00' })])
    expect(JSON.stringify(data.timeline)).toContain('"event":"escrow_returned"')
    expect(JSON.stringify(data.flows)).toContain('"target":"state:returned","value":4900')
    // The pledge itself reads as partly returned (¥100 paid on, ¥4,900 back), not as delivered, and the CSV lists the return.
    expect((await donorTrace(donors[0]!.id)).money.map((g) => [g.listingId, g.state])).toEqual([[listing.id, 'partly_returned']])
    const csv = await donorTraceCsv(donors[0]!.id, (key) => key)
    expect(csv).toContain('"4900.00","CNY","states.returned"')
    expect(await checkLedger()).toEqual([])
  })

  it('splits the rest across several donors to the fen, creating and losing nothing', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngoOrg = await makeOrganization({ kind: 'social_org' })
    const ngo = actor(await makeUser({ role: 'org_member', organizationId: ngoOrg.id }), 'org_member')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['10', '90'] })
    const donors = [actor(await makeUser({ role: 'donor' }), 'donor'), actor(await makeUser({ role: 'donor' }), 'donor'), actor(await makeUser({ role: 'donor' }), 'donor')]
    const amounts = ['333.33', '333.33', '1000.00']
    for (const [i, d] of donors.entries()) await pledgeMoney(d, { listingId: listing.id, amount: amounts[i]!, key: randomUUID(), confirmOutlier: true })
    const late = actor(await makeUser({ role: 'donor' }), 'donor')
    const claim = await submitClaim(ngo, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '10000' })
    await decideClaim(owner, claim.id, true)
    const sub = await submitMilestoneEvidence(ngo, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片与签到表' })
    expect((await reviewSubmission(owner, sub.id, { approve: true })).paid).toBe('1000.00')
    // A hold still open at the close is voided whole, as before.
    await pledgeMoney(late, { listingId: listing.id, amount: '50', key: randomUUID() })
    await changeListingStatus(owner as never, listing.id, 'close')
    const back = await db.select().from(ledgerTransfers).where(and(eq(ledgerTransfers.listingId, listing.id), eq(ledgerTransfers.code, 'refund'), eq(ledgerTransfers.voidPending, false)))
    const sum = back.reduce((s, t) => s.plus(t.amount), new Decimal(0))
    expect(sum.toFixed(2)).toBe('666.66')
    const byDonor = new Map(await Promise.all(donors.map(async (d, i) => [(await donorMoneyAccount(db, d.id)).id, amounts[i]!] as const)))
    for (const t of back) {
      const exact = new Decimal('666.66').times(byDonor.get(t.creditAccountId)!).div('1666.66')
      expect(new Decimal(t.amount).minus(exact).abs().lt('0.01')).toBe(true)
    }
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ held: '0.00', inEscrow: '0.00', paidOut: '1000.00', returned: '716.66' })
    expect(await checkLedger()).toEqual([])
  })

  it('proportional shares add up exactly', () => {
    const shares = proportionalShares('100.00', [
      { key: 'a', weight: '1' },
      { key: 'b', weight: '1' },
      { key: 'c', weight: '1' },
    ])
    expect(shares.map((s) => s.amount.toFixed(2))).toEqual(['33.34', '33.33', '33.33'])
    const big = proportionalShares('999999999999.99', [
      { key: 'a', weight: '123456789012.34' },
      { key: 'b', weight: '0.01' },
      { key: 'c', weight: '876543210987.65' },
    ])
    expect(big.reduce((s, x) => s.plus(x.amount), new Decimal(0)).toFixed(2)).toBe('999999999999.99')
  })
})
