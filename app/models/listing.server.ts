// Listings (帮扶资源): create/edit with kind-specific details in one transaction, the status
// machine draft → published ⇄ paused → closed, versions, audit, and what the search index sees.
// Every function that changes a listing is scoped to the caller's organization.
import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import {
  donationDetails,
  itemAsset,
  jobDetails,
  ledgerLots,
  listings,
  listingSkills,
  listingVersions,
  matches,
  organizations,
  projectClaims,
  projectDetails,
  projectMilestones,
  regions,
  skills,
  trainingDetails,
  type ListingStatus,
} from '@db/schema'
import type { ListingInput } from '@db/schema/listings/validation'
import { m } from '@db/schema/messages'
import { enqueueRemoveListingMatches, enqueueScoreHousehold, enqueueScoreListing } from '@workers/queues/matching'
import { existingEscrowAccount, returnAllHolds } from './donations.server'
import { pgError } from '~/utils/pg-error.server'
import { chinaTodaySql, hasEnded, notEnded } from './listing-dates'
import { enqueueDetectDuplicates, enqueueSyncListing } from '@workers/queues/search'
import type { SearchDocument, SearchEngine } from '@search/engine'
import { getSearchEngine } from '@search/index'
import { db } from '~/utils/db.server'
import { groupBy } from '~/utils/group-by'
import { logger } from '~/utils/logger.server'
import { recordAudit, recordAudits } from './audit.server'
import { closeOpenApplications } from './outcomes.server'
import type { SessionUser } from './user.server'

export type ListingActor = Pick<SessionUser, 'id' | 'role' | 'organizationId'>

export type ListingResult = { ok: true; id: string; version: number } | { ok: false; fieldErrors: Record<string, string[]> }

export class ListingError extends Error {
  constructor(
    /** Catalog key under listings:errors.* explaining why. */
    public readonly reason: 'not_found' | 'not_member' | 'organization_unverified' | 'transition' | 'closed' | 'stale' | 'ended',
    message?: string,
  ) {
    super(message ?? reason)
  }
}

export const listingActions = ['publish', 'pause', 'resume', 'close'] as const
export type ListingAction = (typeof listingActions)[number]

/** The status machine: which action moves which status where. Closed is final. */
const transitions: Record<ListingAction, { from: ListingStatus[]; to: ListingStatus }> = {
  publish: { from: ['draft'], to: 'published' },
  pause: { from: ['published'], to: 'paused' },
  resume: { from: ['paused'], to: 'published' },
  close: { from: ['draft', 'published', 'paused'], to: 'closed' },
}

export function allowedActions(status: ListingStatus): ListingAction[] {
  return listingActions.filter((a) => transitions[a].from.includes(status))
}

function requireMember(actor: ListingActor): string {
  if (actor.role !== 'org_member' || !actor.organizationId) throw new ListingError('not_member')
  return actor.organizationId
}

async function organizationVerified(executor: Executor, organizationId: string) {
  const [org] = await executor.select({ verifiedAt: organizations.verifiedAt }).from(organizations).where(eq(organizations.id, organizationId))
  return Boolean(org?.verifiedAt)
}

/** Publishing needs a verified organization; drafting does not. */
export async function canPublish(actor: ListingActor) {
  if (actor.role !== 'org_member' || !actor.organizationId) return false
  return organizationVerified(db, actor.organizationId)
}

/** Checks zod cannot make: region and skill codes exist. */
async function referenceErrors(input: ListingInput) {
  const fieldErrors: Record<string, string[]> = {}
  const regionFields: Array<[string, string]> = [['regionCode', input.regionCode]]
  if (input.kind === 'job') regionFields.push(['workplaceRegionCode', input.workplaceRegionCode])
  if (input.kind === 'donation') regionFields.push(['deliveryRegionCode', input.deliveryRegionCode])
  const codes = [...new Set(regionFields.map(([, c]) => c))]
  const found = new Set((await db.select({ code: regions.code }).from(regions).where(inArray(regions.code, codes))).map((r) => r.code))
  for (const [field, code] of regionFields) if (!found.has(code)) fieldErrors[field] = ['validation.region_unknown']
  const skillRows = skillRowsOf(input)
  if (skillRows.length) {
    const known = new Set(
      (await db.select({ code: skills.code }).from(skills).where(inArray(skills.code, [...new Set(skillRows.map((s) => s.code))]))).map((s) => s.code),
    )
    const field = (role: string) => (role === 'prerequisite' ? 'prerequisiteSkills' : 'skills')
    skillRows.forEach((s) => {
      if (!known.has(s.code)) fieldErrors[`${field(s.role)}[${s.index}].code`] = ['listings:validation.skill_unknown']
    })
  }
  return fieldErrors
}

