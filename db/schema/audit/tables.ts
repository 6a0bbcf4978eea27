import { bigserial, index, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from '../identity/tables'

/**
 * Append-only audit log (审计日志): every create/update/delete of households, listings,
 * claims and ledger operations, and every time staff open a resident's full profile.
 * A trigger (migration 0002) refuses UPDATE, DELETE and TRUNCATE.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Null for system actors (workers, feeds); then `actorLabel` names them. */
    actorId: uuid().references(() => users.id),
    actorLabel: varchar({ length: 64 }),
    /** e.g. listing.create, listing.publish, household.update, household.view_full, ledger.transfer */
    action: varchar({ length: 64 }).notNull(),
    entityType: varchar({ length: 32 }).notNull(),
    entityId: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    note: text(),
  },
  (t) => [index().on(t.entityType, t.entityId), index().on(t.actorId), index().on(t.occurredAt), index().on(t.action)],
)
