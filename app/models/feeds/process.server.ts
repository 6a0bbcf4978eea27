// Import job for a feed delivery: matches pending records to household members by the keyed
// hash of their ID number and applies each record's effect to the household file, once.
// Nothing is guessed: no match or several matches go to the caseworkers' review queue.
import { enqueueEvaluateHousehold } from '@workers/queues/monitoring'
import { loadThresholds, raiseWarning } from '../warnings.server'
import Decimal from 'decimal.js'
import { and, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import type { Transaction } from '@db/client'
import { feedDeliveries, feedRecords, householdMembers, households, regions, type FeedType } from '@db/schema'
import { feedDepartment } from '@db/schema/feeds/constants'
import { enqueueScoreHousehold } from '@workers/queues/matching'
import { db } from '~/utils/db.server'
import { recordAudit } from '../audit.server'
import { applySystemChange, HouseholdError, type HouseholdFile } from '../household.server'

export const PROCESS_BATCH = 500

type FeedRecord = typeof feedRecords.$inferSelect
type Data = Record<string, unknown>

/** A structured early warning; applying the record raises it as a caseworker alert (raiseWarning). */
export type MedicalCostWarning = {
  code: 'medical_cost_share'
  householdId: string
  /** Out-of-pocket medical cost in the 3 months up to `asOf`, yuan. */
  outOfPocket3m: string
  /** Household income over the same 3 months, yuan. */
  income3m: string
  /** Out-of-pocket share of income, percent (rounded). */
  sharePercent: number
  /** The share that fires the warning, percent (the region's medical share threshold). */
  limitPercent: number
  asOf: string
}

/**
 * Early-warning rule (seed 000): out-of-pocket medical cost in the last 3 months above
 * `threshold` (the region's medical share; 50% nationally) of household income over the same period. Pure; null when it does not fire.
 */
export function medicalCostWarning(input: {
  householdId: string
  outOfPocket3m: Decimal.Value
  incomePerCapitaMonthly: Decimal.Value
  memberCount: number
  asOf: string
  threshold?: Decimal.Value
}): MedicalCostWarning | null {
  const oop = new Decimal(input.outOfPocket3m)
  const income = new Decimal(input.incomePerCapitaMonthly).times(Math.max(input.memberCount, 1)).times(3)
  const threshold = new Decimal(input.threshold ?? '0.5')
  const fires = income.isZero() ? oop.gt(0) : oop.gt(income.times(threshold))
  if (!fires) return null
  return {
    code: 'medical_cost_share',
    householdId: input.householdId,
    outOfPocket3m: oop.toFixed(2),
    income3m: income.toFixed(2),
    sharePercent: income.isZero() ? 100 : oop.div(income).times(100).toDecimalPlaces(0).toNumber(),
    limitPercent: threshold.times(100).toDecimalPlaces(0).toNumber(),
    asOf: input.asOf,
  }
}

/** `feed:<department>`: the author of a version a feed made. */
export function feedAuthor(feedType: FeedType) {
  return `feed:${feedDepartment[feedType]}`
}

function threeMonthsBefore(isoDate: string) {
  const d = new Date(`${isoDate}T00:00:00Z`)
  d.setUTCMonth(d.getUTCMonth() - 3)
  return d.toISOString().slice(0, 10)
}

async function refreshCounters(deliveryId: string) {
  const rows = await db
    .select({ status: feedRecords.status, n: sql<number>`count(*)::int` })
    .from(feedRecords)
    .where(eq(feedRecords.deliveryId, deliveryId))
    .groupBy(feedRecords.status)
  const count = (s: string) => rows.find((r) => r.status === s)?.n ?? 0
  const pending = count('pending')
  await db
    .update(feedDeliveries)
    .set({
      rowsApplied: count('applied'),
      rowsRejected: count('rejected'),
      rowsReview: count('review') + count('dismissed'),
      rowsDuplicate: count('duplicate'),
    })
    .where(eq(feedDeliveries.id, deliveryId))
  return pending
}

/**
 * Processes a delivery's pending records in batches of 500, reporting progress (0–100).
 * Safe to retry or run twice: only `pending` records are touched, and the partial unique
 * index lets a feed + record key be applied once whatever is re-delivered.
 */
export async function processDelivery(deliveryId: string, onProgress?: (percent: number) => unknown) {
  const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, deliveryId))
  if (!delivery || delivery.status === 'refused') return { processed: 0 }
  await db.update(feedDeliveries).set({ status: 'processing', startedAt: delivery.startedAt ?? new Date() }).where(eq(feedDeliveries.id, deliveryId))
  const total = Math.max(delivery.rowsTotal, 1)
  let processed = 0
  for (;;) {
    const batch = await db
      .select()
      .from(feedRecords)
      .where(and(eq(feedRecords.deliveryId, deliveryId), eq(feedRecords.status, 'pending')))
      .orderBy(feedRecords.line)
      .limit(PROCESS_BATCH)
    if (batch.length === 0) break
    for (const record of batch) await processRecord(record)
    processed += batch.length
    const pending = await refreshCounters(deliveryId)
    await onProgress?.(Math.min(99, Math.round(((delivery.rowsTotal - pending) / total) * 100)))
  }
  await refreshCounters(deliveryId)
  await db.update(feedDeliveries).set({ status: 'completed', finishedAt: new Date() }).where(eq(feedDeliveries.id, deliveryId))
  await onProgress?.(100)
  return { processed }
}

