import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, listings, listingVersions, organizations } from '@db/schema'
import { ListingSchema } from '@db/schema/listings/validation'
import { changeListingStatus, createListing, getOwnListing, getPublicListing, insertListing, insertListings, ListingError, listOrganizationListings, loadListingSnapshot, updateListing } from '~/models/listing.server'
import { db } from '~/utils/db.server'
import { listingInput, listingValues } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'
import type { SessionUser } from '~/models/user.server'

async function member(options: { verified?: boolean } = {}) {
  const org = await makeOrganization({ verified: options.verified ?? true })
  const user = await makeUser({ role: 'org_member', organizationId: org.id })
  return { id: user.id, role: 'org_member' as const, organizationId: org.id } satisfies Pick<SessionUser, 'id' | 'role' | 'organizationId'>
}

function errorsOf(values: Record<string, unknown>) {
  const result = ListingSchema.safeParse(values)
  if (result.success) return {}
  const out: Record<string, string[]> = {}
  for (const i of result.error.issues) (out[i.path.join('.')] ??= []).push(i.message)
  return out
}

describe('listing validation', () => {
  it('accepts a valid listing of every kind', () => {
    for (const kind of ['job', 'training', 'donation', 'project'] as const) expect(ListingSchema.safeParse(listingValues(kind)).success, kind).toBe(true)
  })

  it('names the field and the rule for each kind of mistake', () => {
    expect(errorsOf(listingValues('job', { wageMin: '6000', wageMax: '5000' }))).toEqual({ wageMax: ['listings:validation.wage_range'] })
    expect(errorsOf(listingValues('job', { wageMin: '4000.123' }))).toEqual({ wageMin: ['listings:validation.money_format'] })
    expect(errorsOf(listingValues('job', { endsOn: '2026-12-01' }))).toEqual({ endsOn: ['listings:validation.end_before_start'] })
    expect(errorsOf(listingValues('job', { ageMin: '50', ageMax: '30' }))).toEqual({ ageMax: ['listings:validation.age_range'] })
    expect(errorsOf(listingValues('job', { categories: [] }))).toEqual({ categories: ['listings:validation.choose_at_least_one'] })
    expect(errorsOf(listingValues('job', { regionCode: '52263' }))).toEqual({ regionCode: ['validation.region_code_format'] })
    expect(errorsOf(listingValues('project', { durationMonths: '5' }))).toEqual({ durationMonths: ['listings:validation.project_too_short'] })
    expect(errorsOf(listingValues('project', { endsOn: '2027-05-01', milestones: [{ title: '完成', dueOn: '2027-04-01', budgetSharePercent: '100', evidenceRequired: '报告' }] }))).toEqual({
      endsOn: ['listings:validation.project_too_short'],
    })
    expect(
      errorsOf(listingValues('project', { milestones: [{ title: '阶段一', dueOn: '2027-03-31', budgetSharePercent: '40', evidenceRequired: '照片' }] })),
    ).toEqual({ milestones: ['listings:validation.milestone_shares_sum|{"total":"40.00"}'] })
    expect(errorsOf(listingValues('donation', { donationType: 'money', itemKind: undefined, itemUnit: undefined, quantity: undefined }))).toEqual({
      targetAmount: ['validation.required'],
    })
    // listing_skills is keyed (listing, skill, role): a repeat within one role would be a primary-key 500.
    expect(errorsOf(listingValues('training', { prerequisiteSkills: [{ code: 'sewing', level: 'beginner' }, { code: 'sewing', level: 'advanced' }] }))).toEqual({
      prerequisiteSkills: ['listings:validation.skill_repeated'],
    })
    // What the columns cannot hold is a field error, not a database error: numeric(12,2), no year 0.
    expect(errorsOf(listingValues('job', { wageMax: '10000000000' }))).toEqual({ wageMax: ['listings:validation.at_most|{"max":"9999999999.99"}'] })
    expect(errorsOf(listingValues('job', { startsOn: '0000-01-01', endsOn: undefined }))).toEqual({ startsOn: ['listings:validation.date_format'] })
  })
})

