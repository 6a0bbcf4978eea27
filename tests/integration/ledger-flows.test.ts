import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listOffersForResident, withdrawApplication } from '~/models/applications.server'
import { households } from '@db/schema'
import { db } from '~/utils/db.server'
import { decideClaim, milestoneHistory, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { cancelListingFunds, FlowError, listingMoneyTotals, listingPledges, pledgeMoney, releaseDonationListing, withdrawPledge } from '~/models/donations.server'
import { isLedgerError } from '~/models/ledger.server'
import { cancelDistribution, caseworkerHandOver, confirmDistribution, distributeLot, eligibleRecipients, lotsForCaseworker, listingItemTotals, lotPositions, pendingReceiptsFor, registerLot, writeOffLot } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { makeItemDonationListing, makeMoneyDonationListing, makeProject, makeRecipient } from '../factories/ledger'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeOrganization, makeUser } from '../factories/users'

const actor = (u: { id: string; organizationId: string | null }, role: string) => ({ id: u.id, role, organizationId: u.organizationId })

async function flowError(p: Promise<unknown>, code: string) {
  const e = await p.then(() => null, (x: unknown) => x)
  expect(e).toBeInstanceOf(FlowError)
  expect((e as FlowError).code).toBe(code)
}

/** Ten quilts of a lot; four handed by the organization to 杨秀英's household, whose resident uses the app. */
async function fourQuiltsHanded() {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
    const resident = await makeUser({ role: 'resident' })
    const household = await makeRecipient(listing.id, { headName: '杨秀英', resident })
    const result = await distributeLot(orgActor, lot.id, [{ householdId: household.id, quantity: '4' }], { key: randomUUID() })
    if (result.status !== 'recorded') throw new Error('expected recorded')
    return { orgActor, listing, lot, resident, household, distributions: result.distributions }
}

describe('money donations through escrow', () => {
  it('pledge → held; withdraw returns it; delivery releases the rest to the organization', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing({ organizationId: org.id, endsOn: '2099-12-31' })
    const key = randomUUID()
    const first = await pledgeMoney(donor, { listingId: listing.id, amount: '500', key })
    expect(first.status).toBe('recorded')
    // A double submit of the same form is one pledge.
    await pledgeMoney(donor, { listingId: listing.id, amount: '500', key })
    const second = await pledgeMoney(donor, { listingId: listing.id, amount: '300.50', key: randomUUID() })
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ pledged: '800.50', held: '800.50', released: '0.00' })
    const pledges = await listingPledges(listing.id)
    expect(pledges).toHaveLength(2)
    // The release deadline is shown; a hold lives at most a year even when the listing runs longer.
    const days = (pledges[0]!.deadline!.getTime() - Date.now()) / 86400_000
    expect(days).toBeGreaterThan(365)
    expect(days).toBeLessThanOrEqual(366)

    if (second.status !== 'recorded') throw new Error('expected recorded')
    await withdrawPledge(donor, second.transfer.id)
    const stranger = actor(await makeUser({ role: 'donor' }), 'donor')
    if (first.status !== 'recorded') throw new Error('expected recorded')
    await flowError(withdrawPledge(stranger, first.transfer.id), 'pledge_not_found')

    expect(await releaseDonationListing(owner, listing.id)).toMatchObject({ released: 1, total: '500.00' })
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ pledged: '500.00', held: '0.00', released: '500.00', paidOut: '500.00', returned: '300.50' })
    // Released money can no longer be withdrawn.
    await expect(withdrawPledge(donor, first.transfer.id)).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'pending_already_resolved') || isLedgerError(e, 'previously_failed'))
    expect(await checkLedger()).toEqual([])
  })

  it('asks for confirmation of a pledge ten times the usual, and refuses bad amounts', async () => {
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing()
    for (const amount of ['500', '450', '520']) await pledgeMoney(donor, { listingId: listing.id, amount, key: randomUUID() })
    const key = randomUUID()
    const typo = await pledgeMoney(donor, { listingId: listing.id, amount: '5000.01', key })
    expect(typo).toEqual({ status: 'needs_confirmation', median: '500.00', amount: '5000.01' })
    expect((await listingMoneyTotals(listing.id)).held).toBe('1470.00')
    expect((await pledgeMoney(donor, { listingId: listing.id, amount: '5000.01', key, confirmOutlier: true })).status).toBe('recorded')
    await expect(pledgeMoney(donor, { listingId: listing.id, amount: '10.005', key: randomUUID() })).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'amount_too_precise'))
    await expect(pledgeMoney(donor, { listingId: listing.id, amount: '0', key: randomUUID() })).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'amount_not_positive'))
  })

  it('cancelling the listing returns every held pledge', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeMoneyDonationListing({ organizationId: org.id })
    await pledgeMoney(donor, { listingId: listing.id, amount: '200', key: randomUUID() })
    await pledgeMoney(donor, { listingId: listing.id, amount: '100', key: randomUUID() })
    await flowError(cancelListingFunds(actor(await makeUser({ role: 'org_member' }), 'org_member'), listing.id), 'not_owner')
    expect(await cancelListingFunds(owner, listing.id)).toBe(2)
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ held: '0.00', returned: '300.00' })
    await flowError(pledgeMoney(donor, { listingId: listing.id, amount: '1', key: randomUUID() }), 'listing_not_open')
  })
})