function skillRowsOf(input: ListingInput) {
  const rows: Array<{ code: string; level: 'beginner' | 'intermediate' | 'advanced'; role: 'required' | 'taught' | 'prerequisite'; index: number }> = []
  if (input.kind === 'job' || input.kind === 'project') input.skills.forEach((s, index) => rows.push({ ...s, role: 'required', index }))
  if (input.kind === 'training') {
    input.skills.forEach((s, index) => rows.push({ ...s, role: 'taught', index }))
    input.prerequisiteSkills.forEach((s, index) => rows.push({ ...s, role: 'prerequisite', index }))
  }
  return rows
}

const money = (d: Decimal | undefined) => (d === undefined ? null : d.toFixed(2))

function commonValues(input: ListingInput) {
  return {
    title: input.title,
    description: input.description,
    regionCode: input.regionCode,
    categories: input.categories,
    targetGroups: input.targetGroups,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? null,
    capacity: input.capacity ?? null,
    contactMethod: input.contactMethod,
    ageMin: input.ageMin ?? null,
    ageMax: input.ageMax ?? null,
    minEducation: input.minEducation ?? null,
    eligibleGender: input.eligibleGender ?? null,
    accommodations: input.accommodations,
  }
}

type DetailEntry = { listingId: string; input: ListingInput }

/** `set` of an upsert that takes every given column from the proposed row (`excluded`). */
function fromExcluded(columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, sql.raw(`excluded.${c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`)]))
}

/**
 * Replaces the kind-specific rows of listings (details, skills, milestones): a few statements however
 * many listings (an import writes a hundred at a time). `fresh`: the listings were just inserted, so
 * there is nothing to replace.
 */
async function writeDetails(tx: Transaction, entries: DetailEntry[], { fresh = false }: { fresh?: boolean } = {}) {
  if (!entries.length) return
  const ids = entries.map((e) => e.listingId)
  if (!fresh) await tx.delete(listingSkills).where(inArray(listingSkills.listingId, ids))
  const skillRows = entries.flatMap(({ listingId, input }) => skillRowsOf(input).map((s) => ({ listingId, skillCode: s.code, role: s.role, level: s.level })))
  if (skillRows.length) await tx.insert(listingSkills).values(skillRows)
  const jobs: Array<typeof jobDetails.$inferInsert> = []
  const trainings: Array<typeof trainingDetails.$inferInsert> = []
  const donations: Array<typeof donationDetails.$inferInsert> = []
  const projects: Array<typeof projectDetails.$inferInsert> = []
  const milestones: Array<typeof projectMilestones.$inferInsert> = []
  for (const { listingId, input } of entries) {
    switch (input.kind) {
      case 'job':
        jobs.push({
          listingId,
          position: input.position,
          wageMin: money(input.wageMin)!,
          wageMax: money(input.wageMax)!,
          wagePeriod: input.wagePeriod,
          hoursPerWeek: input.hoursPerWeek ?? null,
          hoursDescription: input.hoursDescription ?? '',
          workplaceRegionCode: input.workplaceRegionCode,
        })
        break
      case 'training':
        trainings.push({
          listingId,
          schedule: input.schedule,
          costYuan: money(input.costYuan)!,
          certificate: input.certificate || null,
          delivery: input.delivery,
          prerequisites: input.prerequisites ?? '',
          placementPartner: input.placementPartner || null,
        })
        break
      case 'donation': {
        const inKind = input.donationType === 'in_kind'
        donations.push({
          listingId,
          donationType: input.donationType,
          targetAmount: inKind ? null : money(input.targetAmount),
          itemKind: inKind ? input.itemKind! : null,
          itemUnit: inKind ? input.itemUnit! : null,
          quantity: inKind ? input.quantity!.toFixed(3) : null,
          condition: inKind ? (input.condition ?? null) : null,
          expiresOn: inKind ? (input.expiresOn ?? null) : null,
          eligibility: input.eligibility ?? '',
          deliveryRegionCode: input.deliveryRegionCode,
        })
        break
      }
      case 'project':
        projects.push({ listingId, durationMonths: input.durationMonths, budget: money(input.budget)!, claimOpen: input.claimOpen })
        input.milestones.forEach((ms, i) =>
          milestones.push({
            listingId,
            seq: i + 1,
            title: ms.title,
            dueOn: ms.dueOn,
            budgetSharePercent: ms.budgetSharePercent.toFixed(2),
            evidenceRequired: ms.evidenceRequired,
          }),
        )
        break
    }
  }
  const upsert = async <Row extends { listingId: string }>(table: typeof jobDetails | typeof trainingDetails | typeof donationDetails | typeof projectDetails, rows: Row[]) => {
    if (!rows.length) return
    const columns = Object.keys(rows[0]!).filter((c) => c !== 'listingId')
    await tx.insert(table).values(rows as never).onConflictDoUpdate({ target: table.listingId, set: fromExcluded(columns) })
  }
  await upsert(jobDetails, jobs)
  await upsert(trainingDetails, trainings)
  await upsert(donationDetails, donations)
  await upsert(projectDetails, projects)
  if (fresh) {
    if (milestones.length) await tx.insert(projectMilestones).values(milestones)
    return
  }
  // Milestones are updated in place, keyed by seq: submissions and payouts reference their ids,
  // so an edit must never replace a milestone that stays. Only rows past the new last seq go
  // (updateListing refuses that once the project has claims).
  if (milestones.length) {
    await tx
      .insert(projectMilestones)
      .values(milestones)
      .onConflictDoUpdate({ target: [projectMilestones.listingId, projectMilestones.seq], set: fromExcluded(['title', 'dueOn', 'budgetSharePercent', 'evidenceRequired']) })
  }
  const counts = entries.flatMap(({ listingId, input }) => (input.kind === 'project' ? [{ listingId, last: input.milestones.length }] : []))
  if (counts.length) await tx.delete(projectMilestones).where(or(...counts.map((c) => and(eq(projectMilestones.listingId, c.listingId), gt(projectMilestones.seq, c.last)))))
}

