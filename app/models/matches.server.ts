// Matching I/O: candidate generation in SQL, loading flat scoring inputs, storing the top
// matches idempotently, the batched full rescore. Scoring itself is pure (matching.server.ts).
import { and, asc, eq, gt, inArray, isNotNull, notInArray, sql, type AnyColumn } from 'drizzle-orm'
import type { Executor } from '@db/client'
import {
  activeAssistanceStatuses,
  applications,
  householdMembers,
  householdNeeds,
  households,
  jobDetails,
  listings,
  listingSkills,
  matches,
  memberSkills,
  rescoreRuns,
  skills,
  trainingDetails,
  donationDetails,
  type EmploymentStatus,
} from '@db/schema'
import { db } from '~/utils/db.server'
import { isEligible, scorePair, type MatchListing, type PairScore, type ScoringContext, type Subject, type SubjectMember } from './matching.server'

/** How many matches a listing keeps (best first), and a household keeps from its own rescore. */
export const TOP_PER_LISTING = 200
export const TOP_PER_HOUSEHOLD = 50
const HOUSEHOLD_BATCH = 2000
const LOAD_CONCURRENCY = 3

let cachedContext: { at: number; ctx: ScoringContext } | undefined
export async function scoringContext(executor: Executor = db): Promise<ScoringContext> {
  if (cachedContext && Date.now() - cachedContext.at < 60_000) return cachedContext.ctx
  const rows = await executor.select({ code: skills.code, domain: skills.domain }).from(skills)
  cachedContext = { at: Date.now(), ctx: { skillDomains: new Map(rows.map((r) => [r.code, r.domain])) } }
  return cachedContext.ctx
}

/** `col = any($1::uuid[])`: one bind parameter however many ids (inArray binds one per id). */
function anyUuid(column: AnyColumn, ids: string[]) {
  return sql`${column} = any(${sql.param(ids)}::uuid[])`
}

const unavailable: EmploymentStatus[] = ['student', 'retired', 'unable']

function ageOn(birthDate: string, now: Date) {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number]
  let age = now.getUTCFullYear() - y
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--
  return age
}

