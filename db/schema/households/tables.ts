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
import { educationLevel, gender, skillLevel } from '../listings/tables'
import { regions } from '../regions/tables'
import { skills } from '../taxonomy/tables'
import {
  disabilityTypes,
  employmentStatuses,
  healthStatuses,
  hoursPreferences,
  housingTypes,
  riskTiers,
  savingsBands,
  workRadii,
} from './constants'

export * from './constants'

export const riskTier = pgEnum('risk_tier', riskTiers)
export const housingType = pgEnum('housing_type', housingTypes)
export const savingsBand = pgEnum('savings_band', savingsBands)
export const healthStatus = pgEnum('health_status', healthStatuses)
export const disabilityType = pgEnum('disability_type', disabilityTypes)
export const employmentStatus = pgEnum('employment_status', employmentStatuses)
export const workRadius = pgEnum('work_radius', workRadii)
export const hoursPreference = pgEnum('hours_preference', hoursPreferences)

/** A structured reason: a catalog code plus its parameters (rendered in either locale). */
export type Reason = { code: string; params?: Record<string, string | number> }

/**
 * One household, one file (一户一档). The twelve indicators of seed 000 live here as
 * typed columns, grouped income / assets / rigid expenditure / special circumstances
 * (disability is per member). Amounts are numeric yuan, monthly.
 */
export const households = pgTable(
  'households',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Village-level administrative code. */
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
    address: varchar({ length: 200 }).notNull().default(''),
    caseworkerId: uuid().references(() => users.id),
    /** The resident account linked through an invitation code. */
    residentUserId: uuid()
      .references(() => users.id)
      .unique(),
    /** Consent to be matched and shown (masked) to organizations. */
    consentGiven: boolean().notNull().default(false),
    consentChangedAt: timestamp({ withTimezone: true }),
    // Income
    incomePerCapitaMonthly: numeric({ precision: 12, scale: 2 }).notNull(),
    incomeSources: text().array().notNull().default([]),
    // Assets
    housingType: housingType().notNull(),
    landMu: numeric({ precision: 8, scale: 2 }).notNull().default('0'),
    vehicleCount: smallint().notNull().default(0),
    savingsBand: savingsBand().notNull().default('none'),
    // Rigid expenditure (monthly yuan)
    medicalMonthly: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    schoolingMonthly: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    housingMonthly: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    careMonthly: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    // Special circumstances
    seriousIllness: boolean().notNull().default(false),
    singleParent: boolean().notNull().default(false),
    leftBehindChild: boolean().notNull().default(false),
    leftBehindElderly: boolean().notNull().default(false),
    disasterAffected: boolean().notNull().default(false),
    recentJobLoss: boolean().notNull().default(false),
    debtYuan: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    // Risk tier (computed by app/models/risk.server.ts on every save)
    riskTier: riskTier().notNull().default('C'),
    riskReasons: jsonb().$type<Reason[]>().notNull().default([]),
    nextReviewOn: date().notNull(),
    version: integer().notNull().default(1),
    ...timestamps,
  },
  (t) => [
    index().on(t.regionCode),
    index().on(t.caseworkerId),
    index('households_region_prefix').on(sql`${t.regionCode} varchar_pattern_ops`),
    index().on(t.riskTier, t.nextReviewOn),
    check('households_amounts', sql`${t.incomePerCapitaMonthly} >= 0 and ${t.medicalMonthly} >= 0 and ${t.schoolingMonthly} >= 0
      and ${t.housingMonthly} >= 0 and ${t.careMonthly} >= 0 and ${t.debtYuan} >= 0 and ${t.landMu} >= 0 and ${t.vehicleCount} >= 0`),
  ],
)

export const householdMembers = pgTable(
  'household_members',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    fullName: varchar({ length: 32 }).notNull(),
    isHead: boolean().notNull().default(false),
    birthDate: date().notNull(),
    gender: gender().notNull(),
    education: educationLevel().notNull(),
    health: healthStatus().notNull().default('healthy'),
    disabilityType: disabilityType(),
    /** 1 (most severe) … 4; set together with the type. */
    disabilityGrade: smallint(),
    usesWheelchair: boolean().notNull().default(false),
    employmentStatus: employmentStatus().notNull(),
    workRadius: workRadius().notNull().default('county'),
    hoursPreference: hoursPreference().notNull().default('full_time'),
    remoteOnly: boolean().notNull().default(false),
    /** Needs working hours compatible with caring for children. */
    needsChildcareHours: boolean().notNull().default(false),
    /** National ID number: keyed hash (feed matching, not unique), sealed copy, mask. Never plain. */
    idHash: varchar({ length: 64 }),
    idSealed: text(),
    idMasked: varchar({ length: 24 }),
    ...timestamps,
  },
  (t) => [
    index().on(t.householdId),
    index().on(t.idHash),
    check('member_disability', sql`(${t.disabilityType} is null) = (${t.disabilityGrade} is null)`),
    check('member_disability_grade', sql`${t.disabilityGrade} is null or ${t.disabilityGrade} between 1 and 4`),
  ],
)

export const memberSkills = pgTable(
  'member_skills',
  {
    memberId: uuid()
      .notNull()
      .references(() => householdMembers.id, { onDelete: 'cascade' }),
    skillCode: varchar({ length: 48 })
      .notNull()
      .references(() => skills.code),
    level: skillLevel().notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.skillCode] }), index().on(t.skillCode)],
)

export const householdNeeds = pgTable(
  'household_needs',
  {
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    category: varchar({ length: 32 }).notNull(),
    /** 1 urgent, 2 important, 3 would help. */
    priority: smallint().notNull().default(2),
    note: text().notNull().default(''),
    /** When this need was first recorded (kept across saves; the KPI "need → first accepted offer" starts here). */
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.householdId, t.category] }),
    index().on(t.category),
    check('need_priority', sql`${t.priority} between 1 and 3`),
  ],
)

/** Every saved change: who, when, which fields, and the whole file as it became. */
export const householdVersions = pgTable(
  'household_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    snapshot: jsonb().notNull(),
    changedFields: text().array().notNull().default([]),
    changedById: uuid().references(() => users.id),
    /** Set when a system source made the change, e.g. `feed:medical_insurance`. */
    changedByLabel: varchar({ length: 48 }),
    changedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.householdId, t.version), index().on(t.changedById)],
)

/** One-time codes a caseworker hands over to link a resident account; only the hash is stored. */
export const householdInvitations = pgTable(
  'household_invitations',
  {
    id: uuid().primaryKey().defaultRandom(),
    householdId: uuid()
      .notNull()
      .references(() => households.id, { onDelete: 'cascade' }),
    codeHash: varchar({ length: 64 }).notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    usedById: uuid().references(() => users.id),
    createdById: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.householdId), index().on(t.usedById), index().on(t.createdById)],
)

/** Which regions a caseworker keeps files for: every region whose code starts with the prefix. */
export const caseworkerRegions = pgTable(
  'caseworker_regions',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
  },
  (t) => [primaryKey({ columns: [t.userId, t.regionCode] }), index().on(t.regionCode)],
)

/**
 * Minimum living standard (低保标准) per region, monthly yuan, effective from a date.
 * Looked up by the longest region-code prefix: a county row overrides its city's.
 */
export const minimumLivingStandards = pgTable(
  'minimum_living_standards',
  {
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
    effectiveFrom: date().notNull(),
    monthlyYuan: numeric({ precision: 10, scale: 2 }).notNull(),
    source: varchar({ length: 200 }).notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.regionCode, t.effectiveFrom] }), check('mls_positive', sql`${t.monthlyYuan} > 0`)],
)
