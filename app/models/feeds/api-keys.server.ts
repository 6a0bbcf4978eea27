import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import { feedApiKeys, type Department, type FeedType } from '@db/schema'
import { feedDepartment } from '@db/schema/feeds/constants'
import { db } from '~/utils/db.server'
import { recordAudit } from '../audit.server'

function digest(key: string) {
  return createHash('sha256').update(key).digest('hex')
}

/**
 * Issues a key for one department, scoped to some of its feed types. The plain key is
 * returned once, here, and never stored.
 */
export async function createFeedApiKey(input: { department: Department; feedTypes: FeedType[]; label: string; createdById: string }) {
  const foreign = input.feedTypes.filter((t) => feedDepartment[t] !== input.department)
  if (foreign.length || input.feedTypes.length === 0) throw new Error(`feed types ${foreign.join(', ')} do not belong to ${input.department}`)
  const key = `gjf_${randomBytes(24).toString('base64url')}`
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(feedApiKeys)
      .values({
        department: input.department,
        feedTypes: input.feedTypes,
        label: input.label,
        keyPrefix: key.slice(0, 10),
        keyHash: digest(key),
        createdById: input.createdById,
      })
      .returning({ id: feedApiKeys.id })
    await recordAudit(tx, {
      actor: { id: input.createdById },
      action: 'feed_key.create',
      entityType: 'feed_api_key',
      entityId: row!.id,
      after: { department: input.department, feedTypes: input.feedTypes, label: input.label },
    })
    return { id: row!.id, key }
  })
}

export async function revokeFeedApiKey(id: string, actorId: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(feedApiKeys)
      .set({ revokedAt: sql`coalesce(${feedApiKeys.revokedAt}, now())` })
      .where(eq(feedApiKeys.id, id))
      .returning({ id: feedApiKeys.id })
    if (row) await recordAudit(tx, { actor: { id: actorId }, action: 'feed_key.revoke', entityType: 'feed_api_key', entityId: id })
    return Boolean(row)
  })
}

export type KeyCheck = { ok: true; keyId: string; department: Department } | { ok: false; reason: 'missing' | 'unknown' | 'revoked' | 'out_of_scope' }

/** Authenticates a bearer key for one feed type: unknown, revoked or out-of-scope keys are refused. */
export async function authenticateFeedKey(authorization: string | null, feedType: FeedType): Promise<KeyCheck> {
  const key = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1]
  if (!key) return { ok: false, reason: 'missing' }
  const [row] = await db.select().from(feedApiKeys).where(eq(feedApiKeys.keyHash, digest(key)))
  if (!row) return { ok: false, reason: 'unknown' }
  if (row.revokedAt) return { ok: false, reason: 'revoked' }
  if (!row.feedTypes.includes(feedType)) return { ok: false, reason: 'out_of_scope' }
  await db.update(feedApiKeys).set({ lastUsedAt: new Date() }).where(and(eq(feedApiKeys.id, row.id), isNull(feedApiKeys.revokedAt)))
  return { ok: true, keyId: row.id, department: row.department }
}

export async function listFeedApiKeys() {
  return db
    .select({
      id: feedApiKeys.id,
      department: feedApiKeys.department,
      feedTypes: feedApiKeys.feedTypes,
      label: feedApiKeys.label,
      keyPrefix: feedApiKeys.keyPrefix,
      createdAt: feedApiKeys.createdAt,
      lastUsedAt: feedApiKeys.lastUsedAt,
      revokedAt: feedApiKeys.revokedAt,
    })
    .from(feedApiKeys)
    .orderBy(desc(feedApiKeys.createdAt))
}