/** Flat scoring inputs for a set of households (4 queries, whatever the count). */
export async function loadSubjects(executor: Executor, ids: string[], now = new Date()): Promise<Subject[]> {
  if (ids.length === 0) return []
  const [hs, ms, ss, ns, active] = await Promise.all([
    executor
      .select({
        id: households.id,
        version: households.version,
        regionCode: households.regionCode,
        riskTier: households.riskTier,
        singleParent: households.singleParent,
        leftBehindChild: households.leftBehindChild,
        leftBehindElderly: households.leftBehindElderly,
      })
      .from(households)
      .where(anyUuid(households.id, ids)),
    executor
      .select({
        id: householdMembers.id,
        householdId: householdMembers.householdId,
        birthDate: householdMembers.birthDate,
        gender: householdMembers.gender,
        education: householdMembers.education,
        disabilityGrade: householdMembers.disabilityGrade,
        usesWheelchair: householdMembers.usesWheelchair,
        workRadius: householdMembers.workRadius,
        remoteOnly: householdMembers.remoteOnly,
        needsChildcareHours: householdMembers.needsChildcareHours,
        employmentStatus: householdMembers.employmentStatus,
      })
      .from(householdMembers)
      .where(anyUuid(householdMembers.householdId, ids)),
    executor
      .select({ memberId: memberSkills.memberId, code: memberSkills.skillCode, level: memberSkills.level })
      .from(memberSkills)
      .innerJoin(householdMembers, eq(householdMembers.id, memberSkills.memberId))
      .where(anyUuid(householdMembers.householdId, ids)),
    executor
      .select({ householdId: householdNeeds.householdId, category: householdNeeds.category, priority: householdNeeds.priority })
      .from(householdNeeds)
      .where(anyUuid(householdNeeds.householdId, ids)),
    executor
      .select({ householdId: applications.householdId, n: sql<number>`count(*)::int` })
      .from(applications)
      .where(
        and(
          anyUuid(applications.householdId, ids),
          inArray(applications.status, [...activeAssistanceStatuses]),
          sql`coalesce(${applications.completedAt}, ${applications.acceptedAt}) > now() - interval '12 months'`,
        ),
      )
      .groupBy(applications.householdId),
  ])
  const skillsBy = new Map<string, SubjectMember['skills']>()
  for (const s of ss) (skillsBy.get(s.memberId) ?? skillsBy.set(s.memberId, []).get(s.memberId)!).push({ code: s.code, level: s.level })
  const membersBy = new Map<string, SubjectMember[]>()
  const disabledBy = new Set<string>()
  const womenBy = new Set<string>()
  const over45Unemployed = new Set<string>()
  for (const m of ms) {
    const age = ageOn(m.birthDate, now)
    if (m.disabilityGrade !== null) disabledBy.add(m.householdId)
    if (m.gender === 'female') womenBy.add(m.householdId)
    if (age > 45 && m.employmentStatus === 'unemployed') over45Unemployed.add(m.householdId)
    const list = membersBy.get(m.householdId) ?? membersBy.set(m.householdId, []).get(m.householdId)!
    list.push({
      id: m.id,
      age,
      gender: m.gender,
      education: m.education,
      disabilityGrade: m.disabilityGrade,
      usesWheelchair: m.usesWheelchair,
      workRadius: m.workRadius,
      remoteOnly: m.remoteOnly,
      needsChildcareHours: m.needsChildcareHours,
      available: age >= 16 && age <= 65 && !unavailable.includes(m.employmentStatus),
      skills: skillsBy.get(m.id) ?? [],
    })
  }
  const needsBy = new Map<string, Subject['needs']>()
  for (const n of ns) (needsBy.get(n.householdId) ?? needsBy.set(n.householdId, []).get(n.householdId)!).push({ category: n.category, priority: n.priority })
  const activeBy = new Map(active.map((a) => [a.householdId, a.n]))
  return hs.map((h) => {
    const groups: string[] = []
    if (disabledBy.has(h.id)) groups.push('disabled_persons')
    if (h.singleParent && womenBy.has(h.id)) groups.push('single_mothers')
    if (h.leftBehindChild) groups.push('left_behind_children')
    if (h.leftBehindElderly) groups.push('left_behind_elderly')
    if (over45Unemployed.has(h.id)) groups.push('unemployed_over_45')
    if (h.regionCode.slice(9, 10) === '2' || h.riskTier !== 'C') groups.push('rural_low_income')
    return {
      id: h.id,
      version: h.version,
      regionCode: h.regionCode,
      riskTier: h.riskTier,
      needs: needsBy.get(h.id) ?? [],
      targetGroups: groups,
      activeAssistance: activeBy.get(h.id) ?? 0,
      members: membersBy.get(h.id) ?? [],
    }
  })
}

type ListingRow = { listing: MatchListing; status: string }

