import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from '../identity/tables'
import { departments, feedDeliverySources, feedDeliveryStatuses, feedRecordStatuses, feedTypes } from './constants'

export * from './constants'

export const department = pgEnum('department', departments)
export const feedType = pgEnum('feed_type', feedTypes)
export const feedDeliverySource = pgEnum('feed_delivery_source', feedDeliverySources)
export const feedDeliveryStatus = pgEnum('feed_delivery_status', feedDeliveryStatuses)
export const feedRecordStatus = pgEnum('feed_record_status', feedRecordStatuses)

/** Per-department API keys for the HTTP feed endpoint. Only a SHA-256 of the key is kept. */
export const feedApiKeys = pgTable(
  'feed_api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    department: department().notNull(),
    /** Feed types this key may deliver (a subset of its department's). */
    feedTypes: text().array().notNull(),
    label: varchar({ length: 80 }).notNull(),
    /** First characters of the key, shown so people can tell keys apart. */
    keyPrefix: varchar({ length: 16 }).notNull(),
    keyHash: varchar({ length: 64 }).notNull().unique(),
    createdById: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.createdById), index().on(t.department)],
)

/** One delivered file (upload or API call). The file itself is never stored: it holds plain ID numbers. */
export const feedDeliveries = pgTable(
  'feed_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    feedType: feedType().notNull(),
    department: department().notNull(),
    source: feedDeliverySource().notNull(),
    fileName: varchar({ length: 200 }).notNull(),
    format: varchar({ length: 8 }).notNull(),
    contentSha256: varchar({ length: 64 }).notNull(),
    status: feedDeliveryStatus().notNull().default('queued'),
    /** Catalog key (with params) saying why the whole file was refused. */
    refusal: text(),
    rowsTotal: integer().notNull().default(0),
    rowsApplied: integer().notNull().default(0),
    rowsRejected: integer().notNull().default(0),
    rowsReview: integer().notNull().default(0),
    rowsDuplicate: integer().notNull().default(0),
    deliveredById: uuid().references(() => users.id),
    apiKeyId: uuid().references(() => feedApiKeys.id),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.feedType, t.receivedAt), index().on(t.deliveredById), index().on(t.apiKeyId), index().on(t.status)],
)

/**
 * One row of a delivery. Identity is kept only as a keyed hash (matching), a sealed copy
 * (authorised display) and a mask. `recordKey` is the department's own record number and
 * `revision` a digest of the row's content: one record number carries changes over time (低保
 * enrolled, later terminated; an unemployment registration, later re-employed), so feed type +
 * record key + revision is applied at most once, whatever is re-delivered or retried.
 */
export const feedRecords = pgTable(
  'feed_records',
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => feedDeliveries.id, { onDelete: 'cascade' }),
    feedType: feedType().notNull(),
    line: integer().notNull(),
    recordKey: varchar({ length: 64 }),
    /** md5 of the ID hash and the validated row (`data` as delivered), set on intake; null for rejected rows. */
    revision: varchar({ length: 32 }),
    status: feedRecordStatus().notNull(),
    /** Row problems: [{ field, message }] with catalog-key messages. */
    issues: jsonb().notNull().default([]),
    idHash: varchar({ length: 64 }),
    idMasked: varchar({ length: 24 }),
    idSealed: text(),
    /** The row's other fields, validated and typed (never the plain ID number). */
    data: jsonb(),
    /** The household member it was matched to (set when applied or resolved in review). */
    memberId: uuid(),
    reviewNote: text(),
    resolvedById: uuid().references(() => users.id),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.deliveryId, t.line),
    index().on(t.status),
    index().on(t.idHash),
    index().on(t.resolvedById),
    index().on(t.memberId),
    // The idempotency guarantee lives in the database: a record's content is applied once per feed.
    uniqueIndex('feed_records_applied_once').on(t.feedType, t.recordKey, t.revision).where(sql`${t.status} = 'applied'`),
  ],
)
