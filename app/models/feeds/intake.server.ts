import { createHash } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { feedDeliveries, feedRecords, type FeedType } from '@db/schema'
import { feedDepartment } from '@db/schema/feeds/constants'
import { enqueueProcessDelivery } from '@workers/queues/feeds'
import { db } from '~/utils/db.server'
import { encryptNationalId, hashNationalId, maskNationalId } from '~/utils/national-id.server'
import { parseTabular, safeFileName, type RowIssue } from '~/utils/tabular.server'
import { feedFormat } from './formats'

export type DeliveryInput = {
  feedType: FeedType
  source: 'upload' | 'api'
  fileName: string
  format: 'csv' | 'json'
  text: string
  deliveredById?: string | null
  apiKeyId?: string | null
}

export type DeliveryReceipt =
  | { refused: false; deliveryId: string; rowsTotal: number; rowsRejected: number; issues: RowIssue[] }
  | { refused: true; deliveryId: string; refusal: string }

const BATCH = 1000

/**
 * Takes a delivered file: refuses it whole when it is not the declared format; otherwise
 * stores every row — valid rows as `pending` (identity hashed, sealed and masked, never
 * plain), malformed rows as `rejected` with their line and reasons — in one transaction.
 * The import job then matches and applies the pending rows in batches.
 */
export async function receiveDelivery(input: DeliveryInput): Promise<DeliveryReceipt> {
  const format = feedFormat(input.feedType)
  const contentSha256 = createHash('sha256').update(input.text).digest('hex')
  const base = {
    feedType: input.feedType,
    department: feedDepartment[input.feedType],
    source: input.source,
    fileName: safeFileName(input.fileName),
    format: input.format,
    contentSha256,
    deliveredById: input.deliveredById ?? null,
    apiKeyId: input.apiKeyId ?? null,
  }
  const parsed = parseTabular(input.text, input.format, format)
  if (!parsed.ok) {
    const [row] = await db
      .insert(feedDeliveries)
      .values({ ...base, status: 'refused', refusal: parsed.refusal, finishedAt: new Date() })
      .returning({ id: feedDeliveries.id })
    return { refused: true, deliveryId: row!.id, refusal: parsed.refusal }
  }

  const issuesByLine = new Map<number, RowIssue[]>()
  for (const issue of parsed.issues) issuesByLine.set(issue.line, [...(issuesByLine.get(issue.line) ?? []), issue])
  const rejectedLines = [...issuesByLine.keys()]

  const deliveryId = await db.transaction(async (tx) => {
    const [delivery] = await tx
      .insert(feedDeliveries)
      .values({ ...base, status: 'queued', rowsTotal: parsed.total, rowsRejected: rejectedLines.length })
      .returning({ id: feedDeliveries.id })
    const id = delivery!.id
    const pending = parsed.rows.map(({ line, value }) => {
      const { [format.idColumn]: plainId, ...rest } = value as Record<string, unknown>
      const idNumber = String(plainId)
      const idHash = hashNationalId(idNumber)
      return {
        deliveryId: id,
        feedType: input.feedType,
        line,
        recordKey: String((value as Record<string, unknown>)[format.recordKeyColumn]),
        status: 'pending' as const,
        idHash,
        // Computed by PostgreSQL from the stored form of the row (jsonb text is canonical), as migration 0026 did for older records.
        revision: sql`md5(${idHash} || '|' || ${JSON.stringify(rest)}::jsonb::text)`,
        idMasked: maskNationalId(idNumber),
        idSealed: encryptNationalId(idNumber),
        data: rest,
      }
    })
    const rejected = rejectedLines.map((line) => ({
      deliveryId: id,
      feedType: input.feedType,
      line,
      status: 'rejected' as const,
      issues: issuesByLine.get(line)!.map(({ field, message }) => ({ field, message })),
    }))
    const all = [...pending, ...rejected]
    for (let i = 0; i < all.length; i += BATCH) await tx.insert(feedRecords).values(all.slice(i, i + BATCH))
    return id
  })
  if (parsed.rows.length > 0) await enqueueProcessDelivery(deliveryId)
  // Nothing to import (only rejected rows, or none): the delivery is complete as received.
  else await db.update(feedDeliveries).set({ status: 'completed', startedAt: new Date(), finishedAt: new Date() }).where(eq(feedDeliveries.id, deliveryId))
  return { refused: false, deliveryId, rowsTotal: parsed.total, rowsRejected: rejectedLines.length, issues: parsed.issues }
}

export async function getDelivery(id: string) {
  const [row] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, id))
  return row ?? null
}

/** The file's text when it is valid UTF-8 (a leading BOM is fine), otherwise null. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}