/** Flat scoring inputs for listings (workplace region for jobs; remote from the job or training). */
export async function loadListings(executor: Executor, ids: string[]): Promise<ListingRow[]> {
  if (ids.length === 0) return []
  const rows = await executor
    .select({
      l: listings,
      workplace: jobDetails.workplaceRegionCode,
      delivery: trainingDetails.delivery,
      donationRegion: donationDetails.deliveryRegionCode,
      taken: sql<number>`(select count(*)::int from applications a where a.listing_id = "listings"."id" and a.status in ('accepted','completed'))`,
    })
    .from(listings)
    .leftJoin(jobDetails, eq(jobDetails.listingId, listings.id))
    .leftJoin(trainingDetails, eq(trainingDetails.listingId, listings.id))
    .leftJoin(donationDetails, eq(donationDetails.listingId, listings.id))
    .where(inArray(listings.id, ids))
  const ls = await executor.select().from(listingSkills).where(inArray(listingSkills.listingId, ids))
  return rows.map(({ l, workplace, delivery, donationRegion, taken }) => ({
    status: l.status,
    listing: {
      id: l.id,
      version: l.version,
      kind: l.kind,
      regionCode: workplace ?? donationRegion ?? l.regionCode,
      categories: l.categories,
      targetGroups: l.targetGroups,
      capacity: l.capacity,
      taken,
      ageMin: l.ageMin,
      ageMax: l.ageMax,
      minEducation: l.minEducation,
      eligibleGender: l.eligibleGender,
      accommodations: l.accommodations,
      remote: l.kind === 'job' ? l.accommodations.includes('remote_possible') : delivery === 'remote',
      skills: ls.filter((s) => s.listingId === l.id).map((s) => ({ code: s.skillCode, role: s.role, level: s.level })),
    },
  }))
}

/**
 * Candidate households for a listing, in SQL: consenting households with a need the listing
 * serves, in reach (same province as the listing's place, or anywhere for remote offers
 * and for members willing to work anywhere). Ids only; inputs are loaded in chunks.
 */
async function candidateIds(executor: Executor, l: MatchListing): Promise<string[]> {
  const province = l.regionCode.slice(0, 2)
  const reach = l.remote
    ? sql`true`
    : l.kind === 'job'
      ? sql`(h.region_code like ${province + '%'} or exists (select 1 from household_members m where m.household_id = h.id and m.work_radius = 'anywhere'))`
      : sql`h.region_code like ${province + '%'}`
  const rows = await executor.execute<{ id: string }>(sql`
    select h.id from households h
    where h.consent_given
      and ${reach}
      and exists (select 1 from household_needs n where n.household_id = h.id and n.category = any(${sql.param(l.categories)}::text[]))
    order by h.id`)
  return rows.map((r) => r.id)
}

type Scored = { subject: Subject; result: PairScore }

function rowOf(listing: MatchListing, s: Scored) {
  return {
    householdId: s.subject.id,
    memberId: s.result.memberId,
    listingId: listing.id,
    score: s.result.score,
    reasons: s.result.reasons,
    blockers: s.result.blockers,
    listingVersion: listing.version,
    householdVersion: s.subject.version,
  }
}

/** Upserts rows; a row whose score, reasons and versions are unchanged is not written again. */
async function upsertMatches(executor: Executor, rows: ReturnType<typeof rowOf>[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await executor
      .insert(matches)
      .values(rows.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [matches.listingId, matches.householdId],
        set: {
          memberId: sql`excluded.member_id`,
          score: sql`excluded.score`,
          reasons: sql`excluded.reasons`,
          blockers: sql`excluded.blockers`,
          listingVersion: sql`excluded.listing_version`,
          householdVersion: sql`excluded.household_version`,
          computedAt: sql`now()`,
        },
        setWhere: sql`(${matches.score}, ${matches.reasons}, ${matches.listingVersion}, ${matches.householdVersion}, ${matches.memberId})
          is distinct from (excluded.score, excluded.reasons, excluded.listing_version, excluded.household_version, excluded.member_id)`,
      })
  }
}

/** Keeps the best `n` by score (stable on household id, so reruns pick the same set). */
function pushTop(top: Scored[], s: Scored, n: number) {
  top.push(s)
  if (top.length > n * 2) {
    top.sort(byScore)
    top.length = n
  }
}
const byScore = (a: Scored, b: Scored) => b.result.score - a.result.score || (a.subject.id < b.subject.id ? -1 : 1)

export type ScoreListingResult = { status: 'scored' | 'removed' | 'missing'; candidates: number; stored: number }

