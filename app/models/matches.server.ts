// Matching I/O: candidate generation in SQL, loading flat scoring inputs, storing the top
// matches idempotently, the batched full rescore. Scoring itself is pure (matching.server.ts).
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lte, ne, notInArray, or, sql, type AnyColumn, type SQL } from 'drizzle-orm'
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
  rescoreChunks,
  rescoreRuns,
  skills,
  trainingDetails,
  donationDetails,
  type EmploymentStatus,
} from '@db/schema'
import { db, prepared } from '~/utils/db.server'
import { isEligible, scorePair, type MatchListing, type PairScore, type ScoringContext, type Subject, type SubjectMember } from './matching.server'
import { decodeSubject, encodeListing, isCandidate, provinceOf, scoreEncoded, topN, type Population } from './matching-encoded.server'
import { hasEnded, notEnded } from './listing-dates'
import { ageOn, householdTargetGroups, loadPopulation } from './population.server'

const unavailable: EmploymentStatus[] = ['student', 'retired', 'unable']

/** How many matches a listing keeps (best first), and a household keeps from its own rescore. */
export const TOP_PER_LISTING = 200
export const TOP_PER_HOUSEHOLD = 50

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
    const groups = householdTargetGroups(h, { disabled: disabledBy.has(h.id), woman: womenBy.has(h.id), over45Unemployed: over45Unemployed.has(h.id) })
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

/** `offered`: published and not past its end date (listing-dates.ts). */
type ListingRow = { listing: MatchListing; status: string; offered: boolean }

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
    offered: l.status === 'published' && !hasEnded(l.endsOn),
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
 * Candidate households for a listing, as a condition on `households h`: consenting households
 * with a need the listing serves, in reach (same province as the listing's place, or anywhere
 * for remote offers and for members willing to work anywhere).
 */
