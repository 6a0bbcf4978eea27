// The closed loop (suggested → viewed → applied/invited → accepted/rejected → completed)
// for residents and organizations. Every query is scoped to the caller's household or organization.
import { and, desc, eq, inArray, isNull, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import {
  applications,
  distributions,
  householdMembers,
  households,
  ledgerLots,
  listings,
  matches,
  memberSkills,
  users,
  type ListingKind,
  type Reason,
} from '@db/schema'
import { enqueueScoreHousehold, enqueueScoreListing } from '@workers/queues/matching'
import type { Database, Transaction } from '@db/client'
import { db, prepared } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { hasEnded, notEnded } from './listing-dates'
import { isRejectReason, recordOutcome, reopenLoop, type RejectReason } from './outcomes.server'
import { regionPathNames } from './region.server'

export class ApplicationError extends Error {
  constructor(
    public key: string,
    public status = 400,
  ) {
    super(key)
  }
}

type Actor = { id: string; organizationId?: string | null }

// The resident's offers page runs these on every visit: prepared (see prepared()).
const ownHouseholdQuery = prepared((db) => db.select().from(households).where(eq(households.residentUserId, sql.placeholder('userId'))).prepare('own_household'))

/** The resident's household row (no members), or undefined before the account is linked. */
export async function ownHousehold(userId: string) {
  const [h] = await ownHouseholdQuery().execute({ userId })
  return h
}

type Offer = {
  matchId: string
  listingId: string
  title: string
  kind: ListingKind
  regionCode: string
  regionName: string
  score: number
  reasons: Reason[]
  memberName: string | null
  viewedAt: Date | null
  applicationId: string | null
  status: string | null
}

/**
 * Offers for the resident's household, best first, with reasons and the application status.
 * Opening the list is the "viewed" step for matches not seen before.
 */
/** Offers a resident sees per page: a phone screen's worth of cards with their reasons. */
export const OFFERS_PER_PAGE = 20

/** A page of a household's offers: matched, published, nothing blocking; the best first. */
function offersPage(db: Database, ofKind: boolean) {
  return db
    .select({
      matchId: matches.id,
      listingId: listings.id,
      title: listings.title,
      kind: listings.kind,
      regionCode: listings.regionCode,
      score: matches.score,
      reasons: matches.reasons,
      memberName: householdMembers.fullName,
      viewedAt: matches.viewedAt,
      applicationId: applications.id,
      status: applications.status,
    })
    .from(matches)
    .innerJoin(listings, eq(listings.id, matches.listingId))
    .leftJoin(householdMembers, eq(householdMembers.id, matches.memberId))
    .leftJoin(applications, and(eq(applications.listingId, matches.listingId), eq(applications.householdId, matches.householdId)))
    .where(
      and(
        eq(matches.householdId, sql.placeholder('householdId')),
        eq(listings.status, 'published'),
        notEnded(listings.endsOn),
        sql`jsonb_array_length(${matches.blockers}) = 0`,
        ofKind ? eq(listings.kind, sql.placeholder('kind')) : undefined,
      ),
    )
    .orderBy(desc(matches.score), listings.id)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(ofKind ? 'resident_offers_of_kind' : 'resident_offers')
}
const offersQuery = prepared((db) => offersPage(db, false))
const offersOfKindQuery = prepared((db) => offersPage(db, true))

export async function listOffersForResident(userId: string, filter: { kind?: ListingKind; page?: number } = {}) {
  const page = Math.max(1, Math.floor(filter.page ?? 1))
  const household = await ownHousehold(userId)
  if (!household) return { household: undefined, offers: [] as Offer[], applications: [] as Awaited<ReturnType<typeof residentApplications>>, page, hasMore: false }
  if (!household.consentGiven) return { household, offers: [] as Offer[], applications: await residentApplications(household.id), page, hasMore: false }
  const rows = await (filter.kind ? offersOfKindQuery() : offersQuery()).execute({
    householdId: household.id,
    kind: filter.kind ?? null,
    limit: OFFERS_PER_PAGE + 1,
    offset: (page - 1) * OFFERS_PER_PAGE,
  })
  const hasMore = rows.length > OFFERS_PER_PAGE
  rows.length = Math.min(rows.length, OFFERS_PER_PAGE)
  const unseen = rows.filter((r) => !r.viewedAt).map((r) => r.matchId)
  if (unseen.length) await db.update(matches).set({ viewedAt: new Date() }).where(and(inArray(matches.id, unseen), isNull(matches.viewedAt)))
  const names = await regionPathNames(rows.map((r) => r.regionCode))
  return {
    household,
    offers: rows.map((r): Offer => ({ ...r, regionName: names.get(r.regionCode) ?? r.regionCode })),
    applications: await residentApplications(household.id),
    page,
    hasMore,
  }
}

/**
 * SQL: items of the listing were handed to the household (signed for or on their way), so its
 * application can no longer be withdrawn. A hand-over called back or expired (its hold voided) gave nothing.
 */
function itemsReceived(householdId: SQLWrapper | string, listingId: SQLWrapper | string) {
  return sql<boolean>`exists (select 1 from ${distributions} d join ${ledgerLots} lot on lot.id = d.lot_id
    where d.household_id = ${householdId} and lot.listing_id = ${listingId}
      and not exists (select 1 from ledger_transfers r where r.pending_id = d.pending_transfer_id and r.void_pending))`
}

const residentApplicationsQuery = prepared((db) =>
  db
    .select({
      id: applications.id,
      listingId: applications.listingId,
      title: listings.title,
      kind: listings.kind,
      status: applications.status,
      updatedAt: applications.updatedAt,
      received: itemsReceived(applications.householdId, applications.listingId),
    })
    .from(applications)
    .innerJoin(listings, eq(listings.id, applications.listingId))
    .where(eq(applications.householdId, sql.placeholder('householdId')))
    .orderBy(desc(applications.updatedAt))
    .prepare('resident_applications'),
)

async function residentApplications(householdId: string) {
  return residentApplicationsQuery().execute({ householdId })
}

/** One-click application: the household file is the application (一窗受理). */
export async function applyToListing(actor: Actor, listingId: string) {
  return db.transaction(async (tx) => {
    const [household] = await tx.select().from(households).where(eq(households.residentUserId, actor.id)).for('update')
    if (!household) throw new ApplicationError('matching:errors.not_found', 404)
    if (!household.consentGiven) throw new ApplicationError('matching:errors.no_consent', 403)
    const [listing] = await tx.select().from(listings).where(eq(listings.id, listingId))
    if (!listing || listing.status !== 'published') throw new ApplicationError('matching:errors.listing_closed', 409)
    if (hasEnded(listing.endsOn)) throw new ApplicationError('matching:errors.listing_ended', 409)
    const [match] = await tx.select().from(matches).where(and(eq(matches.listingId, listingId), eq(matches.householdId, household.id)))
    if (!match || (match.blockers as Reason[]).length) throw new ApplicationError('matching:errors.not_found', 404)
    const [existing] = await tx.select().from(applications).where(and(eq(applications.listingId, listingId), eq(applications.householdId, household.id)))
    const now = new Date()
    if (existing && existing.status !== 'withdrawn') throw new ApplicationError('matching:errors.not_allowed', 409)
    const values = {
      householdId: household.id,
      memberId: match.memberId,
      listingId,
      status: 'applied' as const,
      score: match.score,
      reasons: match.reasons,
      suggestedAt: match.computedAt,
      viewedAt: match.viewedAt ?? now,
      appliedAt: now,
      updatedById: actor.id,
      updatedAt: now,
    }
    const [row] = existing
      ? await tx.update(applications).set(values).where(eq(applications.id, existing.id)).returning()
      : await tx.insert(applications).values(values).returning()
    if (existing) await reopenLoop(tx, existing.id)
    await recordAudit(tx, { actor: { id: actor.id }, action: 'application.apply', entityType: 'application', entityId: row!.id, after: { listingId, householdId: household.id } })
    return row!
  })
}

/**
 * An application and its listing, both locked FOR UPDATE in the order closing a listing takes them: the
 * listing first, then the application (closing locks the listing, then ends its open applications). `scope`
 * says whose application it is (joined with households); null when there is none in scope.
 */
async function lockApplicationWithListing(tx: Transaction, applicationId: string, scope: SQL) {
  const [peek] = await tx
    .select({ listingId: applications.listingId })
    .from(applications)
    .innerJoin(households, eq(households.id, applications.householdId))
    .where(scope)
  if (!peek) return null
  const [l] = await tx.select().from(listings).where(eq(listings.id, peek.listingId)).for('update')
  const [a] = await tx.select().from(applications).where(eq(applications.id, applicationId)).for('update')
  return a && l ? { a, l } : null
}

/**
 * Refuses an acceptance when the listing has no place left. The caller holds the listing row
 * locked (FOR UPDATE), so two acceptances for the last place cannot both count the same places.
 */
async function assertPlaceLeft(tx: Transaction, listing: typeof listings.$inferSelect) {
  if (listing.capacity === null) return
  const [{ n } = { n: 0 }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(applications)
    .where(and(eq(applications.listingId, listing.id), inArray(applications.status, ['accepted', 'completed'])))
  if (n >= listing.capacity) throw new ApplicationError('matching:errors.capacity_full', 409)
}

/**
 * The resident accepts or declines an organization's invitation. Accepting takes a place as the
 * organization's own acceptance does (refused when none is left or the listing closed), and both
 * the listing and the household are rescored after commit (remaining places, active assistance).
 */
export async function respondToInvitation(actor: Actor, applicationId: string, accept: boolean) {
  const changed = await db.transaction(async (tx) => {
    const row = await lockApplicationWithListing(tx, applicationId, and(eq(applications.id, applicationId), eq(households.residentUserId, actor.id))!)
    if (!row) throw new ApplicationError('matching:errors.not_found', 404)
    if (row.a.status !== 'invited') throw new ApplicationError('matching:errors.not_allowed', 409)
    if (accept && row.l.status !== 'published') throw new ApplicationError('matching:errors.listing_closed', 409)
    if (accept && hasEnded(row.l.endsOn)) throw new ApplicationError('matching:errors.listing_ended', 409)
    if (accept) await assertPlaceLeft(tx, row.l)
    const now = new Date()
    await tx
      .update(applications)
      .set(accept ? { status: 'accepted', acceptedAt: now, updatedById: actor.id, updatedAt: now } : { status: 'declined', declinedAt: now, updatedById: actor.id, updatedAt: now })
      .where(eq(applications.id, applicationId))
    if (!accept) await recordOutcome(tx, { applicationId, outcome: 'declined_by_resident', wasAccepted: false, closedById: actor.id, closedAt: now })
    await recordAudit(tx, { actor: { id: actor.id }, action: accept ? 'application.accept_invitation' : 'application.decline_invitation', entityType: 'application', entityId: applicationId })
    const [h] = await tx.select({ version: households.version }).from(households).where(eq(households.id, row.a.householdId))
    return { listing: row.l, householdId: row.a.householdId, householdVersion: h!.version }
  })
  if (accept) {
    const tag = `${applicationId}-accept-invitation`
    await enqueueScoreListing(changed.listing.id, changed.listing.version, tag)
    await enqueueScoreHousehold(changed.householdId, changed.householdVersion, tag)
  }
}

/**
 * The resident withdraws an application (also after being accepted): the loop closes as
 * declined by the resident. They may apply again while the listing is open.
 */
export async function withdrawApplication(actor: Actor, applicationId: string) {
  const changed = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ a: applications })
      .from(applications)
      .innerJoin(households, eq(households.id, applications.householdId))
      .where(and(eq(applications.id, applicationId), eq(households.residentUserId, actor.id)))
      .for('update')
    if (!row) throw new ApplicationError('matching:errors.not_found', 404)
    if (row.a.status !== 'applied' && row.a.status !== 'accepted') throw new ApplicationError('matching:errors.not_allowed', 409)
    const [handed] = await tx.execute<{ received: boolean }>(sql`select ${itemsReceived(row.a.householdId, row.a.listingId)} as received`)
    if (handed?.received) throw new ApplicationError('matching:errors.already_received', 409)
    const now = new Date()
    await tx.update(applications).set({ status: 'withdrawn', withdrawnAt: now, updatedById: actor.id, updatedAt: now }).where(eq(applications.id, applicationId))
    await recordOutcome(tx, { applicationId, outcome: 'declined_by_resident', wasAccepted: row.a.status === 'accepted', closedById: actor.id, closedAt: now })
    await recordAudit(tx, { actor: { id: actor.id }, action: 'application.withdraw', entityType: 'application', entityId: applicationId, before: { status: row.a.status }, after: { status: 'withdrawn' } })
    const [l] = await tx.select({ id: listings.id, version: listings.version }).from(listings).where(eq(listings.id, row.a.listingId))
    const [h] = await tx.select({ version: households.version }).from(households).where(eq(households.id, row.a.householdId))
    return { wasAccepted: row.a.status === 'accepted', listing: l!, householdId: row.a.householdId, householdVersion: h!.version }
  })
  if (changed.wasAccepted) {
    const tag = `${applicationId}-withdraw`
    await enqueueScoreListing(changed.listing.id, changed.listing.version, tag)
    await enqueueScoreHousehold(changed.householdId, changed.householdVersion, tag)
  }
}