/** Scores a listing against its candidates and stores its top matches; unpublished → matches removed. */
export async function scoreListing(listingId: string, options: { top?: number } = {}): Promise<ScoreListingResult> {
  const [row] = await loadListings(db, [listingId])
  if (!row) return { status: 'missing', candidates: 0, stored: 0 }
  if (row.status !== 'published') {
    await removeListingMatches(listingId)
    return { status: 'removed', candidates: 0, stored: 0 }
  }
  const ctx = await scoringContext()
  const n = options.top ?? TOP_PER_LISTING
  const top: Scored[] = []
  // All candidate ids in one query, then flat inputs loaded a few chunks at a time in parallel.
  const ids = await candidateIds(db, row.listing)
  const chunks: string[][] = []
  for (let i = 0; i < ids.length; i += HOUSEHOLD_BATCH) chunks.push(ids.slice(i, i + HOUSEHOLD_BATCH))
  for (let i = 0; i < chunks.length; i += LOAD_CONCURRENCY) {
    const loaded = await Promise.all(chunks.slice(i, i + LOAD_CONCURRENCY).map((c) => loadSubjects(db, c)))
    for (const subjects of loaded) {
      for (const subject of subjects) {
        const result = scorePair(subject, row.listing, ctx)
        if (isEligible(result)) pushTop(top, { subject, result }, n)
      }
    }
  }
  const candidates = ids.length
  top.sort(byScore)
  top.length = Math.min(top.length, n)
  const rows = top.map((s) => rowOf(row.listing, s))
  await db.transaction(async (tx) => {
    // Re-check under lock: a listing closed meanwhile keeps no matches.
    const [current] = await tx.select({ status: listings.status }).from(listings).where(eq(listings.id, listingId)).for('share')
    if (current?.status !== 'published') {
      await tx.delete(matches).where(eq(matches.listingId, listingId))
      return
    }
    const keep = rows.map((r) => r.householdId)
    await tx.delete(matches).where(and(eq(matches.listingId, listingId), keep.length ? notInArray(matches.householdId, keep) : undefined))
    await upsertMatches(tx, rows)
  })
  return { status: 'scored', candidates, stored: rows.length }
}

/** Published listings that could reach a household (the inverse of candidateIds). */
async function candidateListingIds(executor: Executor, s: Subject): Promise<string[]> {
  const province = s.regionCode.slice(0, 2)
  const categories = s.needs.map((n) => n.category)
  if (categories.length === 0) return []
  const anywhere = s.members.some((m) => m.workRadius === 'anywhere')
  const rows = await executor.execute<{ id: string }>(sql`
    select l.id from listings l
      left join job_details j on j.listing_id = l.id
      left join training_details t on t.listing_id = l.id
      left join donation_details d on d.listing_id = l.id
    where l.status = 'published'
      and l.categories && ${sql.param(categories)}::text[]
      and (coalesce(j.workplace_region_code, d.delivery_region_code, l.region_code) like ${province + '%'}
           or (l.kind = 'job' and 'remote_possible' = any(l.accommodations))
           or t.delivery = 'remote'
           ${anywhere ? sql`or l.kind = 'job'` : sql``})`)
  return rows.map((r) => r.id)
}

export type ScoreHouseholdResult = { status: 'scored' | 'removed' | 'missing'; candidates: number; stored: number }

