import { sql } from 'drizzle-orm'
import { check, index, pgEnum, pgTable, text, timestamp, uuid, varchar, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { timestamps } from '../columns'
import { users } from '../identity/tables'
import { regions } from '../regions/tables'

import { massOrgSubtypes, organizationKinds } from './constants'

export * from './constants'

export const organizationKind = pgEnum('organization_kind', organizationKinds)
export const massOrgSubtype = pgEnum('mass_org_subtype', massOrgSubtypes)

export const organizations = pgTable(
  'organizations',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: varchar({ length: 128 }).notNull().unique(),
    kind: organizationKind().notNull(),
    massOrgSubtype: massOrgSubtype(),
    regionCode: varchar({ length: 12 })
      .notNull()
      .references(() => regions.code),
    description: text().notNull().default(''),
    contactPhone: varchar({ length: 32 }),
    // 统一社会信用代码 — 18 characters, optional at sign-up, checked by the admin on verification.
    creditCode: varchar({ length: 18 }).unique(),
    verifiedAt: timestamp({ withTimezone: true }),
    verifiedById: uuid().references((): AnyPgColumn => users.id),
    ...timestamps,
  },
  (t) => [
    index().on(t.regionCode),
    index().on(t.kind),
    index().on(t.verifiedById),
    // A mass organization always names its subtype; nobody else has one.
    check('organizations_subtype_matches_kind', sql`(${t.kind} = 'mass_org') = (${t.massOrgSubtype} is not null)`),
  ],
)