async function ownListing(actor: Actor, listingId: string) {
  const [listing] = await db.select().from(listings).where(eq(listings.id, listingId))
  if (!listing || !actor.organizationId || listing.organizationId !== actor.organizationId) throw new ApplicationError('matching:errors.not_found', 404)
  return listing
}

export function ageBand(age: number) {
  const from = Math.floor(age / 10) * 10
  return { from, to: from + 9 }
}

/**
 * Identity is revealed once the candidate applied, or accepted an invitation, and stays revealed
 * through the organization's decision (it needs the name to hire or to record a rejection). A
 * resident who withdraws is masked again: withdrawing takes back the consent that applying gave.
 */
export function revealed(a: { status: string; appliedAt: Date | string | null; invitedAt: Date | string | null; acceptedAt: Date | string | null } | null) {
  return Boolean(a && a.status !== 'withdrawn' && (a.appliedAt || (a.invitedAt && a.acceptedAt)))
}

/**
 * Matched candidates of an organization's listing, best first, MASKED (surname + 某, village,
 * age band, skills, reasons) unless the candidate applied or accepted an invitation.
 */
export async function listCandidates(actor: Actor, listingId: string) {
  const listing = await ownListing(actor, listingId)
  const base = {
    regionCode: households.regionCode,
    address: households.address,
    fullName: householdMembers.fullName,
    birthDate: householdMembers.birthDate,
    phone: users.phone,
    application: applications,
  }
  // Households in the loop (applied / invited / accepted …) stay listed even when a rescore
  // no longer keeps their match (e.g. the last place was just filled by them).
  const inLoop = await db
    .select({
      ...base,
      householdId: applications.householdId,
      memberId: applications.memberId,
      score: sql<number>`coalesce(${matches.score}, ${applications.score}, 0)`,
      reasons: sql<Reason[]>`coalesce(${matches.reasons}, ${applications.reasons})`,
    })
    .from(applications)
    .innerJoin(households, eq(households.id, applications.householdId))
    .leftJoin(householdMembers, eq(householdMembers.id, applications.memberId))
    .leftJoin(users, eq(users.id, households.residentUserId))
    .leftJoin(matches, and(eq(matches.listingId, applications.listingId), eq(matches.householdId, applications.householdId)))
    .where(and(eq(applications.listingId, listingId), eq(households.consentGiven, true)))
  const suggested = await db
    .select({ ...base, householdId: matches.householdId, memberId: matches.memberId, score: matches.score, reasons: matches.reasons })
    .from(matches)
    .innerJoin(households, eq(households.id, matches.householdId))
    .leftJoin(householdMembers, eq(householdMembers.id, matches.memberId))
    .leftJoin(users, eq(users.id, households.residentUserId))
    .leftJoin(applications, and(eq(applications.listingId, matches.listingId), eq(applications.householdId, matches.householdId)))
    .where(and(eq(matches.listingId, listingId), eq(households.consentGiven, true), isNull(applications.id), sql`jsonb_array_length(${matches.blockers}) = 0`))
    .orderBy(desc(matches.score), matches.householdId)
    .limit(200)
  const rows = [...inLoop, ...suggested].sort((a, b) => b.score - a.score || (a.householdId < b.householdId ? -1 : 1))
  // Head of household for household-level offers (no member on the match).
  const heads = await db
    .select({ householdId: householdMembers.householdId, fullName: householdMembers.fullName, birthDate: householdMembers.birthDate })
    .from(householdMembers)
    .where(and(inArray(householdMembers.householdId, rows.length ? rows.map((r) => r.householdId) : ['00000000-0000-0000-0000-000000000000']), eq(householdMembers.isHead, true)))
  const memberIds = rows.map((r) => r.memberId).filter((x): x is string => Boolean(x))
  const skillRows = memberIds.length ? await db.select().from(memberSkills).where(inArray(memberSkills.memberId, memberIds)) : []
  const names = await regionPathNames(rows.map((r) => r.regionCode))
  const now = new Date()
  return {
    listing,
    candidates: rows.map((r) => {
      const head = heads.find((h) => h.householdId === r.householdId)
      const fullName = r.fullName ?? head?.fullName ?? ''
      const birth = r.birthDate ?? head?.birthDate ?? '1970-01-01'
      const age = now.getUTCFullYear() - Number(birth.slice(0, 4))
      const open = revealed(r.application)
      return {
        householdId: r.householdId,
        score: r.score,
        reasons: r.reasons,
        surname: fullName.slice(0, 1),
        fullName: open ? fullName : null,
        phone: open ? r.phone : null,
        address: open ? r.address : null,
        region: names.get(r.regionCode) ?? r.regionCode,
        ageBand: ageBand(age),
        skills: skillRows.filter((s) => s.memberId === r.memberId).map((s) => ({ code: s.skillCode, level: s.level })),
        applicationId: r.application?.id ?? null,
        status: r.application?.status ?? null,
      }
    }),
  }
}