async function alreadyApplied(record: FeedRecord) {
  if (!record.recordKey || !record.revision) return false
  const [hit] = await db
    .select({ id: feedRecords.id })
    .from(feedRecords)
    .where(
      and(
        eq(feedRecords.feedType, record.feedType),
        eq(feedRecords.recordKey, record.recordKey),
        eq(feedRecords.revision, record.revision),
        eq(feedRecords.status, 'applied'),
        ne(feedRecords.id, record.id),
      ),
    )
  return Boolean(hit)
}

async function setStatus(id: string, set: Partial<typeof feedRecords.$inferInsert>) {
  await db.update(feedRecords).set(set).where(and(eq(feedRecords.id, id), eq(feedRecords.status, 'pending')))
}

async function processRecord(record: FeedRecord) {
  if (await alreadyApplied(record)) return setStatus(record.id, { status: 'duplicate' })
  const data = (record.data ?? {}) as Data
  if (record.feedType === 'dibao_enrolment') {
    const [region] = await db.select({ code: regions.code }).from(regions).where(eq(regions.code, String(data.region_code)))
    if (!region) return setStatus(record.id, { status: 'rejected', issues: [{ field: 'region_code', message: 'feeds:row.unknown_region' }] })
  }
  const candidates = record.idHash
    ? await db.select({ id: householdMembers.id }).from(householdMembers).where(eq(householdMembers.idHash, record.idHash))
    : []
  if (candidates.length !== 1) {
    return setStatus(record.id, { status: 'review', data: { ...data, candidates: candidates.length } })
  }
  try {
    await applyRecord(record, candidates[0]!.id)
  } catch (error) {
    // The file cannot take the change (e.g. its region has no living standard): a person decides.
    if (!(error instanceof HouseholdError)) throw error
    await setStatus(record.id, { status: 'review', issues: [{ field: null, message: error.key }], data: { ...data, candidates: 1 } })
  }
}

function isUniqueViolation(e: unknown) {
  const err = e as { code?: string; cause?: { code?: string } }
  return err?.code === '23505' || err?.cause?.code === '23505'
}

/**
 * Applies one record to a member's household in one transaction: the record becomes
 * `applied` (the unique index refuses a second application), the file changes with the
 * feed as author, the risk tier is recomputed; rescoring is queued after commit.
 * Returns false when the same feed + record key was applied meanwhile (then: duplicate).
 */
export async function applyRecord(record: FeedRecord, memberId: string, resolvedBy?: { id: string; note?: string; takeIdentity?: boolean }) {
  let result: { householdId: string; version: number; warning: MedicalCostWarning | null } | null = null
  try {
    result = await db.transaction(async (tx) => {
      const [member] = await tx.select().from(householdMembers).where(eq(householdMembers.id, memberId))
      if (!member) throw new Error('member not found')
      const updated = await tx
        .update(feedRecords)
        .set({
          status: 'applied',
          memberId,
          appliedAt: new Date(),
          ...(resolvedBy ? { resolvedById: resolvedBy.id, resolvedAt: new Date(), reviewNote: resolvedBy.note ?? null } : {}),
        })
        .where(and(eq(feedRecords.id, record.id), inArray(feedRecords.status, ['pending', 'review'])))
        .returning({ id: feedRecords.id })
      if (updated.length === 0) return null
      if (resolvedBy) {
        // Resolved in review: a member with no ID on file takes the record's identity (so later records
        // match), in the same transaction as the change it brings, and the caseworker's decision is audited.
        if (resolvedBy.takeIdentity && record.idHash) {
          const took = await tx
            .update(householdMembers)
            .set({ idHash: record.idHash, idSealed: record.idSealed, idMasked: record.idMasked })
            .where(and(eq(householdMembers.id, memberId), isNull(householdMembers.idHash)))
            .returning({ id: householdMembers.id })
          if (took.length === 0) throw new HouseholdError('feeds:review.identity_differs', {}, 409)
        }
        await recordAudit(tx, { actor: { id: resolvedBy.id }, action: 'feed_record.resolve', entityType: 'feed_record', entityId: record.id, after: { memberId } })
      }
      const data = (record.data ?? {}) as Data
      let warning: MedicalCostWarning | null = null
      const file = await applySystemChange(tx, member.householdId, feedAuthor(record.feedType), `household.feed_${record.feedType}`, async (before) => {
        const effect = await applyEffect(tx, record, data, member, before)
        warning = effect.warning
        return effect.columns
      })
      if (warning) {
        await tx.update(feedRecords).set({ data: { ...data, warning } }).where(eq(feedRecords.id, record.id))
        await recordAudit(tx, {
          actor: { system: feedAuthor(record.feedType) },
          action: 'household.warning',
          entityType: 'household',
          entityId: member.householdId,
          after: warning,
        })
      }
      return { householdId: file.id, version: file.version, warning: warning as MedicalCostWarning | null }
    })
  } catch (e) {
    if (!isUniqueViolation(e)) throw e
    await db.update(feedRecords).set({ status: 'duplicate' }).where(and(eq(feedRecords.id, record.id), inArray(feedRecords.status, ['pending', 'review'])))
    return false
  }
  if (result) {
    // The feed's own early warning (3-month out-of-pocket share) becomes a caseworker alert
    // under the same condition key as the monitoring rule, so one condition never raises two.
    if (result.warning) {
      await raiseWarning(result.householdId, {
        rule: 'medical_share',
        dedupeKey: 'medical_share',
        params: { share: result.warning.sharePercent, limit: result.warning.limitPercent, medical: result.warning.outOfPocket3m, income: result.warning.income3m },
      })
    }
    await enqueueScoreHousehold(result.householdId, result.version)
    await enqueueEvaluateHousehold(result.householdId, result.version)
  }
  return Boolean(result)
}

