// Editing a listing others have committed to: claims and milestone evidence on a project,
// pledges and lots on a donation. An edit keeps what they rely on, refuses (with a field
// error, never a 500) what would break it, and still allows everything else.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ledgerTransfers, listings, milestoneSubmissions, projectMilestones } from '@db/schema'
import { ListingSchema } from '@db/schema/listings/validation'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney, withdrawPledge } from '~/models/donations.server'
import { createListing, loadListingSnapshot, updateListing } from '~/models/listing.server'
import { registerLot } from '~/models/lots.server'
import { db } from '~/utils/db.server'
import { listingInput, listingValues } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'

const actor = (u: { id: string; organizationId: string | null }, role: string) => ({ id: u.id, role, organizationId: u.organizationId })

async function owner() {
  const org = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
  return actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member') as { id: string; role: 'org_member'; organizationId: string }
}

async function ngo() {
  const org = await makeOrganization({ kind: 'social_org' })
  return actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
}

const milestones = (shares: string[], titles = ['托管点建成', '运营满一年', '总结评估']) =>
  shares.map((share, i) => ({ title: titles[i]!, dueOn: ['2027-03-31', '2027-09-30', '2027-12-31'][i]!, budgetSharePercent: share, evidenceRequired: '照片与验收单' }))

/** A published project (budget 120000, shares 40/60) claimed by an NGO; `approve` approves the claim. */
async function claimedProject(options: { approve?: boolean; budget?: string; evidence?: boolean; pay?: boolean } = {}) {
  const me = await owner()
  const created = await createListing(me, listingInput('project'), { publish: true })
  if (!created.ok) throw new Error('create failed')
  const claimant = await ngo()
  const claim = await submitClaim(claimant, { listingId: created.id, plan: '每周两次课后陪伴与作业辅导，配专职社工', budget: options.budget ?? '100000' })
  if (options.approve !== false) await decideClaim(me, claim.id, true)
  const rows = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, created.id)).orderBy(projectMilestones.seq)
  let submissionId: string | undefined
  if (options.evidence) submissionId = (await submitMilestoneEvidence(claimant, { claimId: claim.id, milestoneId: rows[0]!.id, evidence: '活动照片 20 张，签到表' })).id
  if (options.pay) {
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    await pledgeMoney(donor, { listingId: created.id, amount: '50000', key: randomUUID() })
    await reviewSubmission(me, submissionId!, { approve: true })
  }
  return { me, id: created.id, claim, milestoneIds: rows.map((r) => r.id), submissionId }
}