describe('project claiming with milestone payouts', () => {
  it('an NGO claims, is approved, and each milestone is paid only after its evidence is approved', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngo = await makeOrganization({ kind: 'social_org' })
    const ngoUser = actor(await makeUser({ role: 'org_member', organizationId: ngo.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })
    await pledgeMoney(donor, { listingId: listing.id, amount: '3000', key: randomUUID() })
    await pledgeMoney(donor, { listingId: listing.id, amount: '2500', key: randomUUID() })

    const enterprise = actor(await makeUser({ role: 'org_member' }), 'org_member')
    await flowError(submitClaim(enterprise, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' }), 'not_social_org')
    await flowError(submitClaim(ngoUser, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '12000' }), 'budget_exceeds_project')
    const claim = await submitClaim(ngoUser, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' })
    await flowError(submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片 20 张，签到表' }), 'claim_not_approved')
    await flowError(decideClaim(ngoUser, claim.id, true), 'not_owner')
    await decideClaim(owner, claim.id, true)

    const sub = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片 20 张，签到表' })
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ held: '5500.00', paidOut: '0.00' })
    const paid = await reviewSubmission(owner, sub.id, { approve: true })
    expect(paid.paid).toBe('3200.00') // 40% of the claim's 8000
    // The oldest hold (3000) and the next (2500) were posted into escrow; 3200 paid on.
    expect(await listingMoneyTotals(listing.id)).toMatchObject({ pledged: '5500.00', held: '0.00', released: '5500.00', paidOut: '3200.00', inEscrow: '2300.00' })
    await flowError(submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '再次提交同一阶段的材料' }), 'milestone_already_paid')

    const sub2 = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[1]!.id, evidence: '结项报告与受益名单' })
    const rejected = await reviewSubmission(owner, sub2.id, { approve: false, note: '缺少签到表' })
    expect(rejected.paid).toBe('0.00')
    const sub3 = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[1]!.id, evidence: '结项报告、受益名单与签到表' })
    // Only 2300 is left in escrow for a 4800 share: it pays what there is.
    expect((await reviewSubmission(owner, sub3.id, { approve: true })).paid).toBe('2300.00')
    const history = await milestoneHistory(listing.id)
    expect(history.map((m) => m.submissions.map((s) => s.status))).toEqual([['approved'], ['rejected', 'approved']])
    expect(await checkLedger()).toEqual([])
  })
})