/** The full listing as one plain object: the version snapshot, the edit form's defaults, the detail page. */
export async function loadListingSnapshot(executor: Executor, listingId: string) {
  return (await loadListingSnapshots(executor, [listingId])).get(listingId) ?? null
}

/** Snapshots of many listings at once (seven queries however many), by listing id; unknown ids are absent. */
export async function loadListingSnapshots(executor: Executor, listingIds: string[]) {
  const [rows, skillRows, job, training, donation, project, milestones] = await Promise.all([
    executor.select().from(listings).where(inArray(listings.id, listingIds)),
    executor.select().from(listingSkills).where(inArray(listingSkills.listingId, listingIds)).orderBy(asc(listingSkills.role), asc(listingSkills.skillCode)),
    executor.select().from(jobDetails).where(inArray(jobDetails.listingId, listingIds)),
    executor.select().from(trainingDetails).where(inArray(trainingDetails.listingId, listingIds)),
    executor.select().from(donationDetails).where(inArray(donationDetails.listingId, listingIds)),
    executor.select().from(projectDetails).where(inArray(projectDetails.listingId, listingIds)),
    executor.select().from(projectMilestones).where(inArray(projectMilestones.listingId, listingIds)).orderBy(asc(projectMilestones.seq)),
  ])
  const skillsOf = groupBy(skillRows, (s) => s.listingId)
  const milestonesOf = groupBy(milestones, (ms) => ms.listingId)
  const detailsOf = new Map<string, Record<string, unknown> & { listingId: string }>()
  for (const d of [...job, ...training, ...donation, ...project]) detailsOf.set(d.listingId, d)
  return new Map(
    rows.map((listing) => {
      const { listingId: _ignored, ...detailFields } = detailsOf.get(listing.id) ?? { listingId: '' }
      const snapshot = {
        ...listing,
        details: detailFields,
        skills: (skillsOf.get(listing.id) ?? []).map((s) => ({ code: s.skillCode, role: s.role, level: s.level })),
        milestones: (milestonesOf.get(listing.id) ?? []).map((ms) => ({ seq: ms.seq, title: ms.title, dueOn: ms.dueOn, budgetSharePercent: ms.budgetSharePercent, evidenceRequired: ms.evidenceRequired })),
      }
      return [listing.id, snapshot] as const
    }),
  )
}
export type ListingSnapshot = NonNullable<Awaited<ReturnType<typeof loadListingSnapshot>>>

/** Fields whose value differs between two snapshots (details flattened as details.x). */
function changedFields(before: ListingSnapshot, after: ListingSnapshot) {
  const ignore = new Set(['version', 'updatedAt', 'createdAt', 'publishedAt', 'closedAt'])
  const changed: string[] = []
  const flat = (s: ListingSnapshot) => {
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(s)) if (k !== 'details' && !ignore.has(k)) out[k] = JSON.stringify(v)
    for (const [k, v] of Object.entries(s.details)) out[`details.${k}`] = JSON.stringify(v)
    return out
  }
  const a = flat(before)
  const b = flat(after)
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[key] !== b[key]) changed.push(key)
  return changed.sort()
}

async function writeVersion(tx: Transaction, snapshot: ListingSnapshot, changed: string[], actorId: string) {
  await writeVersions(tx, [{ snapshot, changed }], actorId)
}

