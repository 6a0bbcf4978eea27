import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { users } from '../identity/tables'
import { organizations } from '../organizations/tables'
import { regions } from '../regions/tables'
import { educationLevels, genders, skillLevels } from '../taxonomy/constants'
import { skills } from '../taxonomy/tables'
import {
  donationTypes,
  itemConditions,
  listingKinds,
  listingSkillRoles,
  listingStatuses,
  trainingDeliveries,
  wagePeriods,
} from './constants'

export * from './constants'

export const listingKind = pgEnum('listing_kind', listingKinds)
export const listingStatus = pgEnum('listing_status', listingStatuses)
export const educationLevel = pgEnum('education_level', educationLevels)
export const skillLevel = pgEnum('skill_level', skillLevels)
export const gender = pgEnum('gender', genders)
export const wagePeriod = pgEnum('wage_period', wagePeriods)
export const trainingDelivery = pgEnum('training_delivery', trainingDeliveries)
export const donationType = pgEnum('donation_type', donationTypes)
export const itemCondition = pgEnum('item_condition', itemConditions)
export const listingSkillRole = pgEnum('listing_skill_role', listingSkillRoles)

/**
 * An offer (帮扶资源) of one of four kinds. Fields every kind shares live here, including
 * the eligibility rules matching treats as hard blockers; kind-specific fields live in
 * the *_details tables (one row per listing of that kind).
 */
export const listings = pgTable(
  'listings',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    kind: listingKind().notNull(),
    status: listingStatus().notNull().default('draft'),
    /** Bumped on every saved edit; matches, claims and versions record the one they saw. */
    version: integer().notNull().default(1),
    title: varchar({ length: 120 }).notNull(),
    description: text().notNull(),
    /** Administrative-division code at any level (province … village). */
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
    categories: text().array().notNull(),
    targetGroups: text().array().notNull().default([]),
    startsOn: date().notNull(),
    endsOn: date(),
    /** Openings (job), seats (training), households served (donation/project). Null: unlimited. */
    capacity: integer(),
    contactMethod: varchar({ length: 200 }).notNull(),
    // Eligibility (hard rules for matching).
    ageMin: smallint(),
    ageMax: smallint(),
    minEducation: educationLevel(),
    /** A gender-specific programme (e.g. a women's federation course); null: open to all. */
    eligibleGender: gender(),
    /** Accommodations offered (see taxonomy `accommodations`). */
    accommodations: text().array().notNull().default([]),
    publishedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
    createdById: uuid().references(() => users.id),
    ...timestamps,
  },
  (t) => [
    index().on(t.organizationId),
    index().on(t.status, t.kind),
    index().on(t.regionCode),
    index().on(t.createdById),
    index('listings_categories_gin').using('gin', t.categories),
    index('listings_target_groups_gin').using('gin', t.targetGroups),
    check('listings_dates_ordered', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
    check('listings_age_range', sql`${t.ageMin} is null or ${t.ageMax} is null or ${t.ageMin} <= ${t.ageMax}`),
    check('listings_capacity_positive', sql`${t.capacity} is null or ${t.capacity} > 0`),
    check('listings_has_category', sql`cardinality(${t.categories}) > 0`),
  ],
)

export const listingSkills = pgTable(
  'listing_skills',
  {
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    skillCode: varchar({ length: 48 })
      .notNull()
      .references(() => skills.code),
    role: listingSkillRole().notNull(),
    level: skillLevel().notNull().default('beginner'),
  },
  (t) => [primaryKey({ columns: [t.listingId, t.skillCode, t.role] }), index().on(t.skillCode)],
)

