import { sql } from 'drizzle-orm'
import { check, date, index, jsonb, numeric, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { households } from '../households/tables'
import { users } from '../identity/tables'
import { regions } from '../regions/tables'
import { alertSeverities, alertStates } from './constants'

export * from './constants'

export const alertSeverity = pgEnum('alert_severity', alertSeverities)
export const alertState = pgEnum('alert_state', alertStates)

/**
 * Early-warning thresholds (预警阈值) per region. The row with the longest region-code prefix
 * of a household's region wins; the row with a null region is the national default (seeded).
 */
export const warningThresholds = pgTable(
  'warning_thresholds',
  {
    id: uuid().primaryKey().defaultRandom(),
    regionCode: varchar({ length: 12 }).references(() => regions.code),
    /** Medical expenditure above this share of household income. */
    medicalShare: numeric({ precision: 5, scale: 3 }).notNull(),
    /** Medical expenditure at least this multiple of its level within the lookback. */
    medicalGrowthFactor: numeric({ precision: 5, scale: 2 }).notNull(),
    /** Household income falling by more than this share vs. the lookback. */
    incomeDropShare: numeric({ precision: 5, scale: 3 }).notNull(),
    /** Debt above this many yuan. */
    debtYuan: numeric({ precision: 14, scale: 2 }).notNull(),
    lookbackMonths: smallint().notNull(),
    /** Days until an alert is due, by severity. */
    highDueDays: smallint().notNull(),
    mediumDueDays: smallint().notNull(),
    lowDueDays: smallint().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('warning_thresholds_region').on(sql`coalesce(${t.regionCode}, '')`),
    check(
      'warning_thresholds_positive',
      sql`${t.medicalShare} > 0 and ${t.medicalGrowthFactor} > 1 and ${t.incomeDropShare} > 0 and ${t.incomeDropShare} < 1
        and ${t.debtYuan} >= 0 and ${t.lookbackMonths} > 0 and ${t.highDueDays} > 0 and ${t.mediumDueDays} > 0 and ${t.lowDueDays} > 0`,
    ),
  ],
)

/**
 * An early-warning alert (预警) for a household's caseworker. `dedupeKey` names the condition:
 * at most one alert per household and key is not yet resolved, so a condition raises once.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    caseworkerId: uuid().references(() => users.id),
    rule: varchar({ length: 48 }).notNull(),
    severity: alertSeverity().notNull(),
    params: jsonb().$type<Record<string, string | number>>().notNull().default({}),
    dedupeKey: varchar({ length: 120 }).notNull(),
    state: alertState().notNull().default('open'),
    dueOn: date().notNull(),
    raisedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedById: uuid().references(() => users.id),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedById: uuid().references(() => users.id),
    resolutionNote: text(),
  },
  (t) => [
    uniqueIndex('alerts_unresolved_dedupe').on(t.householdId, t.dedupeKey).where(sql`${t.state} <> 'resolved'`),
    index().on(t.caseworkerId, t.state, t.dueOn),
    index().on(t.acknowledgedById),
    index().on(t.resolvedById),
    check('alert_resolution', sql`(${t.state} = 'resolved') = (${t.resolvedAt} is not null and ${t.resolutionNote} is not null)`),
    check('alert_acknowledged', sql`${t.state} = 'open' or ${t.acknowledgedAt} is not null`),
  ],
)

/** A review (复核) due for a household, in its caseworker's queue. */
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    caseworkerId: uuid().references(() => users.id),
    dueOn: date().notNull(),
    doneAt: timestamp({ withTimezone: true }),
    doneById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.householdId, t.dueOn), index().on(t.caseworkerId, t.dueOn), index().on(t.doneById)],
)
