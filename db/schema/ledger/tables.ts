import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core'
import { households } from '../households/tables'
import { timestamps } from '../columns'
import { users } from '../identity/tables'
import { itemCondition, listings, projectMilestones } from '../listings/tables'
import { organizations } from '../organizations/tables'
import { accountCodes, claimStatuses, ownerTypes, submissionStatuses, transferCodes, writeOffReasons } from './constants'

export * from './constants'

export const accountCode = pgEnum('ledger_account_code', accountCodes)
export const ownerType = pgEnum('ledger_owner_type', ownerTypes)
export const transferCode = pgEnum('ledger_transfer_code', transferCodes)
export const claimStatus = pgEnum('claim_status', claimStatuses)
export const submissionStatus = pgEnum('milestone_submission_status', submissionStatuses)
export const writeOffReason = pgEnum('write_off_reason', writeOffReasons)

/** Balances and amounts: enough digits for any yuan sum, three decimals for fractional item units. */
const amount = () => numeric({ precision: 20, scale: 3 })

/** One row per asset (one ledger each): CNY, or one item kind with its unit. */
export const ledgerAssets = pgTable(
  'ledger_assets',
  {
    code: varchar({ length: 80 }).primaryKey(),
    /** Decimal places an amount may carry: CNY 2, items 0 unless the unit is divisible (kg). */
    scale: smallint().notNull(),
    itemKind: varchar({ length: 48 }),
    itemUnit: varchar({ length: 16 }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('ledger_assets_scale', sql`${t.scale} between 0 and 3`)],
)

/**
 * A double-entry account (TigerBeetle's model). Balances live in the row and are only
 * changed by ledger.server.ts inside the transaction that inserts the transfer; the CHECK
 * constraints make the database itself refuse an overdraft.
 */
export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    ledger: varchar({ length: 80 })
      .notNull()
      .references(() => ledgerAssets.code),
    code: accountCode().notNull(),
    ownerType: ownerType().notNull(),
    ownerId: uuid().notNull(),
    /** Narrows the account: the listing of an escrow, the lot of a stock account. */
    scopeId: uuid(),
    debitsMustNotExceedCredits: boolean().notNull().default(false),
    creditsMustNotExceedDebits: boolean().notNull().default(false),
    debitsPending: amount().notNull().default('0'),
    debitsPosted: amount().notNull().default('0'),
    creditsPending: amount().notNull().default('0'),
    creditsPosted: amount().notNull().default('0'),
    closedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('ledger_accounts_identity').on(t.ledger, t.code, t.ownerType, t.ownerId, t.scopeId).nullsNotDistinct(),
    index().on(t.ownerType, t.ownerId),
    index().on(t.scopeId),
    check('ledger_accounts_one_flag', sql`not (${t.debitsMustNotExceedCredits} and ${t.creditsMustNotExceedDebits})`),
    check(
      'ledger_accounts_nonnegative',
      sql`${t.debitsPending} >= 0 and ${t.debitsPosted} >= 0 and ${t.creditsPending} >= 0 and ${t.creditsPosted} >= 0`,
    ),
    check(
      'ledger_accounts_debits_must_not_exceed_credits',
      sql`not ${t.debitsMustNotExceedCredits} or ${t.debitsPending} + ${t.debitsPosted} <= ${t.creditsPosted}`,
    ),
    check(
      'ledger_accounts_credits_must_not_exceed_debits',
      sql`not ${t.creditsMustNotExceedDebits} or ${t.creditsPending} + ${t.creditsPosted} <= ${t.debitsPosted}`,
    ),
  ],
)

/**
 * Append-only (triggers in the custom migration). `id` is the caller's idempotency key.
 * A pending row is a hold; a later post/void row names it in `pendingId`, and the partial
 * unique index lets a hold be resolved exactly once.
 */
