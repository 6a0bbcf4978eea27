import { sql } from 'drizzle-orm'
import { check, index, integer, pgEnum, pgTable, text, timestamp, uuid, varchar, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { organizations } from '../organizations/tables'

import { orgMemberRoles, userRoles } from './constants'

export * from './constants'
export const userRole = pgEnum('user_role', userRoles)

export const orgMemberRole = pgEnum('org_member_role', orgMemberRoles)

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored lower-cased; log-in compares lower-cased input.
    username: varchar({ length: 32 }).notNull().unique(),
    displayName: varchar({ length: 64 }).notNull(),
    phone: varchar({ length: 20 }),
    role: userRole().notNull(),
    organizationId: uuid().references((): AnyPgColumn => organizations.id),
    orgMemberRole: orgMemberRole(),
    disabledAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index().on(t.organizationId),
    // An organization member always belongs to exactly one organization; other roles to none.
    check('users_org_membership', sql`(${t.role} = 'org_member') = (${t.organizationId} is not null)`),
  ],
)

/** Password hashes live apart from users so a careless `select *` never carries them. */
export const passwords = pgTable('passwords', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  hash: text().notNull(),
  ...timestamps,
})

/** Server-side sessions: the cookie holds only the random id, so log-out and rotation are real. */
export const sessions = pgTable(
  'sessions',
  {
    id: varchar({ length: 64 }).primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.userId), index().on(t.expiresAt)],
)

/**
 * Failed log-in counters, keyed by `user:<username>` and `ip:<address>`. Kept in
 * PostgreSQL (not Redis) so throttling keeps working when Redis is down.
 */
export const loginThrottles = pgTable('login_throttles', {
  key: varchar({ length: 120 }).primaryKey(),
  failures: integer().notNull().default(0),
  windowStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp({ withTimezone: true }),
})
