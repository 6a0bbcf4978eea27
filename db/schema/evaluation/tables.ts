import { sql } from 'drizzle-orm'
import { boolean, check, index, numeric, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { households } from '../households/tables'
import { users } from '../identity/tables'
import { distributions, milestoneSubmissions } from '../ledger/tables'
import { listings } from '../listings/tables'
import { applications } from '../matching/tables'
import { organizations } from '../organizations/tables'
import { regions } from '../regions/tables'
import { feedbackSubjects, outcomeCodes } from './constants'

export * from './constants'

export const outcomeCode = pgEnum('outcome_code', outcomeCodes)
export const feedbackSubject = pgEnum('feedback_subject', feedbackSubjects)

/**
 * The outcome of one closed loop (an application or invitation that ended), written once when
 * it closes. Kept beside `applications` so the resolution rate is a plain aggregate.
 */
export const applicationOutcomes = pgTable(
  'application_outcomes',
  {
    applicationId: uuid()
      .primaryKey()
      .references(() => applications.id, { onDelete: 'cascade' }),
    outcome: outcomeCode().notNull(),
    /** Whether the loop had reached `accepted` (counts toward the resolution rate of accepted ones). */
    wasAccepted: boolean().notNull(),
    note: varchar({ length: 500 }).notNull().default(''),
    closedById: uuid().references(() => users.id),
    closedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.outcome, t.closedAt), index().on(t.closedById)],
)

/**
 * Feedback (评价) on one piece of completed assistance, in seed 000's three dimensions.
 * Organization, listing and region are copied at the time of writing so evaluations can be
 * grouped without joining through subjects that may later change.
 */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid().primaryKey().defaultRandom(),
    subject: feedbackSubject().notNull(),
    applicationId: uuid().references(() => applications.id, { onDelete: 'cascade' }),
    distributionId: uuid().references(() => distributions.id),
    milestoneSubmissionId: uuid().references(() => milestoneSubmissions.id),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
    satisfaction: smallint().notNull(),
    capability: smallint().notNull(),
    integration: smallint().notNull(),
    comment: text().notNull().default(''),
    recordedById: uuid()
      .notNull()
      .references(() => users.id),
    /** A caseworker recorded it on the resident's behalf (代填). */
    onBehalf: boolean().notNull().default(false),
    ...timestamps,
  },
  (t) => [
    uniqueIndex().on(t.applicationId).where(sql`${t.applicationId} is not null`),
    uniqueIndex().on(t.distributionId).where(sql`${t.distributionId} is not null`),
    uniqueIndex().on(t.milestoneSubmissionId, t.householdId).where(sql`${t.milestoneSubmissionId} is not null`),
    index().on(t.organizationId),
    index().on(t.listingId),
    index().on(t.householdId),
    index().on(t.regionCode),
    index().on(t.recordedById),
    check(
      'feedback_scores',
      sql`${t.satisfaction} between 1 and 5 and ${t.capability} between 1 and 5 and ${t.integration} between 1 and 5`,
    ),
    check(
      'feedback_subject_ref',
      sql`(${t.subject} = 'application' and ${t.applicationId} is not null and ${t.distributionId} is null and ${t.milestoneSubmissionId} is null)
        or (${t.subject} = 'distribution' and ${t.distributionId} is not null and ${t.applicationId} is null and ${t.milestoneSubmissionId} is null)
        or (${t.subject} = 'milestone' and ${t.milestoneSubmissionId} is not null and ${t.applicationId} is null and ${t.distributionId} is null)`,
    ),
    check('feedback_comment_length', sql`char_length(${t.comment}) <= 1000`),
  ],
)

/**
 * Resolution-rate thresholds (闭环率阈值): an alert is raised for administrators when an
 * organization's or a region's resolution rate over the window falls below `minRate`.
 * The row with a null region is the national default.
 */
export const resolutionThresholds = pgTable(
  'resolution_thresholds',
  {
    id: uuid().primaryKey().defaultRandom(),
    regionCode: varchar({ length: 12 }).references(() => regions.code),
    minRate: numeric({ precision: 4, scale: 3 }).notNull(),
    /** Loops closed within this many days are counted. */
    windowDays: smallint().notNull(),
    /** Fewer closed loops than this: too few to judge, no alert. */
    minClosed: smallint().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('resolution_thresholds_region').on(sql`coalesce(${t.regionCode}, '')`),
    check('resolution_thresholds_valid', sql`${t.minRate} > 0 and ${t.minRate} <= 1 and ${t.windowDays} > 0 and ${t.minClosed} > 0`),
  ],
)

/** An administrators' alert that a resolution rate fell below its threshold; one open per scope. */
export const resolutionAlerts = pgTable(
  'resolution_alerts',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** 'organization' or 'region'. */
    scope: varchar({ length: 16 }).notNull(),
    organizationId: uuid().references(() => organizations.id),
    regionCode: varchar({ length: 12 }).references(() => regions.code),
    rate: numeric({ precision: 4, scale: 3 }).notNull(),
    minRate: numeric({ precision: 4, scale: 3 }).notNull(),
    closed: smallint().notNull(),
    raisedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedById: uuid().references(() => users.id),
    resolutionNote: text(),
  },
  (t) => [
    uniqueIndex('resolution_alerts_open')
      .on(t.scope, sql`coalesce(${t.organizationId}::text, '')`, sql`coalesce(${t.regionCode}, '')`)
      .where(sql`${t.resolvedAt} is null`),
    index().on(t.resolvedById),
    check(
      'resolution_alert_scope',
      sql`(${t.scope} = 'organization' and ${t.organizationId} is not null) or (${t.scope} = 'region' and ${t.regionCode} is not null)`,
    ),
  ],
)
