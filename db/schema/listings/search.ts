import { sql } from 'drizzle-orm'
import { check, customType, index, integer, numeric, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core'
import { users } from '../identity/tables'
import { organizationKind } from '../organizations/tables'
import { duplicateFlagStatuses } from './constants'
import { listingKind, listings } from './tables'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * The PostgreSQL search engine's index: one row per listing that is visible to the public
 * (published). `words` is the jieba-segmented text (space-separated), turned into `document`
 * with the 'simple' configuration, so Chinese words are tokens. The typo fallback reads the vocabulary
 * (listingSearchWords), not the documents' text.
 */
export const listingSearchDocuments = pgTable(
  'listing_search_documents',
  {
    listingId: uuid()
      .primaryKey()
      .references(() => listings.id, { onDelete: 'cascade' }),
    /** The listing version indexed; an older job never overwrites a newer document. */
    version: integer().notNull(),
    kind: listingKind().notNull(),
    organizationId: uuid().notNull(),
    organizationKind: organizationKind().notNull(),
    regionCode: varchar({ length: 12 }).notNull(),
    categories: text().array().notNull(),
    targetGroups: text().array().notNull(),
    title: varchar({ length: 120 }).notNull(),
    words: text().notNull(),
    document: tsvector().notNull(),
    publishedAt: timestamp({ withTimezone: true }).notNull(),
    indexedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('listing_search_documents_document_gin').using('gin', t.document),
    index('listing_search_documents_categories_gin').using('gin', t.categories),
    index('listing_search_documents_target_groups_gin').using('gin', t.targetGroups),
    index().on(t.kind),
    // The region filter is a code prefix (`region_code like '5226%'`); a plain btree cannot serve LIKE
    // under the database's C.UTF-8 collation, the pattern operator class can.
    index('listing_search_documents_region_code_prefix').on(t.regionCode.op('varchar_pattern_ops')),
    index().on(t.organizationId),
  ],
)

/**
 * The vocabulary of the search index: one row per distinct word (lexeme) of the documents, with the
 * number of documents holding it. The fuzzy fallback looks typos and partial words up here (a trigram
 * index over a few thousand words) and then searches the documents for the corrections it finds.
 * Kept by statement-level triggers on listing_search_documents (hand-written migration), so every
 * change of a document — index(), remove(), clear(), a listing deleted with its document — adjusts the
 * counts in the same transaction; a word whose last document goes is deleted.
 */
export const listingSearchWords = pgTable(
  'listing_search_words',
  {
    word: text().primaryKey(),
    documents: integer().notNull(),
  },
  (t) => [index('listing_search_words_trigram_gin').using('gin', t.word.op('gin_trgm_ops'))],
)

export const duplicateFlagStatus = pgEnum('duplicate_flag_status', duplicateFlagStatuses)

/**
 * A likely near-duplicate: `listingId` (the one just published) resembles `otherListingId`
 * (another organization's active listing). One row per unordered pair (low id first).
 */
export const listingDuplicateFlags = pgTable(
  'listing_duplicate_flags',
  {
    id: uuid().primaryKey().defaultRandom(),
    listingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    otherListingId: uuid()
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    similarity: numeric({ precision: 5, scale: 4 }).notNull(),
    status: duplicateFlagStatus().notNull().default('open'),
    decidedById: uuid().references(() => users.id),
    decidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex().on(t.listingId, t.otherListingId),
    index().on(t.otherListingId),
    index().on(t.status),
    index().on(t.decidedById),
    check('duplicate_flag_pair_ordered', sql`${t.listingId} < ${t.otherListingId}`),
  ],
)
