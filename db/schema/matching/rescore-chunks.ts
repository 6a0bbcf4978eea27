import { integer, pgTable, primaryKey, timestamp, uuid, varchar } from 'drizzle-orm/pg-core'
import { rescoreRuns } from './tables'

/**
 * A full rescore is split into chunks of listing ids (an id range each), so several worker
 * processes share it. Planned once per run; a chunk is marked done once, so a retried or
 * re-enqueued chunk never counts twice, and a killed run resumes with the chunks not done.
 */
export const rescoreChunks = pgTable(
  'rescore_chunks',
  {
    runId: varchar({ length: 64 })
      .notNull()
      .references(() => rescoreRuns.id, { onDelete: 'cascade' }),
    chunk: integer().notNull(),
    /** First and last listing id of the chunk (inclusive, uuid order). */
    firstId: uuid().notNull(),
    lastId: uuid().notNull(),
    listings: integer().notNull(),
    doneAt: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.chunk] })],
)
