import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, smallint, timestamp, uniqueIndex, uuid, varchar, check } from 'drizzle-orm/pg-core'
import { households, householdMembers, type Reason } from '../households/tables'
import { users } from '../identity/tables'
import { listings } from '../listings/tables'
import { applicationStatuses } from './constants'

export * from './constants'

export const applicationStatus = pgEnum('application_status', applicationStatuses)

/**
 * A scored (household, listing) pair (匹配). `memberId` is the member the score is for
 * (the best-suited one for jobs and trainings). Versions record what the score was computed from.
 */
export const matches = pgTable(
  'matches',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    memberId: uuid().references(() => householdMembers.id, { onDelete: 'cascade' }),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    score: smallint().notNull(),
    reasons: jsonb().$type<Reason[]>().notNull(),
    blockers: jsonb().$type<Reason[]>().notNull().default([]),
    listingVersion: integer().notNull(),
    householdVersion: integer().notNull(),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the resident first saw it (the "viewed" step of the loop). */
    viewedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex().on(t.listingId, t.householdId),
    index().on(t.householdId, t.score),
    index().on(t.memberId),
    check('match_score', sql`${t.score} between 0 and 100`),
  ],
)

/** An application or invitation for one (household, listing) pair, with a timestamp per step. */
export const applications = pgTable(
  'applications',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    memberId: uuid().references(() => householdMembers.id, { onDelete: 'set null' }),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    status: applicationStatus().notNull(),
    /** Score and reasons at the time of applying/inviting (the match may be rescored later). */
    score: smallint(),
    reasons: jsonb().$type<Reason[]>().notNull().default([]),
    note: varchar({ length: 500 }).notNull().default(''),
    suggestedAt: timestamp({ withTimezone: true }),
    viewedAt: timestamp({ withTimezone: true }),
    appliedAt: timestamp({ withTimezone: true }),
    invitedAt: timestamp({ withTimezone: true }),
    acceptedAt: timestamp({ withTimezone: true }),
    rejectedAt: timestamp({ withTimezone: true }),
    declinedAt: timestamp({ withTimezone: true }),
    completedAt: timestamp({ withTimezone: true }),
    withdrawnAt: timestamp({ withTimezone: true }),
    updatedById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.householdId, t.listingId),
    index().on(t.listingId, t.status),
    index().on(t.memberId),
    index().on(t.updatedById),
  ],
)

/** Cursor of the batched full rescore, so an interrupted run resumes where it stopped. */
export const rescoreRuns = pgTable('rescore_runs', {
  id: varchar({ length: 64 }).primaryKey(),
  /** Last listing id scored (uuid order); null: not started. */
  cursor: uuid(),
  scored: integer().notNull().default(0),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp({ withTimezone: true }),
})
