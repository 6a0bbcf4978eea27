// Issue 7: every create/update/delete on households, listings, claims and ledger operations
// leaves an audit entry with actor, time and before/after; staff opening a full profile is logged.
import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries } from '@db/schema'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney, releaseDonationListing, withdrawPledge } from '~/models/donations.server'
import { createHousehold, updateHousehold, viewHouseholdAsStaff } from '~/models/household.server'
import { changeListingStatus, createListing, updateListing } from '~/models/listing.server'
import { confirmDistribution, distributeLot, registerLot, writeOffLot } from '~/models/lots.server'
import { db } from '~/utils/db.server'
import { makeItemDonationListing, makeMoneyDonationListing, makeProject, makeRecipient } from '../factories/ledger'
import { householdFixture, makeCaseworker } from '../factories/households'
import { listingInput } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'

const actor = (u: { id: string; organizationId: string | null }, role: string) => ({ id: u.id, role, organizationId: u.organizationId })

async function entriesFor(entityId: string) {
  return db.select().from(auditEntries).where(eq(auditEntries.entityId, entityId)).orderBy(asc(auditEntries.occurredAt), asc(auditEntries.id))
}

async function oneEntry(action: string, entityId: string) {
  const rows = await db.select().from(auditEntries).where(and(eq(auditEntries.action, action), eq(auditEntries.entityId, entityId)))
  expect(rows, `${action} on ${entityId}`).toHaveLength(1)
  const [row] = rows
  expect(row!.occurredAt).toBeInstanceOf(Date)
  return row!
}

