import { and, desc, eq, gte, ilike, lte, or, type SQL } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { auditEntries, users } from '@db/schema'
import { db } from '~/utils/db.server'

export type AuditActor = { id: string } | { system: string }

export type AuditRecord = {
  actor: AuditActor
  action: string
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
  note?: string
}

/**
 * Appends one audit entry. Pass the transaction that makes the change, so the entry
 * exists exactly when the change does.
 */
export async function recordAudit(executor: Executor, entry: AuditRecord) {
  await recordAudits(executor, [entry])
}

/** Appends many audit entries in one statement (bulk writes such as imports), same rules as recordAudit. */
export async function recordAudits(executor: Executor, entries: AuditRecord[]) {
  if (!entries.length) return
  await executor.insert(auditEntries).values(
    entries.map((entry) => ({
      actorId: 'id' in entry.actor ? entry.actor.id : null,
      actorLabel: 'system' in entry.actor ? entry.actor.system : null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      note: entry.note ?? null,
    })),
  )
}

export type AuditQuery = {
  entityType?: string
  entityId?: string
  actorId?: string
  action?: string
  text?: string
  from?: Date
  to?: Date
  limit?: number
  offset?: number
}

/** Admin search over the log, newest first. */
export async function searchAudit(query: AuditQuery) {
  const conditions: SQL[] = []
  if (query.entityType) conditions.push(eq(auditEntries.entityType, query.entityType))
  if (query.entityId) conditions.push(eq(auditEntries.entityId, query.entityId))
  if (query.actorId) conditions.push(eq(auditEntries.actorId, query.actorId))
  if (query.action) conditions.push(eq(auditEntries.action, query.action))
  if (query.from) conditions.push(gte(auditEntries.occurredAt, query.from))
  if (query.to) conditions.push(lte(auditEntries.occurredAt, query.to))
  if (query.text) {
    const like = `%${query.text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`
    conditions.push(or(ilike(auditEntries.note, like), ilike(auditEntries.entityId, like), ilike(auditEntries.action, like))!)
  }
  // Each entry with who acted by name (the log keeps the user id; a deleted user leaves no name).
  const rows = await db
    .select({ entry: auditEntries, actorName: users.displayName, actorUsername: users.username, actorRole: users.role })
    .from(auditEntries)
    .leftJoin(users, eq(users.id, auditEntries.actorId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditEntries.occurredAt), desc(auditEntries.id))
    .limit(Math.min(query.limit ?? 50, 500))
    .offset(query.offset ?? 0)
  return rows.map((r) => ({ ...r.entry, actorName: r.actorName, actorUsername: r.actorUsername, actorRole: r.actorRole }))
}