describe('in-kind lots', () => {
  it('100 quilts: 60 reach three households who confirm, 40 remain in stock', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '100', condition: 'new' })
    const residents = await Promise.all([0, 1].map(() => makeUser({ role: 'resident' })))
    // Three households accepted for the listing: two with resident accounts, one confirmed by a caseworker.
    const recipients = [
      await makeRecipient(listing.id, { headName: '王光明', resident: residents[0] }),
      await makeRecipient(listing.id, { headName: '欧阳春花', resident: residents[1] }),
      await makeRecipient(listing.id, { headName: '李四' }),
    ]
    const result = await distributeLot(
      orgActor,
      lot.id,
      recipients.map((r) => ({ householdId: r.id, quantity: '20' })),
      { key: randomUUID() },
    )
    if (result.status !== 'recorded') throw new Error('expected recorded')
    expect(result.distributions.map((d) => d.recipientMasked)).toEqual(['王某', '欧阳某', '李某'])
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '40', inTransit: '60', delivered: '0' })
    // A resident confirms only their own hand-over; a caseworker needs the right code.
    await flowError(confirmDistribution(actor(residents[1]!, 'resident'), result.distributions[0]!.id), 'not_recipient')
    await confirmDistribution(actor(residents[0]!, 'resident'), result.distributions[0]!.id)
    await confirmDistribution(actor(residents[1]!, 'resident'), result.distributions[1]!.id)
    // A caseworker of another region cannot confirm, even with the right code.
    const elsewhere = actor(await makeCaseworker('6211'), 'caseworker')
    await flowError(confirmDistribution(elsewhere, result.distributions[2]!.id, result.distributions[2]!.confirmationCode), 'distribution_not_found')
    const caseworker = actor(await makeCaseworker('5226'), 'caseworker')
    await flowError(confirmDistribution(caseworker, result.distributions[2]!.id, '000000' === result.distributions[2]!.confirmationCode ? '111111' : '000000'), 'wrong_code')
    await confirmDistribution(caseworker, result.distributions[2]!.id, result.distributions[2]!.confirmationCode)
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ quantity: '100', inStock: '40', inTransit: '0', delivered: '60', writtenOff: '0' })
    expect(await listingItemTotals(listing.id)).toEqual([{ itemKind: '棉被', itemUnit: '条', pledged: '100', inStock: '40', inTransit: '0', delivered: '60', writtenOff: '0' }])

    // Stock cannot be overdrawn, and write-offs carry a reason.
    await expect(distributeLot(orgActor, lot.id, [{ householdId: recipients[0]!.id, quantity: '41' }], { key: randomUUID(), confirmOutlier: true })).rejects.toSatisfy((e: unknown) =>
      isLedgerError(e, 'exceeds_credits'),
    )
    await writeOffLot(orgActor, lot.id, { key: randomUUID(), quantity: '2', reason: 'damaged', note: '仓库漏雨' })
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '38', writtenOff: '2' })
    expect(await checkLedger()).toEqual([])
  })
})