describe('editing a claimed project', () => {
  it('saves a title-only edit after evidence was submitted, keeping every milestone row', async () => {
    const { me, id, milestoneIds, submissionId } = await claimedProject({ evidence: true })
    const result = await updateListing(me, id, listingInput('project', { title: '留守儿童课后托管长期项目（二期）' }))
    expect(result).toMatchObject({ ok: true, version: 2 })
    const rows = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, id)).orderBy(projectMilestones.seq)
    expect(rows.map((r) => r.id)).toEqual(milestoneIds)
    const [submission] = await db.select().from(milestoneSubmissions).where(eq(milestoneSubmissions.id, submissionId!))
    expect(submission!.milestoneId).toBe(milestoneIds[0])
    expect((await loadListingSnapshot(db, id))!.title).toBe('留守儿童课后托管长期项目（二期）')
  })

  it('saves an edit after a milestone was paid from escrow (the payout names the milestone)', async () => {
    const { me, id, milestoneIds } = await claimedProject({ evidence: true, pay: true })
    expect((await db.select().from(ledgerTransfers).where(eq(ledgerTransfers.milestoneId, milestoneIds[0]!))).length).toBeGreaterThan(0)
    expect(await updateListing(me, id, listingInput('project', { title: '留守儿童课后托管长期项目（二期）', budget: '110000' }))).toMatchObject({ ok: true })
    expect((await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, id)).orderBy(projectMilestones.seq)).map((r) => r.id)).toEqual(milestoneIds)
  })

  it('allows milestone titles, due dates and evidence to change in place once claimed', async () => {
    const { me, id, milestoneIds } = await claimedProject({ evidence: true })
    const edited = milestones(['40', '60'], ['托管点建成并验收', '运营满一年并评估']).map((ms, i) => ({ ...ms, dueOn: i === 0 ? '2027-04-15' : '2027-12-31', evidenceRequired: '照片、验收单与签到表' }))
    expect(await updateListing(me, id, listingInput('project', { milestones: edited }))).toMatchObject({ ok: true })
    const rows = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, id)).orderBy(projectMilestones.seq)
    expect(rows.map((r) => [r.id, r.seq, r.title, r.dueOn, r.budgetSharePercent, r.evidenceRequired])).toEqual([
      [milestoneIds[0], 1, '托管点建成并验收', '2027-04-15', '40.00', '照片、验收单与签到表'],
      [milestoneIds[1], 2, '运营满一年并评估', '2027-12-31', '60.00', '照片、验收单与签到表'],
    ])
  })

  it('refuses removing, adding or re-weighting milestones once claimed (pending or approved), and writes nothing', async () => {
    for (const approve of [true, false]) {
      const { me, id, milestoneIds } = await claimedProject({ approve, evidence: approve })
      const before = (await loadListingSnapshot(db, id))!
      const locked = { ok: false, fieldErrors: { milestones: ['listings:errors.milestones_locked'] } }
      expect(await updateListing(me, id, listingInput('project', { title: '改过的标题', milestones: milestones(['100']) })), `remove, approve=${approve}`).toEqual(locked)
      expect(await updateListing(me, id, listingInput('project', { milestones: milestones(['50', '50']) })), `re-weight, approve=${approve}`).toEqual(locked)
      expect(await updateListing(me, id, listingInput('project', { milestones: milestones(['40', '40', '20']) })), `add, approve=${approve}`).toEqual(locked)
      const after = (await loadListingSnapshot(db, id))!
      expect(after).toEqual(before)
      expect((await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, id)).orderBy(projectMilestones.seq)).map((r) => r.id)).toEqual(milestoneIds)
      // The same share written differently is no change.
      expect(await updateListing(me, id, listingInput('project', { milestones: milestones(['40.00', '60.0']) }))).toMatchObject({ ok: true })
    }
  })

  it('restructures milestones of an unclaimed project in place (kept rows keep their ids)', async () => {
    const me = await owner()
    const created = await createListing(me, listingInput('project'), { publish: true })
    if (!created.ok) throw new Error('create failed')
    const [first] = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, created.id)).orderBy(projectMilestones.seq)
    expect(await updateListing(me, created.id, listingInput('project', { milestones: milestones(['20', '30', '50']) }))).toMatchObject({ ok: true })
    let rows = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, created.id)).orderBy(projectMilestones.seq)
    expect(rows.map((r) => [r.seq, r.budgetSharePercent])).toEqual([[1, '20.00'], [2, '30.00'], [3, '50.00']])
    expect(rows[0]!.id).toBe(first!.id)
    expect(await updateListing(me, created.id, listingInput('project', { milestones: milestones(['100']) }))).toMatchObject({ ok: true })
    rows = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, created.id)).orderBy(projectMilestones.seq)
    expect(rows.map((r) => [r.id, r.seq, r.budgetSharePercent])).toEqual([[first!.id, 1, '100.00']])
  })

  it('refuses a budget below the approved claims; pending claims do not count', async () => {
    const { me, id } = await claimedProject({ budget: '100000' })
    const before = (await loadListingSnapshot(db, id))!
    expect(await updateListing(me, id, listingInput('project', { budget: '1000.00' }))).toEqual({
      ok: false,
      fieldErrors: { budget: ['listings:errors.budget_below_committed|{"committed":"100000.00"}'] },
    })
    expect(await updateListing(me, id, listingInput('project', { budget: '99999.99' }))).toMatchObject({ ok: false })
    expect(await loadListingSnapshot(db, id)).toEqual(before)
    expect(await updateListing(me, id, listingInput('project', { budget: '100000' }))).toMatchObject({ ok: true })
    expect((await loadListingSnapshot(db, id))!.details).toMatchObject({ budget: '100000.00' })

    const pending = await claimedProject({ approve: false, budget: '100000' })
    expect(await updateListing(pending.me, pending.id, listingInput('project', { budget: '1000.00' }))).toMatchObject({ ok: true })
  })
})