describe('listing lifecycle', () => {
  it('creates a draft of each kind with its details in one transaction, versioned and audited', async () => {
    const actor = await member()
    for (const kind of ['job', 'training', 'donation', 'project'] as const) {
      const result = await createListing(actor, listingInput(kind))
      expect(result.ok).toBe(true)
      if (!result.ok) continue
      const own = await getOwnListing(actor, result.id)
      expect(own).toMatchObject({ kind, status: 'draft', version: 1 })
      if (kind === 'job') expect(own!.details).toMatchObject({ position: '焊工', wageMin: '4000.00', wageMax: '5500.50' })
      if (kind === 'project') expect(own!.milestones.map((ms) => ms.budgetSharePercent)).toEqual(['40.00', '60.00'])
      const versions = await db.select().from(listingVersions).where(eq(listingVersions.listingId, result.id))
      expect(versions).toHaveLength(1)
      const audit = await db.select().from(auditEntries).where(eq(auditEntries.entityId, result.id))
      expect(audit.map((e) => e.action)).toEqual(['listing.create'])
    }
    expect(await listOrganizationListings(actor)).toHaveLength(4)
  })

  it('writes nothing when a referenced region or skill does not exist', async () => {
    const actor = await member()
    const result = await createListing(actor, listingInput('job', { workplaceRegionCode: '999999', skills: [{ code: 'no_such_skill', level: 'beginner' }] }))
    expect(result).toEqual({ ok: false, fieldErrors: { workplaceRegionCode: ['validation.region_unknown'], 'skills[0].code': ['listings:validation.skill_unknown'] } })
    expect(await db.select().from(listings).where(eq(listings.organizationId, actor.organizationId))).toHaveLength(0)
  })

  it('rolls back the listing when a detail row fails in the database', async () => {
    const actor = await member()
    const input = listingInput('job')
    // Bypass zod to reach the database check: a negative wage can only come from a bug.
    ;(input as { wageMin: unknown }).wageMin = { toFixed: () => '-1.00' }
    await expect(createListing(actor, input)).rejects.toThrow()
    expect(await db.select().from(listings).where(eq(listings.organizationId, actor.organizationId))).toHaveLength(0)
  })

  it('moves through draft → published ⇄ paused → closed, versioning and auditing every step', async () => {
    const actor = await member()
    const created = await createListing(actor, listingInput('training'))
    if (!created.ok) throw new Error('create failed')
    const id = created.id
    expect(await getPublicListing(id)).toBeNull()
    expect(await changeListingStatus(actor, id, 'publish')).toEqual({ version: 2, status: 'published' })
    expect((await getPublicListing(id))?.status).toBe('published')
    await expect(changeListingStatus(actor, id, 'resume')).rejects.toMatchObject({ reason: 'transition' })
    expect(await changeListingStatus(actor, id, 'pause')).toEqual({ version: 3, status: 'paused' })
    expect(await changeListingStatus(actor, id, 'resume')).toEqual({ version: 4, status: 'published' })
    expect(await changeListingStatus(actor, id, 'close')).toEqual({ version: 5, status: 'closed' })
    await expect(changeListingStatus(actor, id, 'publish')).rejects.toMatchObject({ reason: 'closed' })
    await expect(updateListing(actor, id, listingInput('training'))).rejects.toMatchObject({ reason: 'closed' })
    expect(await getPublicListing(id)).toBeNull()
    const versions = await db.select().from(listingVersions).where(eq(listingVersions.listingId, id)).orderBy(listingVersions.version)
    expect(versions.map((v) => [v.version, v.status, v.changedFields])).toEqual([
      [1, 'draft', []],
      [2, 'published', ['status']],
      [3, 'paused', ['status']],
      [4, 'published', ['status']],
      [5, 'closed', ['status']],
    ])
    const audit = await db.select().from(auditEntries).where(eq(auditEntries.entityId, id)).orderBy(auditEntries.occurredAt)
    expect(audit.map((e) => e.action)).toEqual(['listing.create', 'listing.publish', 'listing.pause', 'listing.resume', 'listing.close'])
  })

  it('versions an edit of a published listing with the fields that changed; an unchanged save adds no version', async () => {
    const actor = await member()
    const created = await createListing(actor, listingInput('job'), { publish: true })
    if (!created.ok) throw new Error('create failed')
    const edited = await updateListing(actor, created.id, listingInput('job', { wageMax: '6000', title: '雷山县电子厂招聘熟练焊工' }))
    expect(edited).toEqual({ ok: true, id: created.id, version: 2 })
    const [v2] = await db.select().from(listingVersions).where(eq(listingVersions.listingId, created.id)).orderBy(listingVersions.version).offset(1)
    expect(v2!.changedFields).toEqual(['details.wageMax', 'title'])
    expect(v2!.changedById).toBe(actor.id)
    expect((v2!.snapshot as { title: string }).title).toBe('雷山县电子厂招聘熟练焊工')
    const same = await updateListing(actor, created.id, listingInput('job', { wageMax: '6000', title: '雷山县电子厂招聘熟练焊工' }))
    expect(same).toEqual({ ok: true, id: created.id, version: 2 })
    await expect(updateListing(actor, created.id, listingInput('job'), { expectedVersion: 1 })).rejects.toMatchObject({ reason: 'stale' })
  })

  it('lets an unverified organization draft but not publish, and says why', async () => {
    const actor = await member({ verified: false })
    const draft = await createListing(actor, listingInput('donation'))
    expect(draft.ok).toBe(true)
    await expect(createListing(actor, listingInput('donation'), { publish: true })).rejects.toMatchObject({ reason: 'organization_unverified' })
    if (!draft.ok) return
    const error = await changeListingStatus(actor, draft.id, 'publish').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as ListingError).reason).toBe('organization_unverified')
    await db.update(organizations).set({ verifiedAt: new Date() }).where(eq(organizations.id, actor.organizationId))
    expect((await changeListingStatus(actor, draft.id, 'publish')).status).toBe('published')
  })

  it("never lets a member touch another organization's listing", async () => {
    const owner = await member()
    const stranger = await member()
    const created = await createListing(owner, listingInput('job'))
    if (!created.ok) throw new Error('create failed')
    expect(await getOwnListing(stranger, created.id)).toBeNull()
    await expect(changeListingStatus(stranger, created.id, 'publish')).rejects.toMatchObject({ reason: 'not_found' })
    await expect(updateListing(stranger, created.id, listingInput('job'))).rejects.toMatchObject({ reason: 'not_found' })
    const resident = await makeUser({ role: 'resident' })
    await expect(createListing({ id: resident.id, role: 'resident', organizationId: null }, listingInput('job'))).rejects.toMatchObject({ reason: 'not_member' })
  })

  it('closes a draft directly, and edits a paused listing without changing its status', async () => {
    const actor = await member()
    const draft = await createListing(actor, listingInput('donation'))
    const paused = await createListing(actor, listingInput('project'), { publish: true })
    if (!draft.ok || !paused.ok) throw new Error('create failed')
    expect(await changeListingStatus(actor, draft.id, 'close')).toEqual({ version: 2, status: 'closed' })
    await expect(changeListingStatus(actor, draft.id, 'close')).rejects.toMatchObject({ reason: 'closed' })
    await changeListingStatus(actor, paused.id, 'pause')
    await expect(changeListingStatus(actor, paused.id, 'pause')).rejects.toMatchObject({ reason: 'transition' })
    const edited = await updateListing(actor, paused.id, listingInput('project', { budget: '150000' }))
    expect(edited).toEqual({ ok: true, id: paused.id, version: 3 })
    expect(await getOwnListing(actor, paused.id)).toMatchObject({ status: 'paused', details: { budget: '150000.00' } })
  })
})