export const jobDetails = pgTable(
  'job_details',
  {
    listingId: uuid()
      .primaryKey()
      .references(() => listings.id, { onDelete: 'cascade' }),
    position: varchar({ length: 80 }).notNull(),
    wageMin: numeric({ precision: 12, scale: 2 }).notNull(),
    wageMax: numeric({ precision: 12, scale: 2 }).notNull(),
    wagePeriod: wagePeriod().notNull().default('month'),
    hoursPerWeek: smallint(),
    hoursDescription: varchar({ length: 200 }).notNull().default(''),
    workplaceRegionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
  },
  (t) => [
    index().on(t.workplaceRegionCode),
    check('job_wage_range', sql`${t.wageMin} >= 0 and ${t.wageMax} >= ${t.wageMin}`),
    check('job_hours', sql`${t.hoursPerWeek} is null or (${t.hoursPerWeek} > 0 and ${t.hoursPerWeek} <= 84)`),
  ],
)

export const trainingDetails = pgTable(
  'training_details',
  {
    listingId: uuid()
      .primaryKey()
      .references(() => listings.id, { onDelete: 'cascade' }),
    schedule: varchar({ length: 300 }).notNull(),
    costYuan: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    certificate: varchar({ length: 120 }),
    delivery: trainingDelivery().notNull(),
    prerequisites: text().notNull().default(''),
    placementPartner: varchar({ length: 128 }),
  },
  (t) => [check('training_cost', sql`${t.costYuan} >= 0`)],
)

export const donationDetails = pgTable(
  'donation_details',
  {
    listingId: uuid()
      .primaryKey()
      .references(() => listings.id, { onDelete: 'cascade' }),
    donationType: donationType().notNull(),
    /** Money: the target in yuan. */
    targetAmount: numeric({ precision: 14, scale: 2 }),
    /** In kind: item kind (棉被), unit (条), quantity, condition, expiry. */
    itemKind: varchar({ length: 48 }),
    itemUnit: varchar({ length: 16 }),
    quantity: numeric({ precision: 14, scale: 3 }),
    condition: itemCondition(),
    expiresOn: date(),
    eligibility: text().notNull().default(''),
    deliveryRegionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
  },
  (t) => [
    index().on(t.deliveryRegionCode),
    check(
      'donation_shape',
      sql`(${t.donationType} = 'money' and ${t.targetAmount} > 0 and ${t.itemKind} is null)
       or (${t.donationType} = 'in_kind' and ${t.itemKind} is not null and ${t.itemUnit} is not null and ${t.quantity} > 0)`,
    ),
  ],
)

export const projectDetails = pgTable(
  'project_details',
  {
    listingId: uuid()
      .primaryKey()
      .references(() => listings.id, { onDelete: 'cascade' }),
    durationMonths: smallint().notNull(),
    budget: numeric({ precision: 14, scale: 2 }).notNull(),
    /** Open for social organizations to claim (认领). */
    claimOpen: boolean().notNull().default(true),
  },
  (t) => [check('project_duration', sql`${t.durationMonths} >= 6`), check('project_budget', sql`${t.budget} > 0`)],
)

export const projectMilestones = pgTable(
  'project_milestones',
  {
    id: uuid().primaryKey().defaultRandom(),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    seq: smallint().notNull(),
    title: varchar({ length: 120 }).notNull(),
    dueOn: date().notNull(),
    /** Percent of the project budget, 0 < share ≤ 100; a project's shares add up to 100. */
    budgetSharePercent: numeric({ precision: 5, scale: 2 }).notNull(),
    evidenceRequired: text().notNull(),
  },
  (t) => [
    uniqueIndex().on(t.listingId, t.seq),
    check('milestone_share', sql`${t.budgetSharePercent} > 0 and ${t.budgetSharePercent} <= 100`),
  ],
)

/** Every saved edit of a listing: the full snapshot, who, when and which fields changed. */
export const listingVersions = pgTable(
  'listing_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    status: listingStatus().notNull(),
    snapshot: jsonb().notNull(),
    changedFields: text().array().notNull().default([]),
    changedById: uuid().references(() => users.id),
    changedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.listingId, t.version), index().on(t.changedById)],
)
