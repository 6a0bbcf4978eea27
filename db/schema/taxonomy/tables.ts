import { index, pgTable, text, varchar } from 'drizzle-orm/pg-core'

export * from './constants'

/**
 * Skills taxonomy (技能目录). `code` is stable; `synonyms` lists other names people
 * use for the same skill (电焊 / 焊工 / 电焊工), so matching and search agree on one code.
 */
export const skills = pgTable(
  'skills',
  {
    code: varchar({ length: 48 }).primaryKey(),
    nameZh: varchar({ length: 48 }).notNull(),
    nameEn: varchar({ length: 64 }).notNull(),
    domain: varchar({ length: 32 }).notNull(),
    synonyms: text().array().notNull().default([]),
  },
  (t) => [index().on(t.domain)],
)