describe('many listings at once (imports)', () => {
  it('writes every kind exactly as one-at-a-time does: row, details, skills, milestones, version 1 and audit entry', async () => {
    const actor = await member()
    const kinds = ['job', 'training', 'donation', 'project'] as const
    const inputs = kinds.map((kind) => listingInput(kind, { title: `批量${kind}` }))
    const bulk = await db.transaction((tx) => insertListings(tx, actor, inputs))
    const single = await db.transaction(async (tx) => Promise.all(inputs.map((input) => insertListing(tx, actor, input))))
    expect(bulk.map((l) => l.status)).toEqual(['draft', 'draft', 'draft', 'draft'])
    const comparable = (s: NonNullable<Awaited<ReturnType<typeof loadListingSnapshot>>>) => {
      const { id: _id, createdAt: _c, updatedAt: _u, publishedAt: _p, ...rest } = s
      return rest
    }
    for (const [i, kind] of kinds.entries()) {
      const a = (await loadListingSnapshot(db, bulk[i]!.id))!
      const b = (await loadListingSnapshot(db, single[i]!.id))!
      expect(a.kind).toBe(kind)
      expect(comparable(a), kind).toEqual(comparable(b))
      const [version] = await db.select().from(listingVersions).where(eq(listingVersions.listingId, bulk[i]!.id))
      expect(version).toMatchObject({ version: 1, status: 'draft', changedFields: [] })
      expect(version!.snapshot).toEqual(JSON.parse(JSON.stringify(a)))
      const audit = await db.select().from(auditEntries).where(eq(auditEntries.entityId, bulk[i]!.id))
      expect(audit.map((e) => [e.action, e.actorId, (e.after as { title: string }).title])).toEqual([['listing.create', actor.id, `批量${kind}`]])
    }
    expect(comparable((await loadListingSnapshot(db, bulk[3]!.id))!).milestones.length).toBeGreaterThan(0)
    // Nothing to write is nothing written; a non-member is refused before anything is written.
    expect(await db.transaction((tx) => insertListings(tx, actor, []))).toEqual([])
    await expect(db.transaction((tx) => insertListings(tx, { id: actor.id, role: 'donor', organizationId: null } as never, inputs))).rejects.toBeInstanceOf(ListingError)
  })

  it('an edit switches a donation between items and money, leaving no field of the other shape behind', async () => {
    const actor = await member()
    const [created] = await db.transaction((tx) => insertListings(tx, actor, [listingInput('donation')]))
    const money = listingInput('donation', { donationType: 'money', targetAmount: '50000.00', itemKind: undefined, itemUnit: undefined, quantity: undefined, condition: undefined })
    expect(await updateListing(actor, created!.id, money)).toMatchObject({ ok: true })
    expect((await loadListingSnapshot(db, created!.id))!.details).toMatchObject({ donationType: 'money', targetAmount: '50000.00', itemKind: null, itemUnit: null, quantity: null, condition: null })
    expect(await updateListing(actor, created!.id, listingInput('donation'))).toMatchObject({ ok: true })
    expect((await loadListingSnapshot(db, created!.id))!.details).toMatchObject({ donationType: 'in_kind', targetAmount: null, itemKind: '棉被', itemUnit: '条', quantity: '200.000' })
  })

  it('an edit after a bulk write replaces skills, details and milestones, not adds to them', async () => {
    const actor = await member()
    const [created] = await db.transaction((tx) => insertListings(tx, actor, [listingInput('project')]))
    const before = (await loadListingSnapshot(db, created!.id))!
    const input = listingInput('project', { title: '改过的项目', durationMonths: '24', milestones: [{ title: '唯一节点', dueOn: '2027-06-30', budgetSharePercent: '100', evidenceRequired: '验收报告' }] })
    expect(await updateListing(actor, created!.id, input)).toMatchObject({ ok: true })
    const after = (await loadListingSnapshot(db, created!.id))!
    expect(after.milestones).toEqual([{ seq: 1, title: '唯一节点', dueOn: '2027-06-30', budgetSharePercent: '100.00', evidenceRequired: '验收报告' }])
    expect(after.skills).toEqual(before.skills)
    expect(after.details).toMatchObject({ durationMonths: 24 })
    expect(after.version).toBe(2)
  })
})
