import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from '../identity/tables'
import { listings } from '../listings/tables'
import { organizations } from '../organizations/tables'
import { importKinds, importStatuses } from './constants'

export * from './constants'

export const importKind = pgEnum('import_kind', importKinds)
export const importStatus = pgEnum('import_status', importStatuses)

/**
 * One uploaded CSV file between preview and import. The file is kept sealed (AES-256-GCM,
 * it may hold ID numbers) only until it is imported or expires; the preview and the row
 * errors are stored without personal data.
 */
export const importBatches = pgTable(
  'import_batches',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: importKind().notNull(),
    uploadedById: uuid()
      .notNull()
      .references(() => users.id),
    /** The uploader's organization (listing imports): the only one the rows go into. */
    organizationId: uuid().references(() => organizations.id),
    fileName: varchar({ length: 200 }).notNull(),
    contentSha256: varchar({ length: 64 }).notNull(),
    /** The file text, sealed; null once imported, failed or expired. */
    sealedContent: text(),
    status: importStatus().notNull().default('staged'),
    rowCount: integer().notNull().default(0),
    /** Row errors found at upload: [{ line, column, message }] (message is a catalog key). */
    issues: jsonb().$type<Array<{ line: number; field: string | null; message: string }>>().notNull().default([]),
    /** The first rows as they will be imported (no ID numbers: masked). */
    preview: jsonb().$type<Array<Record<string, string>>>().notNull().default([]),
    importedCount: integer().notNull().default(0),
    /** Why a confirmed import was rolled back: { line, field, message }. */
    failure: jsonb().$type<{ line: number; field: string | null; message: string }>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    importedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.uploadedById), index().on(t.organizationId), index().on(t.status, t.expiresAt)],
)

/**
 * Which record each line of a batch became. The primary key (batch, line) is what makes a
 * retried import job unable to import a line twice.
 */
export const importRecords = pgTable(
  'import_records',
  {
    batchId: uuid()
      .notNull()
      .references(() => importBatches.id),
    line: integer().notNull(),
    entityId: uuid().notNull(),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.line] })],
)

/** An organization's own key for a listing (外部编号), unique per organization: re-importing a file is refused, not duplicated. */
export const listingExternalKeys = pgTable(
  'listing_external_keys',
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    externalKey: varchar({ length: 64 }).notNull(),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    batchId: uuid().references(() => importBatches.id),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.externalKey] }), index().on(t.listingId), index().on(t.batchId)],
)