describe('choosing recipients', () => {
  it('offers only households accepted for the listing, masked, and refuses any other household', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const other = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '50', condition: 'new' })
    const resident = await makeUser({ role: 'resident' })
    const accepted = await makeRecipient(listing.id, { headName: '欧阳春花', resident })
    const onlyApplied = await makeRecipient(listing.id, { headName: '张三', status: 'applied' })
    const rejected = await makeRecipient(listing.id, { headName: '赵六', status: 'rejected' })
    const elsewhere = await makeRecipient(other.id, { headName: '钱七' })

    const offered = await eligibleRecipients(orgActor, lot.id)
    expect(offered).toEqual([{ householdId: accepted.id, masked: '欧阳某', regionCode: '522634101001', hasResidentAccount: true }])
    // No full name, phone, address or national id reaches the organization.
    expect(JSON.stringify(offered)).not.toMatch(/春花|丹江镇|\d{17}/)

    for (const never of [onlyApplied, rejected, elsewhere]) {
      await flowError(distributeLot(orgActor, lot.id, [{ householdId: never.id, quantity: '5' }], { key: randomUUID() }), 'household_not_eligible')
    }
    await flowError(distributeLot(orgActor, lot.id, [{ householdId: randomUUID(), quantity: '5' }], { key: randomUUID() }), 'household_not_eligible')
    // A mixed batch is refused whole: nothing leaves the stock.
    await flowError(distributeLot(orgActor, lot.id, [{ householdId: accepted.id, quantity: '5' }, { householdId: onlyApplied.id, quantity: '5' }], { key: randomUUID() }), 'household_not_eligible')
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '50', inTransit: '0' })
    // Another organization sees none of them.
    const stranger = actor(await makeUser({ role: 'org_member', organizationId: (await makeOrganization({ kind: 'social_org' })).id }), 'org_member')
    await flowError(eligibleRecipients(stranger, lot.id), 'not_owner')
  })

  it('the linked resident confirms in the app; the masked recipient is stored, not the name', async () => {
    const { lot, resident, household, listing, distributions } = await fourQuiltsHanded()
    const [d] = distributions
    expect(d).toMatchObject({ householdId: household.id, recipientUserId: resident.id, recipientMasked: '杨某', recipientRegionCode: '522634101001' })
    // Some other resident cannot confirm it; the household's own resident can.
    await flowError(confirmDistribution(actor(await makeUser({ role: 'resident' }), 'resident'), d!.id), 'not_recipient')
    const confirmed = await confirmDistribution(actor(resident, 'resident'), d!.id)
    expect(confirmed.confirmedById).toBe(resident.id)
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '6', inTransit: '0', delivered: '4' })
    // The receipts page lists it as signed for, with who handed it over.
    expect(await pendingReceiptsFor(resident.id)).toEqual([expect.objectContaining({ id: d!.id, itemKind: '棉被', organizationName: expect.stringMatching(/^测试组织/), confirmedAt: expect.any(Date) })])
    // Items received: the resident's application shows no withdrawal, and one is refused.
    const { applications: mine } = await listOffersForResident(resident.id)
    const application = mine.find((a) => a.listingId === listing.id)!
    expect(application).toMatchObject({ status: 'accepted', received: true })
    await expect(withdrawApplication({ id: resident.id }, application.id)).rejects.toMatchObject({ key: 'matching:errors.already_received' })
    expect(await checkLedger()).toEqual([])
  })

  it('a hand-over called back gave nothing: the household may still withdraw its application', async () => {
    const { orgActor, listing, resident, distributions } = await fourQuiltsHanded()
    await cancelDistribution(orgActor, distributions[0]!.id)
    const application = (await listOffersForResident(resident.id)).applications.find((a) => a.listingId === listing.id)!
    expect(application.received).toBe(false)
    await withdrawApplication({ id: resident.id }, application.id)
    expect(await checkLedger()).toEqual([])
  })

  it('a caseworker hands over to a household in their region and confirms with the code; other regions are refused', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id }) // delivers to 522634
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
    const cwUser = await makeCaseworker('5226')
    const cw = actor({ id: cwUser.id, organizationId: null }, 'caseworker')
    const mine = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cwUser)
    const far = await makeHousehold({ regionCode: '621102101201' })
    expect((await lotsForCaseworker(cw)).map((l) => l.id)).toContain(lot.id)
    await flowError(caseworkerHandOver(cw, lot.id, { householdId: far.id, quantity: '2', key: randomUUID() }), 'household_not_in_region')
    const elsewhere = actor({ id: (await makeCaseworker('6211')).id, organizationId: null }, 'caseworker')
    await flowError(caseworkerHandOver(elsewhere, lot.id, { householdId: far.id, quantity: '2', key: randomUUID() }), 'lot_not_in_region')
    await flowError(caseworkerHandOver(actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member'), lot.id, { householdId: mine.id, quantity: '2', key: randomUUID() }), 'not_caseworker')
    // Without the household's consent nothing is handed over (the organization's path requires it too).
    await flowError(caseworkerHandOver(cw, lot.id, { householdId: mine.id, quantity: '3', key: randomUUID() }), 'household_no_consent')
    const offered = async () => (await lotsForCaseworker(cw)).find((l) => l.id === lot.id)!.households.map((h) => h.id)
    expect(await offered()).not.toContain(mine.id) // the page offers only households the hand-over accepts
    await db.update(households).set({ consentGiven: true }).where(eq(households.id, mine.id))
    await db.update(households).set({ consentGiven: true }).where(eq(households.id, far.id))
    expect(await offered()).toContain(mine.id)
    expect(await offered()).not.toContain(far.id)
    const key = randomUUID()
    const d = await caseworkerHandOver(cw, lot.id, { householdId: mine.id, quantity: '3', key })
    expect((await caseworkerHandOver(cw, lot.id, { householdId: mine.id, quantity: '3', key })).id).toBe(d.id) // a double submit is one hand-over
    expect(d.recipientMasked).toBe('龙某')
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '7', inTransit: '3' })
    await confirmDistribution(cw, d.id, d.confirmationCode)
    expect((await lotPositions([lot.id])).get(lot.id)).toMatchObject({ inStock: '7', inTransit: '0', delivered: '3' })
    expect(await checkLedger()).toEqual([])
  })
})
