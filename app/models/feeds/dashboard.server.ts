// Admin views of feeds: deliveries with progress, a delivery's rejected rows, freshness.
import { and, desc, eq, lt, sql } from 'drizzle-orm'
import { feedDeliveries, feedRecords, households, feedTypes, type FeedType } from '@db/schema'
import { db } from '~/utils/db.server'

/** Seed 000's target: a household file is current when updated within 7 days. */
export const FRESHNESS_DAYS = 7

export async function listDeliveries(options: { limit?: number } = {}) {
  return db
    .select({
      id: feedDeliveries.id,
      feedType: feedDeliveries.feedType,
      department: feedDeliveries.department,
      source: feedDeliveries.source,
      fileName: feedDeliveries.fileName,
      status: feedDeliveries.status,
      refusal: feedDeliveries.refusal,
      rowsTotal: feedDeliveries.rowsTotal,
      rowsApplied: feedDeliveries.rowsApplied,
      rowsRejected: feedDeliveries.rowsRejected,
      rowsReview: feedDeliveries.rowsReview,
      rowsDuplicate: feedDeliveries.rowsDuplicate,
      receivedAt: feedDeliveries.receivedAt,
      finishedAt: feedDeliveries.finishedAt,
      pending: sql<number>`(select count(*)::int from feed_records r where r.delivery_id = "feed_deliveries"."id" and r.status = 'pending')`,
    })
    .from(feedDeliveries)
    .orderBy(desc(feedDeliveries.receivedAt))
    .limit(Math.min(options.limit ?? 50, 200))
}

/** Progress in percent: rows no longer pending out of all rows. */
export function progressOf(d: { status: string; rowsTotal: number; pending: number }) {
  if (d.status === 'completed' || d.status === 'refused') return 100
  if (d.rowsTotal === 0) return 0
  return Math.floor(((d.rowsTotal - d.pending) / d.rowsTotal) * 100)
}

export async function deliveryDetail(id: string) {
  const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, id))
  if (!delivery) return null
  const rejected = await db
    .select({ line: feedRecords.line, recordKey: feedRecords.recordKey, issues: feedRecords.issues })
    .from(feedRecords)
    .where(and(eq(feedRecords.deliveryId, id), eq(feedRecords.status, 'rejected')))
    .orderBy(feedRecords.line)
    .limit(5000)
  const review = await db
    .select({ line: feedRecords.line, recordKey: feedRecords.recordKey, status: feedRecords.status, idMasked: feedRecords.idMasked })
    .from(feedRecords)
    .where(and(eq(feedRecords.deliveryId, id), sql`${feedRecords.status} in ('review', 'dismissed')`))
    .orderBy(feedRecords.line)
    .limit(5000)
  const [{ pending } = { pending: 0 }] = await db
    .select({ pending: sql<number>`count(*)::int` })
    .from(feedRecords)
    .where(and(eq(feedRecords.deliveryId, id), eq(feedRecords.status, 'pending')))
  return { delivery: { ...delivery, pending }, rejected: rejected as { line: number; recordKey: string | null; issues: { field: string | null; message: string }[] }[], review }
}

/** Per feed: last delivery and row counts; overall: share of household files older than 7 days. */
export async function freshness(now = new Date()) {
  const perFeed = await db
    .select({
      feedType: feedRecords.feedType,
      applied: sql<number>`count(*) filter (where ${feedRecords.status} = 'applied')::int`,
      rejected: sql<number>`count(*) filter (where ${feedRecords.status} = 'rejected')::int`,
      review: sql<number>`count(*) filter (where ${feedRecords.status} = 'review')::int`,
    })
    .from(feedRecords)
    .groupBy(feedRecords.feedType)
  const last = await db
    .select({ feedType: feedDeliveries.feedType, lastAt: sql<string>`max(${feedDeliveries.receivedAt})` })
    .from(feedDeliveries)
    .groupBy(feedDeliveries.feedType)
  const cutoff = new Date(now.getTime() - FRESHNESS_DAYS * 86_400_000)
  const [counts] = await db
    .select({ total: sql<number>`count(*)::int`, stale: sql<number>`count(*) filter (where ${lt(households.updatedAt, cutoff)})::int` })
    .from(households)
  const total = counts?.total ?? 0
  const stale = counts?.stale ?? 0
  return {
    feeds: feedTypes.map((feedType: FeedType) => {
      const row = perFeed.find((r) => r.feedType === feedType)
      const lastAt = last.find((r) => r.feedType === feedType)?.lastAt
      return { feedType, lastDeliveryAt: lastAt ? new Date(lastAt).toISOString() : null, applied: row?.applied ?? 0, rejected: row?.rejected ?? 0, review: row?.review ?? 0 }
    }),
    households: total,
    staleHouseholds: stale,
    stalePercent: total === 0 ? 0 : Math.round((stale / total) * 100),
  }
}