/** Rescores one household against open listings; without consent its matches are removed. */
export async function scoreHousehold(householdId: string): Promise<ScoreHouseholdResult> {
  const [subject] = await loadSubjects(db, [householdId])
  if (!subject) return { status: 'missing', candidates: 0, stored: 0 }
  const [h] = await db.select({ consent: households.consentGiven }).from(households).where(eq(households.id, householdId))
  if (!h?.consent) {
    await db.delete(matches).where(eq(matches.householdId, householdId))
    return { status: 'removed', candidates: 0, stored: 0 }
  }
  const ctx = await scoringContext()
  const listingIds = await candidateListingIds(db, subject)
  const scored: Array<{ listing: MatchListing; result: PairScore }> = []
  for (let i = 0; i < listingIds.length; i += 500) {
    for (const { listing } of await loadListings(db, listingIds.slice(i, i + 500))) {
      const result = scorePair(subject, listing, ctx)
      if (isEligible(result)) scored.push({ listing, result })
    }
  }
  scored.sort((a, b) => b.result.score - a.result.score || (a.listing.id < b.listing.id ? -1 : 1))
  scored.length = Math.min(scored.length, TOP_PER_HOUSEHOLD)
  const rows = scored.map((s) => rowOf(s.listing, { subject, result: s.result }))
  await db.transaction(async (tx) => {
    const [current] = await tx.select({ consent: households.consentGiven }).from(households).where(eq(households.id, householdId)).for('share')
    // Scores were computed before this transaction: a place filled meanwhile (an application
    // accepted while we scored) must not be written back over the listing's fresher rescore.
    // Accepting locks the listing FOR UPDATE, so our share lock waits for it; the count runs
    // as a separate statement so it sees what that transaction committed.
    const ids = rows.map((r) => r.listingId)
    const full = new Set<string>()
    if (ids.length > 0) {
      await tx.select({ id: listings.id }).from(listings).where(inArray(listings.id, ids)).orderBy(asc(listings.id)).for('share')
      const filled = await tx
        .select({ id: listings.id })
        .from(listings)
        .where(
          and(
            inArray(listings.id, ids),
            isNotNull(listings.capacity),
            sql`${listings.capacity} <= (select count(*) from ${applications} a
                 where a.listing_id = ${listings.id} and a.status in ('accepted', 'completed') and a.household_id <> ${householdId})`,
          ),
        )
      for (const f of filled) full.add(f.id)
    }
    const fresh = rows.filter((r) => !full.has(r.listingId))
    const keep = current?.consent ? fresh.map((r) => r.listingId) : []
    await tx.delete(matches).where(and(eq(matches.householdId, householdId), keep.length ? notInArray(matches.listingId, keep) : undefined))
    if (current?.consent) await upsertMatches(tx, fresh)
  })
  return { status: 'scored', candidates: listingIds.length, stored: rows.length }
}

export async function removeListingMatches(listingId: string) {
  const removed = await db.delete(matches).where(eq(matches.listingId, listingId)).returning({ id: matches.id })
  return { removed: removed.length }
}

/**
 * One batch of a full rescore: the next `batchSize` published listings after the run's
 * stored cursor. The cursor is saved after each listing, so an interrupted run resumes there.
 */
export async function rescoreBatch(runId: string, batchSize: number) {
  await db.insert(rescoreRuns).values({ id: runId }).onConflictDoNothing()
  const [run] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
  if (run!.finishedAt) return { done: true, scored: run!.scored, batches: 0 }
  const next = await db
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.status, 'published'), run!.cursor ? gt(listings.id, run!.cursor) : undefined))
    .orderBy(asc(listings.id))
    .limit(batchSize)
  for (const l of next) {
    await scoreListing(l.id)
    await db.update(rescoreRuns).set({ cursor: l.id, scored: sql`${rescoreRuns.scored} + 1` }).where(eq(rescoreRuns.id, runId))
  }
  const done = next.length < batchSize
  if (done) await db.update(rescoreRuns).set({ finishedAt: new Date() }).where(eq(rescoreRuns.id, runId))
  const [after] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
  return { done, scored: after!.scored, batches: Math.ceil(after!.scored / batchSize) }
}

/** Skill code → name in the visitor's locale, for rendering reasons. */
export async function skillNames(locale: string): Promise<Record<string, string>> {
  const rows = await db.select({ code: skills.code, nameZh: skills.nameZh, nameEn: skills.nameEn }).from(skills)
  return Object.fromEntries(rows.map((r) => [r.code, locale === 'en' ? r.nameEn : r.nameZh]))
}