async function writeVersions(tx: Transaction, versions: Array<{ snapshot: ListingSnapshot; changed: string[] }>, actorId: string) {
  if (!versions.length) return
  await tx.insert(listingVersions).values(
    versions.map(({ snapshot, changed }) => ({
      listingId: snapshot.id,
      version: snapshot.version,
      status: snapshot.status,
      snapshot: JSON.parse(JSON.stringify(snapshot)),
      changedFields: changed,
      changedById: actorId,
    })),
  )
}

/**
 * After commit: tell the index, the matcher (score a published version, drop the matches of
 * a paused or closed one) and, on publish, the duplicate check. A Redis outage must not undo
 * a saved change: the nightly full rescore and `npm run reindex` catch up.
 */
async function afterChange(listingId: string, version: number, status: ListingStatus, published: boolean) {
  try {
    await enqueueSyncListing(listingId, version)
    if (status === 'published') await enqueueScoreListing(listingId, version)
    else if (status === 'paused' || status === 'closed') await enqueueRemoveListingMatches(listingId)
    if (published && status === 'published') await enqueueDetectDuplicates(listingId, version)
  } catch (error) {
    logger.error({ listingId, version, err: (error as Error).message }, 'could not enqueue listing follow-up jobs; run npm run reindex')
  }
}

/**
 * Creates a listing as a draft, or publishes it right away (`publish: true`, verified
 * organizations only). Nothing is written unless every part is valid.
 */
export async function createListing(actor: ListingActor, input: ListingInput, options: { publish?: boolean } = {}): Promise<ListingResult> {
  const organizationId = requireMember(actor)
  const fieldErrors = await referenceErrors(input)
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors }
  const result = await db.transaction((tx) => insertListing(tx, actor, input, options))
  await afterChange(result.id, 1, result.status, result.status === 'published')
  return { ok: true, id: result.id, version: 1 }
}

/**
 * The write behind createListing, inside the caller's transaction. The caller has checked region and
 * skill codes and enqueues the follow-up jobs (index, scoring) after commit when it publishes.
 */
export async function insertListing(tx: Transaction, actor: ListingActor, input: ListingInput, options: { publish?: boolean } = {}) {
  const [created] = await insertListings(tx, actor, [input], options)
  return created!
}

/**
 * Many listings at once, each written exactly as insertListing writes one (row, details, version 1,
 * audit entry), in a few statements per call instead of a dozen per listing: a CSV import writes a
 * hundred rows at a time. Keep calls to a few hundred listings (one statement's parameters).
 */
export async function insertListings(tx: Transaction, actor: ListingActor, inputs: ListingInput[], options: { publish?: boolean } = {}) {
  const organizationId = requireMember(actor)
  if (!inputs.length) return []
  if (options.publish && !(await organizationVerified(tx, organizationId))) throw new ListingError('organization_unverified')
  // Published past its end date it would be offered to nobody: the organization moves the date first.
  if (options.publish && inputs.some((input) => hasEnded(input.endsOn))) throw new ListingError('ended')
  const now = new Date()
  const rows = inputs.map((input) => ({
    id: randomUUID(),
    organizationId,
    kind: input.kind,
    status: options.publish ? ('published' as const) : ('draft' as const),
    publishedAt: options.publish ? now : null,
    createdById: actor.id,
    ...commonValues(input),
  }))
  await tx.insert(listings).values(rows)
  await writeDetails(tx, rows.map((row, i) => ({ listingId: row.id, input: inputs[i]! })), { fresh: true })
  const snapshots = await loadListingSnapshots(tx, rows.map((row) => row.id))
  const created = rows.map((row) => snapshots.get(row.id)!)
  await writeVersions(tx, created.map((snapshot) => ({ snapshot, changed: [] })), actor.id)
  await recordAudits(
    tx,
    created.map((snapshot, i) => ({
      actor: { id: actor.id },
      action: 'listing.create',
      entityType: 'listing',
      entityId: snapshot.id,
      after: { kind: inputs[i]!.kind, status: snapshot.status, version: 1, title: inputs[i]!.title },
    })),
  )
  return created.map((snapshot) => ({ id: snapshot.id, status: snapshot.status }))
}

/**
 * What an edit may no longer change once others have committed to the listing (checked inside the
 * edit's transaction, the listing row locked): field errors as catalog keys, empty when the edit is fine.
 * - a project with a pending or approved claim keeps its milestones (count and budget shares; titles,
 *   due dates and evidence stay editable), and its budget never drops below the approved claims' budgets;
 * - a money donation with pledges (held or released) stays money; an in-kind donation with lots stays in
 *   kind, keeps its item and unit, and asks for no less than the lots already registered.
 */