/** The organization invites a matched candidate (still masked until they accept). */
export async function inviteCandidate(actor: Actor, listingId: string, householdId: string) {
  await ownListing(actor, listingId)
  return db.transaction(async (tx) => {
    const [match] = await tx
      .select()
      .from(matches)
      .innerJoin(households, eq(households.id, matches.householdId))
      .where(and(eq(matches.listingId, listingId), eq(matches.householdId, householdId), eq(households.consentGiven, true)))
    if (!match) throw new ApplicationError('matching:errors.not_found', 404)
    const [existing] = await tx.select().from(applications).where(and(eq(applications.listingId, listingId), eq(applications.householdId, householdId)))
    if (existing) throw new ApplicationError('matching:errors.not_allowed', 409)
    const now = new Date()
    const [row] = await tx
      .insert(applications)
      .values({
        householdId,
        memberId: match.matches.memberId,
        listingId,
        status: 'invited',
        score: match.matches.score,
        reasons: match.matches.reasons,
        suggestedAt: match.matches.computedAt,
        viewedAt: match.matches.viewedAt,
        invitedAt: now,
        updatedById: actor.id,
      })
      .returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: 'application.invite', entityType: 'application', entityId: row!.id, after: { listingId } })
    return row!
  })
}

const transitions = {
  accept: { from: ['applied'], to: 'accepted', stamp: 'acceptedAt' },
  reject: { from: ['applied', 'accepted'], to: 'rejected', stamp: 'rejectedAt' },
  complete: { from: ['accepted'], to: 'completed', stamp: 'completedAt' },
} as const