type Member = typeof householdMembers.$inferSelect

async function applyEffect(
  tx: Transaction,
  record: FeedRecord,
  data: Data,
  member: Member,
  file: HouseholdFile,
): Promise<{ columns: Partial<typeof households.$inferInsert>; warning: MedicalCostWarning | null }> {
  switch (record.feedType) {
    case 'medical_insurance_settlement': {
      const asOf = String(data.settled_on)
      const from = threeMonthsBefore(asOf)
      const memberIds = file.members.map((m) => m.id)
      // A settlement the insurer corrected arrives again under its number with new figures: only the
      // latest applied revision of each settlement counts (this record is applied already, so it is one).
      const latest = tx
        .selectDistinctOn([feedRecords.recordKey], { data: feedRecords.data })
        .from(feedRecords)
        .where(and(eq(feedRecords.feedType, 'medical_insurance_settlement'), eq(feedRecords.status, 'applied'), inArray(feedRecords.memberId, memberIds)))
        .orderBy(feedRecords.recordKey, desc(feedRecords.appliedAt), desc(feedRecords.id))
        .as('latest')
      const [row] = await tx
        .select({ sum: sql<string>`coalesce(sum((${latest.data}->>'out_of_pocket')::numeric), 0)::text` })
        .from(latest)
        .where(sql`(${latest.data}->>'settled_on') > ${from} and (${latest.data}->>'settled_on') <= ${asOf}`)
      const oop = new Decimal(row!.sum)
      // The region's own threshold (warning_thresholds, as the monitoring sweep uses), not a fixed half.
      const { medicalShare } = await loadThresholds(tx, file.regionCode)
      const warning = medicalCostWarning({
        threshold: medicalShare,
        householdId: file.id,
        outOfPocket3m: oop,
        incomePerCapitaMonthly: file.incomePerCapitaMonthly,
        memberCount: file.members.length,
        asOf,
      })
      return { columns: { medicalMonthly: oop.div(3).toDecimalPlaces(2).toFixed(2) }, warning }
    }
    case 'disability_certificate': {
      await tx
        .update(householdMembers)
        .set({ disabilityType: data.disability_type as Member['disabilityType'], disabilityGrade: Number(data.grade) })
        .where(eq(householdMembers.id, member.id))
      return { columns: {}, warning: null }
    }
    case 'dibao_enrolment': {
      const sources = new Set(file.incomeSources)
      if (data.status === 'enrolled') sources.add('dibao')
      else sources.delete('dibao')
      return { columns: { incomeSources: [...sources] }, warning: null }
    }
    case 'unemployment_registration': {
      const registered = data.status === 'registered'
      await tx
        .update(householdMembers)
        .set({ employmentStatus: registered ? 'unemployed' : 'employed' })
        .where(eq(householdMembers.id, member.id))
      return { columns: { recentJobLoss: registered ? true : file.members.some((m) => m.id !== member.id && m.employmentStatus === 'unemployed') }, warning: null }
    }
    case 'student_aid': {
      // Schooling support received: a transfer into the household (the amount stays on the record).
      const sources = new Set(file.incomeSources)
      sources.add('transfers')
      return { columns: { incomeSources: [...sources] }, warning: null }
    }
  }
}