async function commitmentErrors(tx: Transaction, listingId: string, before: ListingSnapshot, input: ListingInput) {
  const fieldErrors: Record<string, string[]> = {}
  if (input.kind === 'project') {
    // FOR SHARE: a claim being decided right now is waited for, and cannot be approved under this edit.
    const claims = await tx
      .select({ status: projectClaims.status, budget: projectClaims.budget })
      .from(projectClaims)
      .where(and(eq(projectClaims.listingId, listingId), inArray(projectClaims.status, ['pending', 'approved'])))
      .for('share')
    // Evidence or a payout naming a milestone pins it too, whatever became of the claim.
    const referenced = async () => {
      const [row] = await tx.execute<{ found: boolean }>(sql`select
        exists (select 1 from milestone_submissions s join project_milestones m on m.id = s.milestone_id where m.listing_id = ${listingId})
        or exists (select 1 from ledger_transfers t join project_milestones m on m.id = t.milestone_id where m.listing_id = ${listingId}) as found`)
      return Boolean(row?.found)
    }
    if (claims.length || (await referenced())) {
      const old = before.milestones
      const same = old.length === input.milestones.length && old.every((ms, i) => new Decimal(ms.budgetSharePercent).eq(input.milestones[i]!.budgetSharePercent))
      if (!same) fieldErrors.milestones = ['listings:errors.milestones_locked']
    }
    const committed = claims.filter((c) => c.status === 'approved').reduce((sum, c) => sum.plus(c.budget), new Decimal(0))
    if (input.budget.lt(committed)) fieldErrors.budget = [m('listings:errors.budget_below_committed', { committed: committed.toFixed(2) })]
  }
  if (input.kind === 'donation') {
    const details = before.details as { donationType?: string; itemKind?: string | null; itemUnit?: string | null }
    if (details.donationType === 'money' && input.donationType !== 'money') {
      const escrow = await existingEscrowAccount(tx, listingId)
      const pledged = escrow ? new Decimal(escrow.creditsPending).plus(escrow.creditsPosted) : new Decimal(0)
      if (pledged.gt(0)) fieldErrors.donationType = ['listings:errors.donation_type_pledged']
    }
    if (details.donationType === 'in_kind') {
      const lots = await tx.select({ ledger: ledgerLots.ledger, quantity: ledgerLots.quantity }).from(ledgerLots).where(eq(ledgerLots.listingId, listingId))
      if (lots.length) {
        if (input.donationType !== 'in_kind') fieldErrors.donationType = ['listings:errors.donation_type_lots']
        else {
          if (input.itemKind?.trim() !== details.itemKind?.trim()) fieldErrors.itemKind = ['listings:errors.item_locked']
          if (input.itemUnit?.trim() !== details.itemUnit?.trim()) fieldErrors.itemUnit = ['listings:errors.item_locked']
          const asset = itemAsset(details.itemKind ?? '', details.itemUnit ?? '')
          const donated = lots.filter((l) => l.ledger === asset).reduce((sum, l) => sum.plus(l.quantity), new Decimal(0))
          if (input.quantity && input.quantity.lt(donated)) fieldErrors.quantity = [m('listings:errors.quantity_below_donated', { donated: donated.toString(), unit: details.itemUnit ?? '' })]
        }
      }
    }
  }
  return fieldErrors
}

/** An edit refused by commitmentErrors: rolls the transaction back and becomes field errors. */
class Refused extends Error {
  constructor(readonly fieldErrors: Record<string, string[]>) {
    super('refused')
  }
}

/**
 * The catalog key explaining why the database refused a listing save (data exception, integrity
 * violation, serialization failure or deadlock), or null when the error is not such a refusal.
 * The form shows it instead of a 500; nothing was written (the transaction rolled back).
 */
export function listingSaveRefusal(error: unknown): string | null {
  const pg = pgError(error)
  if (!pg) return null
  if (pg.code.startsWith('40')) return 'listings:errors.save_conflict'
  if (pg.code.startsWith('22') || pg.code.startsWith('23')) return 'listings:errors.save_failed'
  return null
}

