import { index, integer, jsonb, pgTable, text, timestamp, uuid, varchar, uniqueIndex } from 'drizzle-orm/pg-core'

/**
 * Jobs a process could not hand to Redis (it was down or did not answer in time).
 * The worker process drains this table into the queues once Redis answers again
 * (ADR 040). Job ids are the queues' deterministic ids, so a row is one job however
 * often it was deferred, and draining twice is harmless.
 */
export const deferredJobs = pgTable(
  'deferred_jobs',
  {
    id: uuid().primaryKey().defaultRandom(),
    queue: varchar({ length: 64 }).notNull(),
    name: varchar({ length: 64 }).notNull(),
    jobId: varchar({ length: 256 }).notNull(),
    /** The job payload: ids only, never personal data (as for every queue payload). */
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    attempts: integer().notNull().default(0),
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex().on(t.queue, t.jobId), index().on(t.createdAt)],
)