/**
 * The organization accepts or rejects an application, or marks it completed (hired, enrolled, received).
 * Rejecting requires a reason (could not reach the resident, no capacity, offer withdrawn); rejecting
 * and completing close the loop with that outcome code in the same transaction.
 */
export async function decideApplication(actor: Actor, applicationId: string, decision: keyof typeof transitions, options: { reason?: RejectReason | string | null; note?: string } = {}) {
  if (decision === 'reject' && !isRejectReason(options.reason)) throw new ApplicationError('evaluation:errors.reject_reason_required', 400)
  const changed = await db.transaction(async (tx) => {
    const row = await lockApplicationWithListing(tx, applicationId, eq(applications.id, applicationId))
    if (!row || !actor.organizationId || row.l.organizationId !== actor.organizationId) throw new ApplicationError('matching:errors.not_found', 404)
    const t = transitions[decision]
    if (!(t.from as readonly string[]).includes(row.a.status)) throw new ApplicationError('matching:errors.not_allowed', 409)
    if (decision === 'accept') await assertPlaceLeft(tx, row.l)
    const now = new Date()
    await tx.update(applications).set({ status: t.to, [t.stamp]: now, updatedById: actor.id, updatedAt: now }).where(eq(applications.id, applicationId))
    const outcome = decision === 'complete' ? 'completed' : decision === 'reject' ? (options.reason as RejectReason) : null
    if (outcome) await recordOutcome(tx, { applicationId, outcome, wasAccepted: row.a.status === 'accepted', closedById: actor.id, note: options.note, closedAt: now })
    await recordAudit(tx, {
      actor: { id: actor.id },
      action: `application.${decision}`,
      entityType: 'application',
      entityId: applicationId,
      before: { status: row.a.status },
      after: { status: t.to, ...(outcome ? { outcome } : {}) },
    })
    const [h] = await tx.select({ version: households.version }).from(households).where(eq(households.id, row.a.householdId))
    return { listing: row.l, householdId: row.a.householdId, householdVersion: h!.version }
  })
  // Accepting or rejecting changes remaining capacity (listing) and active assistance (fairness, household).
  const tag = `${applicationId}-${decision}`
  await enqueueScoreListing(changed.listing.id, changed.listing.version, tag)
  await enqueueScoreHousehold(changed.householdId, changed.householdVersion, tag)
}

/** The organization's published listings with their match counts. */
export async function listOrganizationListings(organizationId: string) {
  return db
    .select({
      id: listings.id,
      title: listings.title,
      kind: listings.kind,
      status: listings.status,
      matchCount: sql<number>`(select count(*)::int from matches m join households h on h.id = m.household_id where m.listing_id = "listings"."id" and h.consent_given and jsonb_array_length(m.blockers) = 0)`,
    })
    .from(listings)
    .where(eq(listings.organizationId, organizationId))
    .orderBy(desc(listings.createdAt))
    .limit(200)
}

/** Matches and applications of one household (caseworker view; scope checked by the caller's model). */
export async function householdMatchesAndApplications(householdId: string) {
  const ms = await db
    .select({ listingId: listings.id, title: listings.title, kind: listings.kind, score: matches.score, reasons: matches.reasons, status: applications.status })
    .from(matches)
    .innerJoin(listings, eq(listings.id, matches.listingId))
    .leftJoin(applications, and(eq(applications.listingId, matches.listingId), eq(applications.householdId, matches.householdId)))
    .where(eq(matches.householdId, householdId))
    .orderBy(desc(matches.score))
    .limit(50)
  return { matches: ms, applications: await residentApplications(householdId) }
}