/** Saves an edit (any status but closed): bumps the version and records what changed. */
export async function updateListing(actor: ListingActor, listingId: string, input: ListingInput, options: { expectedVersion?: number } = {}): Promise<ListingResult> {
  const organizationId = requireMember(actor)
  const fieldErrors = await referenceErrors(input)
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors }
  const outcome = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(listings).where(and(eq(listings.id, listingId), eq(listings.organizationId, organizationId))).for('update')
    if (!current) throw new ListingError('not_found')
    if (current.status === 'closed') throw new ListingError('closed')
    if (current.kind !== input.kind) throw new ListingError('transition', 'the kind of a listing cannot change')
    if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw new ListingError('stale')
    const before = (await loadListingSnapshot(tx, listingId))!
    const refused = await commitmentErrors(tx, listingId, before, input)
    if (Object.keys(refused).length) throw new Refused(refused)
    await tx
      .update(listings)
      .set({ ...commonValues(input), version: current.version + 1 })
      .where(eq(listings.id, listingId))
    await writeDetails(tx, [{ listingId, input }])
    const after = (await loadListingSnapshot(tx, listingId))!
    const changed = changedFields(before, after)
    if (changed.length === 0) throw new NoChange()
    await writeVersion(tx, after, changed, actor.id)
    const pick = (snapshot: Record<string, unknown>) => Object.fromEntries(changed.map((f) => [f, snapshot[f] ?? null]))
    await recordAudit(tx, {
      actor: { id: actor.id },
      action: 'listing.update',
      entityType: 'listing',
      entityId: listingId,
      before: { version: current.version, ...pick(before) },
      after: { version: after.version, changedFields: changed, ...pick(after) },
    })
    return { version: after.version, status: after.status }
  }).catch((error) => {
    if (error instanceof NoChange) return null
    if (error instanceof Refused) return error
    // Last line of defence: a milestone that submissions or payouts reference (a claim approved
    // while this edit ran) is never deleted; the form says why.
    const pg = pgError(error)
    if (pg?.code === '23503' && pg.constraint_name?.includes('project_milestones')) return new Refused({ milestones: ['listings:errors.milestones_locked'] })
    throw error
  })
  if (outcome instanceof Refused) return { ok: false, fieldErrors: outcome.fieldErrors }
  if (!outcome) {
    const [row] = await db.select({ version: listings.version }).from(listings).where(eq(listings.id, listingId))
    return { ok: true, id: listingId, version: row!.version }
  }
  // An edit of a published listing may make it resemble another organization's: check again.
  await afterChange(listingId, outcome.version, outcome.status, outcome.status === 'published')
  return { ok: true, id: listingId, version: outcome.version }
}

/** Rolls back an edit that changed nothing, so no empty version is recorded. */
class NoChange extends Error {}

/**
 * publish / pause / resume / close. Status changes are versioned too (changedFields
 * ['status']), so a match or claim can tell which state it saw.
 */
export async function changeListingStatus(actor: ListingActor, listingId: string, action: ListingAction) {
  const organizationId = requireMember(actor)
  const transition = transitions[action]
  const outcome = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(listings).where(and(eq(listings.id, listingId), eq(listings.organizationId, organizationId))).for('update')
    if (!current) throw new ListingError('not_found')
    if (current.status === 'closed') throw new ListingError('closed')
    if (!transition.from.includes(current.status)) throw new ListingError('transition')
    if (transition.to === 'published' && !(await organizationVerified(tx, organizationId))) throw new ListingError('organization_unverified')
    if (transition.to === 'published' && hasEnded(current.endsOn)) throw new ListingError('ended')
    const firstPublish = action === 'publish'
    await tx
      .update(listings)
      .set({
        status: transition.to,
        version: current.version + 1,
        ...(firstPublish ? { publishedAt: new Date() } : {}),
        ...(transition.to === 'closed' ? { closedAt: new Date() } : {}),
      })
      .where(eq(listings.id, listingId))
    const snapshot = (await loadListingSnapshot(tx, listingId))!
    await writeVersion(tx, snapshot, ['status'], actor.id)
    // Closing a donation or project returns every pledge still held in escrow, in the same
    // transaction: a closed listing never keeps donors' money on hold.
    const returnedHolds =
      transition.to === 'closed' && (current.kind === 'donation' || current.kind === 'project') ? await returnAllHolds(null, listingId, tx) : 0
    // Closing ends every open loop (applied, invited, accepted) as rejected with the outcome
    // "offer withdrawn", in the same transaction: no application stays open on a closed listing.
    const closedApplications = transition.to === 'closed' ? await closeOpenApplications(tx, listingId, actor.id) : []
    await recordAudit(tx, {
      actor: { id: actor.id },
      action: `listing.${action}`,
      entityType: 'listing',
      entityId: listingId,
      before: { status: current.status, version: current.version },
      after: { status: transition.to, version: snapshot.version, ...(returnedHolds ? { returnedHolds } : {}), ...(closedApplications.length ? { closedApplications: closedApplications.length } : {}) },
    })
    return { version: snapshot.version, status: transition.to, ...(returnedHolds ? { returnedHolds } : {}), closedApplications }
  })
  await afterChange(listingId, outcome.version, outcome.status, action === 'publish' || action === 'resume')
  for (const closed of outcome.closedApplications.filter((c) => c.wasAccepted)) {
    try {
      await enqueueScoreHousehold(closed.householdId, closed.householdVersion, `${closed.applicationId}-listing-closed`)
    } catch (error) {
      logger.error({ listingId, err: (error as Error).message }, 'could not enqueue household rescoring after closing a listing')
    }
  }
  const { closedApplications, ...result } = outcome
  return { ...result, ...(closedApplications.length ? { closedApplications: closedApplications.length } : {}) }
}

