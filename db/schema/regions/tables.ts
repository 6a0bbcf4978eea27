import { index, pgEnum, pgTable, varchar, type AnyPgColumn } from 'drizzle-orm/pg-core'

export const regionLevels = ['province', 'city', 'county', 'township', 'village'] as const
export const regionLevel = pgEnum('region_level', regionLevels)

/**
 * Administrative divisions (行政区划) keyed by their statistical codes:
 * province 2 digits, city 4, county 6, township 9, village 12. A child's code
 * starts with its parent's, so proximity is a shared-prefix comparison.
 */
export const regions = pgTable(
  'regions',
  {
    code: varchar({ length: 12 }).primaryKey(),
    name: varchar({ length: 64 }).notNull(),
    level: regionLevel().notNull(),
    parentCode: varchar({ length: 12 }).references((): AnyPgColumn => regions.code),
  },
  (t) => [index().on(t.parentCode), index().on(t.level)],
)