export const ledgerTransfers = pgTable(
  'ledger_transfers',
  {
    id: varchar({ length: 128 }).primaryKey(),
    /** Insertion order, for timelines and cursors. */
    seq: bigint({ mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    debitAccountId: uuid()
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: uuid()
      .notNull()
      .references(() => ledgerAccounts.id),
    amount: amount().notNull(),
    ledger: varchar({ length: 80 })
      .notNull()
      .references(() => ledgerAssets.code),
    code: transferCode().notNull(),
    pending: boolean().notNull().default(false),
    postPending: boolean().notNull().default(false),
    voidPending: boolean().notNull().default(false),
    linked: boolean().notNull().default(false),
    pendingId: varchar({ length: 128 }).references((): AnyPgColumn => ledgerTransfers.id),
    /** Seconds a hold may live; `expiresAt` is fixed at insert. */
    timeoutSeconds: integer(),
    expiresAt: timestamp({ withTimezone: true }),
    listingId: uuid().references(() => listings.id),
    lotId: uuid().references((): AnyPgColumn => ledgerLots.id),
    milestoneId: uuid().references(() => projectMilestones.id),
    claimId: uuid().references((): AnyPgColumn => projectClaims.id),
    /** A person who caused it (donor, org member, resident, caseworker); null for jobs. */
    actorId: uuid().references(() => users.id),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ledger_transfers_one_resolution').on(t.pendingId).where(sql`${t.pendingId} is not null`),
    uniqueIndex().on(t.seq),
    index().on(t.debitAccountId),
    index().on(t.creditAccountId),
    index().on(t.ledger),
    index().on(t.listingId),
    index().on(t.lotId),
    index().on(t.milestoneId),
    index().on(t.claimId),
    index().on(t.actorId),
    index('ledger_transfers_open_holds').on(t.expiresAt).where(sql`${t.pending}`),
    check('ledger_transfers_amount_positive', sql`${t.amount} > 0`),
    check('ledger_transfers_two_accounts', sql`${t.debitAccountId} <> ${t.creditAccountId}`),
    check(
      'ledger_transfers_one_phase',
      sql`(${t.pending}::int + ${t.postPending}::int + ${t.voidPending}::int) <= 1`,
    ),
    check('ledger_transfers_pending_ref', sql`(${t.pendingId} is not null) = (${t.postPending} or ${t.voidPending})`),
    check('ledger_transfers_timeout', sql`${t.timeoutSeconds} is null or (${t.pending} and ${t.timeoutSeconds} > 0)`),
  ],
)

/** A transfer id that failed for a state-dependent reason stays failed (a retry returns the same error). */
export const ledgerFailedTransfers = pgTable('ledger_failed_transfers', {
  id: varchar({ length: 128 }).primaryKey(),
  reason: varchar({ length: 48 }).notNull(),
  params: jsonb().notNull().default({}),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** An in-kind donation batch (捐赠批次). Its path is read from the transfers that carry its id. */
export const ledgerLots = pgTable(
  'ledger_lots',
  {
    id: uuid().primaryKey().defaultRandom(),
    ledger: varchar({ length: 80 })
      .notNull()
      .references(() => ledgerAssets.code),
    donorId: uuid()
      .notNull()
      .references(() => users.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    listingId: uuid().references(() => listings.id),
    itemKind: varchar({ length: 48 }).notNull(),
    itemUnit: varchar({ length: 16 }).notNull(),
    quantity: amount().notNull(),
    condition: itemCondition().notNull(),
    expiresOn: date(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.donorId),
    index().on(t.organizationId),
    index().on(t.listingId),
    index().on(t.ledger),
    check('ledger_lots_quantity', sql`${t.quantity} > 0`),
  ],
)

/**
 * A hand-over of part of a lot to a household (发放): a pending stock → household transfer
 * (in transit) posted when the recipient confirms (签收), voided when it is called back.
 */
export const distributions = pgTable(
  'ledger_distributions',
  {
    id: uuid().primaryKey().defaultRandom(),
    lotId: uuid()
      .notNull()
      .references(() => ledgerLots.id),
    /** The receiving household (chosen among those eligible for the lot's listing). */
    householdId: uuid()
      .notNull()
      .references(() => households.id),
    /** The resident who may confirm in the app, when the household has one. */
    recipientUserId: uuid().references(() => users.id),
    /** Masked display: surname + 某 and the village-level region code. */
    recipientMasked: varchar({ length: 16 }).notNull(),
    recipientRegionCode: varchar({ length: 12 }).notNull(),
    /** Six digits the caseworker records to confirm on the recipient's behalf. */
    confirmationCode: varchar({ length: 6 }).notNull(),
    pendingTransferId: varchar({ length: 128 })
      .notNull()
      .references(() => ledgerTransfers.id),
    confirmedAt: timestamp({ withTimezone: true }),
    confirmedById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.lotId),
    index().on(t.householdId),
    index().on(t.recipientUserId),
    index().on(t.confirmedById),
    uniqueIndex().on(t.pendingTransferId),
  ],
)

/** A write-off (核销/报损) with its reason; the transfer is stock → write_off. */
export const writeOffs = pgTable(
  'ledger_write_offs',
  {
    transferId: varchar({ length: 128 })
      .primaryKey()
      .references(() => ledgerTransfers.id),
    lotId: uuid()
      .notNull()
      .references(() => ledgerLots.id),
    reason: writeOffReason().notNull(),
    note: text().notNull().default(''),
    recordedById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.lotId), index().on(t.recordedById)],
)

/** A social organization's claim (认领) of a long-term project, with its plan and budget. */
export const projectClaims = pgTable(
  'project_claims',
  {
    id: uuid().primaryKey().defaultRandom(),
    listingId: uuid()
      .notNull()
      .references(() => listings.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    plan: text().notNull(),
    budget: numeric({ precision: 14, scale: 2 }).notNull(),
    status: claimStatus().notNull().default('pending'),
    listingVersion: integer().notNull(),
    decidedAt: timestamp({ withTimezone: true }),
    decidedById: uuid().references(() => users.id),
    createdById: uuid().references(() => users.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex().on(t.listingId, t.organizationId),
    index().on(t.organizationId),
    index().on(t.decidedById),
    index().on(t.createdById),
    check('project_claims_budget', sql`${t.budget} > 0`),
  ],
)

/** Evidence (佐证材料) for one milestone of one claim; paid out from escrow once approved. */
export const milestoneSubmissions = pgTable(
  'milestone_submissions',
  {
    id: uuid().primaryKey().defaultRandom(),
    claimId: uuid()
      .notNull()
      .references(() => projectClaims.id),
    milestoneId: uuid()
      .notNull()
      .references(() => projectMilestones.id),
    evidence: text().notNull(),
    status: submissionStatus().notNull().default('submitted'),
    reviewNote: text(),
    reviewedAt: timestamp({ withTimezone: true }),
    reviewedById: uuid().references(() => users.id),
    payoutTransferId: varchar({ length: 128 }).references(() => ledgerTransfers.id),
    submittedById: uuid().references(() => users.id),
    ...timestamps,
  },
  (t) => [
    index().on(t.claimId),
    index().on(t.milestoneId),
    index().on(t.reviewedById),
    index().on(t.submittedById),
    // At most one approved submission per claim and milestone: a milestone is paid once.
    uniqueIndex('milestone_submissions_one_approval').on(t.claimId, t.milestoneId).where(sql`${t.status} = 'approved'`),
  ],
)

/** An admin alert raised by reconciliation (or any integrity check). */
export const ledgerAlerts = pgTable(
  'ledger_alerts',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: varchar({ length: 48 }).notNull(),
    details: jsonb().notNull(),
    /** The reconciliation run that raised it; one alert per run and kind. */
    runKey: varchar({ length: 64 }).notNull(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.runKey, t.kind), index().on(t.acknowledgedById), index().on(t.createdAt)],
)