/** The organization's own listings, newest first. */
export async function listOrganizationListings(actor: ListingActor) {
  const organizationId = requireMember(actor)
  return db
    .select({ id: listings.id, kind: listings.kind, status: listings.status, title: listings.title, version: listings.version, regionCode: listings.regionCode, endsOn: listings.endsOn, updatedAt: listings.updatedAt })
    .from(listings)
    .where(eq(listings.organizationId, organizationId))
    .orderBy(desc(listings.updatedAt))
}

/** One of the organization's own listings (any status). */
export async function getOwnListing(actor: ListingActor, listingId: string) {
  const organizationId = requireMember(actor)
  const snapshot = await loadListingSnapshot(db, listingId)
  if (!snapshot || snapshot.organizationId !== organizationId) return null
  return snapshot
}

/** What a visitor may see: published or paused listings (paused ones say so); drafts and closed are hidden. */
export async function getPublicListing(listingId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(listingId)) return null
  const snapshot = await loadListingSnapshot(db, listingId)
  if (!snapshot || (snapshot.status !== 'published' && snapshot.status !== 'paused')) return null
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name, kind: organizations.kind, massOrgSubtype: organizations.massOrgSubtype, verifiedAt: organizations.verifiedAt })
    .from(organizations)
    .where(eq(organizations.id, snapshot.organizationId))
  return { ...snapshot, organization: org! }
}

/** Public listings of one organization (its profile page). */
export async function listActiveListingsOfOrganization(organizationId: string) {
  return db
    .select({ id: listings.id, kind: listings.kind, title: listings.title, regionCode: listings.regionCode, publishedAt: listings.publishedAt })
    .from(listings)
    .where(and(eq(listings.organizationId, organizationId), eq(listings.status, 'published')))
    .orderBy(desc(listings.publishedAt))
}

/** The index document of a published listing; null when the listing must not be searchable. */
export async function loadSearchDocument(executor: Executor, listingId: string): Promise<SearchDocument | null> {
  const snapshot = await loadListingSnapshot(executor, listingId)
  // Past its end date a listing is no longer offered: not searchable (a daily job drops those that end).
  if (!snapshot || snapshot.status !== 'published' || hasEnded(snapshot.endsOn)) return null
  const [org] = await executor.select({ name: organizations.name, kind: organizations.kind }).from(organizations).where(eq(organizations.id, snapshot.organizationId))
  const skillNames = snapshot.skills.length
    ? await executor
        .select({ nameZh: skills.nameZh, synonyms: skills.synonyms })
        .from(skills)
        .where(inArray(skills.code, snapshot.skills.map((s) => s.code)))
    : []
  const pathCodes = [2, 4, 6, 9, 12].filter((n) => n <= snapshot.regionCode.length).map((n) => snapshot.regionCode.slice(0, n))
  const pathNames = await executor.select({ code: regions.code, name: regions.name }).from(regions).where(inArray(regions.code, pathCodes)).orderBy(asc(regions.code))
  const d = snapshot.details as Record<string, unknown>
  const extra = [d.position, d.itemKind, d.certificate, d.schedule, ...skillNames.flatMap((s) => [s.nameZh, ...s.synonyms]), ...snapshot.milestones.map((ms) => ms.title)]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .join(' ')
  return {
    id: snapshot.id,
    version: snapshot.version,
    kind: snapshot.kind,
    organizationId: snapshot.organizationId,
    organizationName: org!.name,
    organizationKind: org!.kind,
    regionCode: snapshot.regionCode,
    regionNames: pathNames.map((r) => r.name).join(' '),
    categories: snapshot.categories,
    targetGroups: snapshot.targetGroups,
    title: snapshot.title,
    description: snapshot.description,
    extra,
    publishedAt: snapshot.publishedAt ?? snapshot.createdAt,
  }
}

/** Makes the index agree with the listing's current state (the search queue's job). */
export async function syncListingIndex(listingId: string) {
  const engine = getSearchEngine()
  const doc = await loadSearchDocument(db, listingId)
  if (doc) {
    await engine.index([doc])
    return { indexed: true, version: doc.version }
  }
  await engine.remove([listingId])
  return { indexed: false }
}

/** How far back the daily withdrawal looks for listings that ended (a worker down for days still catches up). */
const ENDED_CATCH_UP_DAYS = 30

/**
 * Daily (after midnight, China time): published listings whose end date has passed leave the search
 * index and lose their matches. They stay published, so their organization still completes the open
 * loops; applications, pledges and claims are refused by their own checks. Idempotent: removing what
 * is gone removes nothing. Recently ended listings are removed from any engine (Meilisearch keeps no
 * table to ask), older ones only while they still have matches.
 */