function candidateRule(l: MatchListing): SQL {
  const province = l.regionCode.slice(0, 2)
  const reach = l.remote
    ? sql`true`
    : l.kind === 'job'
      ? sql`(h.region_code like ${province + '%'} or h.id in (select m.household_id from household_members m where m.work_radius = 'anywhere'))`
      : sql`h.region_code like ${province + '%'}`
  // `in (subquery)` rather than a correlated `exists`: PostgreSQL hashes the subquery once
  // instead of probing it per household (about 0.5 s → 0.2 s at 100k households).
  return sql`h.consent_given
      and ${reach}
      and h.id in (select n.household_id from household_needs n where n.category = any(${sql.param(l.categories)}::text[]))`
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


export type ScoreListingResult = { status: 'scored' | 'removed' | 'missing'; candidates: number; stored: number }

/**
 * The best `n` eligible households of a population for a listing, scored on the typed-array
 * encoding; reasons are materialised for those n only (decoded and scored by `scorePair`,
 * which the encoded scorer matches exactly). `filter`: apply the candidate rule in memory
 * (a full-rescore population holds every consenting household, not just this listing's).
 */
export function topMatches(pop: Population, listing: MatchListing, ctx: ScoringContext, n: number, filter: boolean) {
  const el = encodeListing(listing, pop.dict)
  const province = provinceOf(el)
  const scores = new Int32Array(pop.count)
  const idx = new Int32Array(pop.count)
  let eligible = 0
  let candidates = 0
  for (let i = 0; i < pop.count; i++) {
    if (filter && !isCandidate(pop, i, el, province)) continue
    candidates++
    const score = scoreEncoded(pop, i, el)
    if (score < 0) continue
    scores[eligible] = score
    idx[eligible++] = i
  }
  const top: Scored[] = topN(pop, scores, idx, eligible, n).map((i) => {
    const subject = decodeSubject(pop, i)
    return { subject, result: scorePair(subject, listing, ctx) }
  })
  return { candidates, top }
}

/**
 * Replaces a listing's stored matches with `rows`, unless it was unpublished meanwhile (then none).
 * One listing per transaction: a transaction holding several listings' rows of one household could
 * deadlock with that household's own rescore or a consent withdrawal (they lock its rows in another
 * order). `asyncCommit`: a full rescore does not wait for each commit to reach the disk; its chunk's
 * "done" mark is a normal commit, which flushes the WAL before it (so all of these) with it, and a
 * crash before that only loses derived rows the re-run chunk rewrites.
 */
async function storeListingMatches(listingId: string, rows: ReturnType<typeof rowOf>[], options: { asyncCommit?: boolean } = {}) {
  await db.transaction(async (tx) => {
    if (options.asyncCommit) await tx.execute(sql`set local synchronous_commit = off`)
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
}

/** Scores a listing against its candidates and stores its top matches; unpublished → matches removed. */
export async function scoreListing(listingId: string, options: { top?: number } = {}): Promise<ScoreListingResult> {
  const [row] = await loadListings(db, [listingId])
  if (!row) return { status: 'missing', candidates: 0, stored: 0 }
  if (!row.offered) {
    await removeListingMatches(listingId)
    return { status: 'removed', candidates: 0, stored: 0 }
  }
  const ctx = await scoringContext()
  // Candidates and their household rows in one query; members, skills and needs from the
  // version-checked cache (or loaded); all straight into typed arrays and scored there.
  const pop = await loadPopulation(db, ctx, { where: candidateRule(row.listing) })
  const { top } = topMatches(pop, row.listing, ctx, options.top ?? TOP_PER_LISTING, false)
  const rows = top.map((s) => rowOf(row.listing, s))
  await storeListingMatches(listingId, rows)
  return { status: 'scored', candidates: pop.count, stored: rows.length }
}

/** Published listings that could reach a household (the inverse of candidateRule). */
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
    where l.status = 'published' and ${notEnded(sql`l.ends_on`)}
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
  // The household's own top offers are stored; a match beyond them that a listing's rescore stored
  // (the household is among that listing's top candidates) stays, with its fresh score, so an
  // organization's candidate list does not shrink because one household's file changed. Only
  // matches that are no longer eligible (or whose listing is no longer a candidate) are removed.
  const existing = new Set((await db.select({ listingId: matches.listingId }).from(matches).where(eq(matches.householdId, householdId))).map((m) => m.listingId))
  const kept = scored.filter((s, i) => i < TOP_PER_HOUSEHOLD || existing.has(s.listing.id))
  const rows = kept.map((s) => rowOf(s.listing, { subject, result: s.result }))
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
      // Likewise a listing closed or paused meanwhile: its matches were dropped after we loaded it.
      const filled = await tx
        .select({ id: listings.id })
        .from(listings)
        .where(
          and(
            inArray(listings.id, ids),
            or(
              ne(listings.status, 'published'),
              sql`not ${notEnded(listings.endsOn)}`,
              and(
                isNotNull(listings.capacity),
                sql`${listings.capacity} <= (select count(*) from ${applications} a
                     where a.listing_id = ${listings.id} and a.status in ('accepted', 'completed') and a.household_id <> ${householdId})`,
              ),
            ),
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
    .where(and(eq(listings.status, 'published'), notEnded(listings.endsOn), run!.cursor ? gt(listings.id, run!.cursor) : undefined))
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

let cachedPopulation: { at: number; pop: Population } | undefined
/**
 * Every consenting household with a need, encoded; shared by the chunks of a full rescore
 * that one process runs within a minute (a nightly batch is a snapshot anyway; event-driven
 * rescores of single households and listings load fresh inputs).
 */
async function rescorePopulation(ctx: ScoringContext) {
  if (cachedPopulation && Date.now() - cachedPopulation.at < 60_000) return cachedPopulation.pop
  // A start-up warm-up still loading: wait for it, then load from the cache it filled.
  await warming?.catch(() => undefined)
  const pop = await loadPopulation(db, ctx, { allConsenting: true })
  cachedPopulation = { at: Date.now(), pop }
  return pop
}

/**
 * Loads every consenting household's scoring inputs once, so this process's first publish
 * scores from the cache instead of loading ~20k households (workers call it at start-up).
 */
let warming: Promise<unknown> | undefined
export async function warmPopulationCache() {
  // Not kept as a rescore snapshot: a run that starts later must see households added meanwhile.
  const load = scoringContext().then((ctx) => loadPopulation(db, ctx, { allConsenting: true }))
  warming = load
  try {
    return (await load).count
  } finally {
    warming = undefined
  }
}

/**
 * Plans a full rescore as chunks of `chunkSize` published listings (by id range), once per
 * run: the listings after the run's sequential cursor (see rescoreBatch) are split; a re-run
 * finds the plan already stored. Returns the chunks not done yet, to be enqueued.
 */
export async function planRescore(runId: string, chunkSize: number): Promise<{ finished: boolean; pending: number[] }> {
  await db.insert(rescoreRuns).values({ id: runId }).onConflictDoNothing()
  const pending = await db.transaction(async (tx) => {
    // One planner at a time per run (the lock is released at commit).
    const [run] = await tx.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId)).for('update')
    if (run!.finishedAt) return null
    const planned = await tx.select({ chunk: rescoreChunks.chunk, doneAt: rescoreChunks.doneAt }).from(rescoreChunks).where(eq(rescoreChunks.runId, runId))
    if (planned.length === 0) {
      const ids = await tx
        .select({ id: listings.id })
        .from(listings)
        .where(and(eq(listings.status, 'published'), notEnded(listings.endsOn), run!.cursor ? gt(listings.id, run!.cursor) : undefined))
        .orderBy(asc(listings.id))
      const chunks = []
      for (let i = 0, c = 0; i < ids.length; i += chunkSize, c++) {
        const part = ids.slice(i, i + chunkSize)
        chunks.push({ runId, chunk: c, firstId: part[0]!.id, lastId: part.at(-1)!.id, listings: part.length })
      }
      for (let i = 0; i < chunks.length; i += 1000) await tx.insert(rescoreChunks).values(chunks.slice(i, i + 1000))
      return chunks.map((c) => c.chunk)
    }
    return planned.filter((p) => !p.doneAt).map((p) => p.chunk)
  })
  if (pending === null) return { finished: true, pending: [] }
  if (pending.length === 0) return { finished: await finishRunIfDone(runId), pending }
  return { finished: false, pending }
}

async function finishRunIfDone(runId: string) {
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(rescoreChunks)
    .where(and(eq(rescoreChunks.runId, runId), isNull(rescoreChunks.doneAt)))
  if (left!.n > 0) return false
  await db.update(rescoreRuns).set({ finishedAt: new Date() }).where(and(eq(rescoreRuns.id, runId), isNull(rescoreRuns.finishedAt)))
  return true
}

/**
 * One chunk of a full rescore: every published listing in the chunk's id range, scored
 * against the encoded population in memory, top matches stored per listing (idempotent).
 * Marked done once; a chunk already done is skipped, so a re-delivered job changes nothing.
 */
export async function rescoreChunk(runId: string, chunk: number) {
  const [c] = await db.select().from(rescoreChunks).where(and(eq(rescoreChunks.runId, runId), eq(rescoreChunks.chunk, chunk)))
  if (!c) return { status: 'missing' as const, scored: 0, finished: false }
  if (c.doneAt) return { status: 'done' as const, scored: 0, finished: await finishRunIfDone(runId) }
  const ctx = await scoringContext()
  const pop = await rescorePopulation(ctx)
  const ids = await db
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.status, 'published'), gte(listings.id, c.firstId), lte(listings.id, c.lastId)))
    .orderBy(asc(listings.id))
  let scored = 0
  for (let i = 0; i < ids.length; i += 100) {
    for (const row of await loadListings(db, ids.slice(i, i + 100).map((r) => r.id))) {
      if (!row.offered) continue
      const { top } = topMatches(pop, row.listing, ctx, TOP_PER_LISTING, true)
      await storeListingMatches(row.listing.id, top.map((s) => rowOf(row.listing, s)), { asyncCommit: true })
      scored++
    }
  }
  await db.transaction(async (tx) => {
    const marked = await tx
      .update(rescoreChunks)
      .set({ doneAt: new Date() })
      .where(and(eq(rescoreChunks.runId, runId), eq(rescoreChunks.chunk, chunk), isNull(rescoreChunks.doneAt)))
      .returning({ listings: rescoreChunks.listings })
    if (marked.length) await tx.update(rescoreRuns).set({ scored: sql`${rescoreRuns.scored} + ${marked[0]!.listings}` }).where(eq(rescoreRuns.id, runId))
  })
  return { status: 'scored' as const, scored, finished: await finishRunIfDone(runId) }
}

// Asked by every offers and candidates page: prepared.
const skillNamesQuery = prepared((db) => db.select({ code: skills.code, nameZh: skills.nameZh, nameEn: skills.nameEn }).from(skills).prepare('skill_names'))

/** Skill code → name in the visitor's locale, for rendering reasons. */
export async function skillNames(locale: string): Promise<Record<string, string>> {
  const rows = await skillNamesQuery().execute()
  return Object.fromEntries(rows.map((r) => [r.code, locale === 'en' ? r.nameEn : r.nameZh]))
}