describe('audit coverage', () => {
  it('households: create, update with before/after values, and every full-profile view', async () => {
    const cw = await makeCaseworker('522634')
    const staff = { id: cw.id, role: 'caseworker' }
    const file = await createHousehold(staff, householdFixture({ incomePerCapitaMonthly: '900.00' }))
    const created = await oneEntry('household.create', file.id)
    expect(created.actorId).toBe(cw.id)
    expect(created.before).toBeNull()

    await updateHousehold(staff, file.id, householdFixture({ incomePerCapitaMonthly: '450.00', disasterAffected: true }))
    const updated = await oneEntry('household.update', file.id)
    expect(updated.actorId).toBe(cw.id)
    expect(updated.before).toMatchObject({ version: 1, incomePerCapitaMonthly: '900.00', disasterAffected: false })
    expect(updated.after).toMatchObject({ version: 2, incomePerCapitaMonthly: '450.00', disasterAffected: true })
    expect((updated.after as { changedFields: string[] }).changedFields.sort()).toEqual(['disasterAffected', 'incomePerCapitaMonthly', 'riskTier'])
    expect(updated.after).toMatchObject({ riskTier: 'A' })

    // Opening the full profile is logged each time, with who opened it.
    await viewHouseholdAsStaff(staff, file.id)
    await viewHouseholdAsStaff(staff, file.id)
    const views = (await entriesFor(file.id)).filter((e) => e.action === 'household.view_full')
    expect(views).toHaveLength(2)
    expect(views.every((v) => v.actorId === cw.id)).toBe(true)
  })

  it('listings: create, update with before/after values, status changes', async () => {
    const org = await makeOrganization({ verified: true })
    const member = { ...(await makeUser({ role: 'org_member', organizationId: org.id })), role: 'org_member' as const, organizationId: org.id }
    const result = await createListing(member, listingInput('training', { title: '家政服务员培训' }))
    if (!result.ok) throw new Error('expected a listing')
    await updateListing(member, result.id, listingInput('training', { title: '家政服务员（育婴方向）培训' }))
    await changeListingStatus(member, result.id, 'publish')
    await changeListingStatus(member, result.id, 'close')
    expect((await entriesFor(result.id)).map((e) => e.action)).toEqual(['listing.create', 'listing.update', 'listing.publish', 'listing.close'])
    const update = await oneEntry('listing.update', result.id)
    expect(update.actorId).toBe(member.id)
    expect(update.before).toMatchObject({ version: 1, title: '家政服务员培训' })
    expect(update.after).toMatchObject({ version: 2, title: '家政服务员（育婴方向）培训', changedFields: ['title'] })
    expect((await oneEntry('listing.close', result.id)).before).toMatchObject({ status: 'published' })
  })

  it('claims and milestones: submit, approve, evidence, review', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngo = await makeOrganization({ kind: 'social_org' })
    const ngoUser = actor(await makeUser({ role: 'org_member', organizationId: ngo.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })
    await pledgeMoney(donor, { listingId: listing.id, amount: '5000', key: randomUUID() })
    const claim = await submitClaim(ngoUser, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' })
    expect((await oneEntry('claim.submit', claim.id)).actorId).toBe(ngoUser.id)
    await decideClaim(owner, claim.id, true)
    expect((await oneEntry('claim.approve', claim.id)).actorId).toBe(owner.id)
    const rejectedSub = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片两张' })
    await reviewSubmission(owner, rejectedSub.id, { approve: false, note: '缺少签到表' })
    expect((await oneEntry('milestone.reject', rejectedSub.id)).actorId).toBe(owner.id)
    const sub = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片 20 张，签到表' })
    expect((await oneEntry('milestone.submit', sub.id)).actorId).toBe(ngoUser.id)
    await reviewSubmission(owner, sub.id, { approve: true })
    expect((await oneEntry('milestone.approve', sub.id)).after).toMatchObject({ paid: '3200.00' })
  })

  it('ledger operations: pledge, withdraw, release, lot registration, distribution, confirmation, write-off', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')

    const money = await makeMoneyDonationListing({ organizationId: org.id, endsOn: '2099-12-31' })
    const kept = await pledgeMoney(donor, { listingId: money.id, amount: '500', key: randomUUID() })
    const withdrawn = await pledgeMoney(donor, { listingId: money.id, amount: '200', key: randomUUID() })
    if (kept.status !== 'recorded' || withdrawn.status !== 'recorded') throw new Error('expected recorded pledges')
    const pledges = (await entriesFor(money.id)).filter((e) => e.action === 'ledger.pledge')
    expect(pledges.map((p) => Number((p.after as { amount: string }).amount)).sort((a, b) => a - b)).toEqual([200, 500])
    expect(pledges.every((p) => p.actorId === donor.id)).toBe(true)
    await withdrawPledge(donor, withdrawn.transfer.id)
    expect((await oneEntry('ledger.withdraw', withdrawn.transfer.id)).actorId).toBe(donor.id)
    await releaseDonationListing(orgActor, money.id)
    expect((await oneEntry('ledger.release', money.id)).after).toMatchObject({ holds: 1, total: '500.00' })

    const items = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: items.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
    expect((await oneEntry('ledger.lot_register', lot.id)).after).toMatchObject({ quantity: '10' })
    const resident = await makeUser({ role: 'resident' })
    const recipient = await makeRecipient(items.id, { headName: '王光明', resident })
    const result = await distributeLot(orgActor, lot.id, [{ householdId: recipient.id, quantity: '4' }], { key: randomUUID() })
    if (result.status !== 'recorded') throw new Error('expected a distribution')
    expect((await oneEntry('ledger.distribute', lot.id)).actorId).toBe(orgActor.id)
    await confirmDistribution(actor(resident, 'resident'), result.distributions[0]!.id)
    expect((await oneEntry('ledger.confirm_distribution', result.distributions[0]!.id)).actorId).toBe(resident.id)
    await writeOffLot(orgActor, lot.id, { key: randomUUID(), quantity: '1', reason: 'damaged', note: '仓库漏雨' })
    expect((await oneEntry('ledger.write_off', lot.id)).after).toMatchObject({ quantity: '1', reason: 'damaged' })
  })
})