export async function withdrawEndedListings() {
  const ended = await db
    .select({ id: listings.id })
    .from(listings)
    .where(
      and(
        eq(listings.status, 'published'),
        sql`not ${notEnded(listings.endsOn)}`,
        or(sql`${listings.endsOn} >= ${chinaTodaySql} - ${ENDED_CATCH_UP_DAYS}::int`, sql`exists (select 1 from ${matches} m where m.listing_id = ${listings.id})`),
      ),
    )
    .orderBy(asc(listings.id))
  const ids = ended.map((r) => r.id)
  const engine = getSearchEngine()
  let matchesRemoved = 0
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500)
    await engine.remove(part)
    matchesRemoved += (await db.delete(matches).where(inArray(matches.listingId, part)).returning({ id: matches.id })).length
  }
  return { listings: ids.length, matchesRemoved }
}

/** Every published listing id, in batches (npm run reindex, seed). */
export async function* publishedListingIds(executor: Executor = db, batchSize = 500) {
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const rows = await executor
      .select({ id: listings.id })
      .from(listings)
      .where(and(eq(listings.status, 'published'), sql`${listings.id} > ${after}`))
      .orderBy(asc(listings.id))
      .limit(batchSize)
    if (!rows.length) return
    yield rows.map((r) => r.id)
    after = rows[rows.length - 1]!.id
  }
}

/** (Re)indexes every published listing into an engine; calls back after each batch. */
export async function indexPublishedListings(executor: Executor, engine: SearchEngine, onBatch: (done: number) => void = () => {}) {
  let done = 0
  for await (const ids of publishedListingIds(executor, 500)) {
    const docs: SearchDocument[] = []
    for (const id of ids) {
      const doc = await loadSearchDocument(executor, id)
      if (doc) docs.push(doc)
    }
    await engine.index(docs)
    done += ids.length
    onBatch(done)
  }
  return done
}

export async function countPublishedListings(executor: Executor = db) {
  const [row] = await executor.select({ n: sql<number>`count(*)::int` }).from(listings).where(eq(listings.status, 'published'))
  return row?.n ?? 0
}

/** Regions a listing can name (province … township), labelled with their full path. */
export async function listListingRegions() {
  const rows = await db
    .select({ code: regions.code, name: regions.name })
    .from(regions)
    .where(inArray(regions.level, ['province', 'city', 'county', 'township']))
    .orderBy(asc(regions.code))
  const names = new Map(rows.map((r) => [r.code, r.name]))
  return rows.map((r) => ({
    value: r.code,
    label: [2, 4, 6, 9].filter((n) => n <= r.code.length).map((n) => names.get(r.code.slice(0, n)) ?? '').filter(Boolean).join(' / '),
  }))
}

/** The skills taxonomy as form choices. */
export async function listSkillChoices() {
  return db.select({ code: skills.code, nameZh: skills.nameZh, nameEn: skills.nameEn }).from(skills).orderBy(asc(skills.domain), asc(skills.code))
}

/** A snapshot as the flat form values the edit form starts from (skills[0].code …). */
export function snapshotToFormValues(s: ListingSnapshot): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  const put = (key: string, value: unknown) => {
    if (value === null || value === undefined) return
    out[key] = Array.isArray(value) ? value.map(String) : typeof value === 'boolean' ? (value ? 'on' : '') : String(value)
  }
  for (const key of ['kind', 'title', 'description', 'regionCode', 'categories', 'targetGroups', 'startsOn', 'endsOn', 'capacity', 'contactMethod', 'ageMin', 'ageMax', 'minEducation', 'eligibleGender', 'accommodations'] as const)
    put(key, s[key])
  for (const [key, value] of Object.entries(s.details)) put(key, key === 'quantity' && typeof value === 'string' ? new Decimal(value).toString() : value)
  const taught = s.skills.filter((k) => k.role !== 'prerequisite')
  taught.forEach((k, i) => {
    put(`skills[${i}].code`, k.code)
    put(`skills[${i}].level`, k.level)
  })
  s.skills
    .filter((k) => k.role === 'prerequisite')
    .forEach((k, i) => {
      put(`prerequisiteSkills[${i}].code`, k.code)
      put(`prerequisiteSkills[${i}].level`, k.level)
    })
  s.milestones.forEach((ms, i) => {
    put(`milestones[${i}].title`, ms.title)
    put(`milestones[${i}].dueOn`, ms.dueOn)
    put(`milestones[${i}].budgetSharePercent`, new Decimal(ms.budgetSharePercent).toString())
    put(`milestones[${i}].evidenceRequired`, ms.evidenceRequired)
  })
  return out
}
