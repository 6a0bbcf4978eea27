// Caseworkers' review queue for feed records that matched nobody or more than one person.
// Scope: a record concerns a caseworker when one of its candidate members lives in their
// regions, or (unmatched) its region code is in their regions, or it carries no region at
// all (then every caseworker may see it — masked identity only). Nothing is guessed: the
// caseworker picks the member (suggested by the birth date encoded in the ID) or dismisses.
import { and, asc, eq, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm'
import { feedRecords, householdMembers, households } from '@db/schema'
import { db } from '~/utils/db.server'
import { decryptNationalId, nationalIdFacts } from '~/utils/national-id.server'
import { recordAudit } from '../audit.server'
import { caseworkerPrefixes, HouseholdError } from '../household.server'
import { applyRecord } from './process.server'

type Actor = { id: string; role: string }

const inPrefixes = (code: string | undefined | null, prefixes: string[]) => Boolean(code) && prefixes.some((p) => code!.startsWith(p))

async function householdsByHash(hashes: string[]) {
  if (hashes.length === 0) return []
  return db
    .select({ idHash: householdMembers.idHash, memberId: householdMembers.id, regionCode: households.regionCode })
    .from(householdMembers)
    .innerJoin(households, eq(households.id, householdMembers.householdId))
    .where(inArray(householdMembers.idHash, hashes))
}

function concerns(record: typeof feedRecords.$inferSelect, prefixes: string[], matched: { idHash: string | null; regionCode: string }[]) {
  const candidates = matched.filter((m) => m.idHash === record.idHash)
  if (candidates.length > 0) return candidates.some((c) => inPrefixes(c.regionCode, prefixes))
  const region = (record.data as Record<string, unknown> | null)?.region_code
  return typeof region === 'string' ? inPrefixes(region, prefixes) : true
}

/** Records awaiting review that concern the caseworker, oldest first, with suggested members. */
export async function listReviewQueue(actor: Actor, options: { limit?: number } = {}) {
  const prefixes = await caseworkerPrefixes(db, actor.id)
  if (prefixes.length === 0) return []
  const regionFilter: SQL = or(...prefixes.map((p) => like(households.regionCode, `${p}%`)))!
  // The scope of concerns() in SQL, applied before the limit: a backlog elsewhere never hides this caseworker's records.
  const anyCandidate = sql`select from ${householdMembers} where ${householdMembers.idHash} = ${feedRecords.idHash}`
  const candidateHere = sql`select from ${householdMembers} join ${households} on ${households.id} = ${householdMembers.householdId} where ${householdMembers.idHash} = ${feedRecords.idHash} and ${regionFilter}`
  const recordRegion = sql`(${feedRecords.data} ->> 'region_code')`
  const mine = await db
    .select()
    .from(feedRecords)
    .where(
      and(
        eq(feedRecords.status, 'review'),
        or(
          sql`exists (${candidateHere})`,
          and(sql`not exists (${anyCandidate})`, or(sql`${recordRegion} is null`, ...prefixes.map((p) => sql`${recordRegion} like ${`${p}%`}`))),
        ),
      ),
    )
    .orderBy(asc(feedRecords.createdAt), asc(feedRecords.line))
    .limit(Math.min(options.limit ?? 100, 500))
  const matched = await householdsByHash([...new Set(mine.flatMap((r) => (r.idHash ? [r.idHash] : [])))])
  const out = []
  for (const record of mine) {
    const byHash = record.idHash ? matched.filter((m) => m.idHash === record.idHash).map((m) => m.memberId) : []
    const birthDate = record.idSealed ? nationalIdFacts(decryptNationalId(record.idSealed)).birthDate : null
    // Suggestions: the ambiguous candidates, else members in the caseworker's regions born on
    // the date the ID number encodes who have no ID on file yet.
    const where = byHash.length
      ? and(inArray(householdMembers.id, byHash), regionFilter)
      : and(eq(householdMembers.birthDate, birthDate ?? '0001-01-01'), isNull(householdMembers.idHash), regionFilter)
    const suggestions = await db
      .select({ memberId: householdMembers.id, fullName: householdMembers.fullName, birthDate: householdMembers.birthDate, idMasked: householdMembers.idMasked, householdId: households.id, regionCode: households.regionCode })
      .from(householdMembers)
      .innerJoin(households, eq(households.id, householdMembers.householdId))
      .where(where)
      .orderBy(asc(householdMembers.fullName))
      .limit(20)
    const { idSealed: _s, idHash: _h, ...safe } = record
    out.push({ ...safe, suggestions })
  }
  return out
}

async function loadReviewable(actor: Actor, recordId: string) {
  const prefixes = await caseworkerPrefixes(db, actor.id)
  const [record] = await db.select().from(feedRecords).where(eq(feedRecords.id, recordId))
  if (!record || record.status !== 'review') throw new HouseholdError('feeds:review.not_found', {}, 404)
  const matched = await householdsByHash(record.idHash ? [record.idHash] : [])
  if (!concerns(record, prefixes, matched)) throw new HouseholdError('feeds:review.not_found', {}, 404)
  return { record, prefixes }
}

/**
 * The caseworker says which member the record concerns: it is applied to that member's file
 * (once), and a member with no ID on file takes the record's identity so later records match.
 */
export async function resolveReview(actor: Actor, recordId: string, memberId: string, note = '') {
  const { record, prefixes } = await loadReviewable(actor, recordId)
  const [member] = await db
    .select({ id: householdMembers.id, idHash: householdMembers.idHash, regionCode: households.regionCode })
    .from(householdMembers)
    .innerJoin(households, eq(households.id, householdMembers.householdId))
    .where(eq(householdMembers.id, memberId))
  if (!member || !inPrefixes(member.regionCode, prefixes)) throw new HouseholdError('feeds:review.member_not_found', {}, 404)
  if (member.idHash && member.idHash !== record.idHash) throw new HouseholdError('feeds:review.identity_differs', {}, 409)
  // Identity, the change and the audit entry are written together by applyRecord (all or nothing).
  const applied = await applyRecord(record, member.id, { id: actor.id, note: note.trim().slice(0, 500), takeIdentity: !member.idHash })
  if (!applied) throw new HouseholdError('feeds:review.already_applied', {}, 409)
  return { applied }
}

/** The record concerns nobody on file: dismissed with the caseworker's note. */
export async function dismissReview(actor: Actor, recordId: string, note: string) {
  const { record } = await loadReviewable(actor, recordId)
  if (note.trim().length < 2) throw new HouseholdError('feeds:review.note_required')
  await db.transaction(async (tx) => {
    await tx
      .update(feedRecords)
      .set({ status: 'dismissed', reviewNote: note.trim().slice(0, 500), resolvedById: actor.id, resolvedAt: new Date() })
      .where(and(eq(feedRecords.id, record.id), eq(feedRecords.status, 'review')))
    await recordAudit(tx, { actor: { id: actor.id }, action: 'feed_record.dismiss', entityType: 'feed_record', entityId: record.id })
  })
}