describe('editing a donation with pledges or lots', () => {
  const moneyValues = { donationType: 'money', targetAmount: '50000.00', itemKind: undefined, itemUnit: undefined, quantity: undefined, condition: undefined }

  it('keeps a money donation with pledges money; once every pledge is returned it may switch', async () => {
    const me = await owner()
    const created = await createListing(me, listingInput('donation', moneyValues), { publish: true })
    if (!created.ok) throw new Error('create failed')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const pledge = await pledgeMoney(donor, { listingId: created.id, amount: '500', key: randomUUID() })
    if (pledge.status !== 'recorded') throw new Error('expected recorded')
    expect(await updateListing(me, created.id, listingInput('donation'))).toEqual({ ok: false, fieldErrors: { donationType: ['listings:errors.donation_type_pledged'] } })
    expect((await loadListingSnapshot(db, created.id))!.details).toMatchObject({ donationType: 'money', targetAmount: '50000.00' })
    // Other edits are fine (the target is not a cap on pledges).
    expect(await updateListing(me, created.id, listingInput('donation', { ...moneyValues, targetAmount: '100.00', title: '冬季助学捐款' }))).toMatchObject({ ok: true })
    await withdrawPledge(donor, pledge.transfer.id)
    expect(await updateListing(me, created.id, listingInput('donation'))).toMatchObject({ ok: true })
  })

  it('keeps an in-kind donation with lots in kind, with its item and unit, and asks for no less than registered', async () => {
    const me = await owner()
    const created = await createListing(me, listingInput('donation', { quantity: '200' }), { publish: true })
    if (!created.ok) throw new Error('create failed')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    for (const quantity of ['80', '40']) await registerLot(donor, { key: randomUUID(), organizationId: me.organizationId, listingId: created.id, itemKind: '棉被', itemUnit: '条', quantity, condition: 'new' })
    const before = (await loadListingSnapshot(db, created.id))!
    expect(await updateListing(me, created.id, listingInput('donation', moneyValues))).toEqual({ ok: false, fieldErrors: { donationType: ['listings:errors.donation_type_lots'] } })
    expect(await updateListing(me, created.id, listingInput('donation', { itemUnit: '床', itemKind: '羽绒被' }))).toEqual({
      ok: false,
      fieldErrors: { itemKind: ['listings:errors.item_locked'], itemUnit: ['listings:errors.item_locked'] },
    })
    expect(await updateListing(me, created.id, listingInput('donation', { quantity: '119' }))).toEqual({
      ok: false,
      fieldErrors: { quantity: ['listings:errors.quantity_below_donated|{"donated":"120","unit":"条"}'] },
    })
    expect(await loadListingSnapshot(db, created.id)).toEqual(before)
    expect(await updateListing(me, created.id, listingInput('donation', { quantity: '120', title: '冬季棉被捐赠（续）' }))).toMatchObject({ ok: true })
    expect((await loadListingSnapshot(db, created.id))!.details).toMatchObject({ quantity: '120.000' })
  })
})

describe('training skills', () => {
  it('refuses a repeated prerequisite skill with the catalog message (no primary-key 500)', async () => {
    const values = listingValues('training', { prerequisiteSkills: [{ code: 'sewing', level: 'beginner' }, { code: 'sewing', level: 'advanced' }] })
    const result = ListingSchema.safeParse(values)
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['prerequisiteSkills', 'listings:validation.skill_repeated']])
  })

  it('accepts a skill that is both taught and a prerequisite (different roles), on create and on edit', async () => {
    const me = await owner()
    const input = listingInput('training', { skills: [{ code: 'sewing', level: 'advanced' }], prerequisiteSkills: [{ code: 'sewing', level: 'beginner' }] })
    const created = await createListing(me, input)
    if (!created.ok) throw new Error('create failed')
    expect(await updateListing(me, created.id, listingInput('training', { skills: [{ code: 'sewing', level: 'advanced' }], prerequisiteSkills: [{ code: 'sewing', level: 'intermediate' }] }))).toMatchObject({ ok: true })
    const skills = (await loadListingSnapshot(db, created.id))!.skills
    expect([...skills].sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      { code: 'sewing', role: 'prerequisite', level: 'intermediate' },
      { code: 'sewing', role: 'taught', level: 'advanced' },
    ])
    expect((await db.select().from(listings).where(eq(listings.id, created.id)))[0]!.version).toBe(2)
  })
})
