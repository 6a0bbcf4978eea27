import { and, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { organizations, regions, users } from '@db/schema'
import { parseSeedArgs, seed } from '@db/seed'
import { demoOrganizations, demoUsers } from '@db/seed/demo'
import { notEnded } from '~/models/listing-dates'
import { db } from '~/utils/db.server'

async function counts() {
  const one = async (table: typeof users | typeof organizations | typeof regions) =>
    (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n
  return { users: await one(users), organizations: await one(organizations), regions: await one(regions) }
}

describe('seed', () => {
  it('is repeatable: a second run duplicates nothing', async () => {
    await seed(db, { households: 0, listings: 0, quiet: true })
    const first = await counts()
    await seed(db, { households: 0, listings: 0, quiet: true })
    expect(await counts()).toEqual(first)
    expect(first.users).toBe(demoUsers.length)
    expect(first.organizations).toBe(demoOrganizations.length)
  })

  it('covers every role, organization kind and mass-organization subtype', async () => {
    await seed(db, { households: 0, listings: 0, quiet: true })
    const roles = await db.selectDistinct({ role: users.role }).from(users)
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'caseworker', 'donor', 'org_member', 'resident'])
    const kinds = await db.selectDistinct({ kind: organizations.kind, sub: organizations.massOrgSubtype }).from(organizations)
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(['enterprise', 'social_org', 'mass_org']))
    expect(new Set(kinds.map((k) => k.sub).filter(Boolean))).toEqual(
      new Set(['trade_union', 'youth_league', 'womens_federation', 'science_association', 'disabled_persons_federation']),
    )
  })

  it('loads real administrative divisions down to villages', async () => {
    const levels = await db.select({ level: regions.level, n: sql<number>`count(*)::int` }).from(regions).groupBy(regions.level)
    const byLevel = Object.fromEntries(levels.map((l) => [l.level, l.n]))
    expect(byLevel.province).toBe(3)
    expect(byLevel.village).toBeGreaterThan(1000)
    const [leishan] = await db.select().from(regions).where(sql`${regions.code} = '522634'`)
    expect(leishan).toMatchObject({ name: '雷山县', level: 'county', parentCode: '5226' })
  })

  it('validates its scale arguments', () => {
    expect(parseSeedArgs(['--households', '100000'])).toMatchObject({ households: 100000 })
    expect(() => parseSeedArgs(['--households=-3'])).toThrow(/whole number/)
    expect(() => parseSeedArgs(['--households', 'lots'])).toThrow(/whole number/)
  })
})

describe('seeded listings', () => {
  it('creates every kind, repeatably, and indexes the ones on offer (published, end date not passed)', async () => {
    const { listings, listingSearchDocuments } = await import('@db/schema')
    await seed(db, { households: 0, listings: 120, quiet: true })
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(listings))[0]!.n
    expect(await count()).toBe(120)
    await seed(db, { households: 0, listings: 120, quiet: true })
    expect(await count()).toBe(120)
    const kinds = await db.select({ kind: listings.kind, n: sql<number>`count(*)::int` }).from(listings).groupBy(listings.kind)
    expect(kinds.map((k) => k.kind).sort()).toEqual(['donation', 'job', 'project', 'training'])
    const onOffer = (await db.select({ n: sql<number>`count(*)::int` }).from(listings).where(and(sql`${listings.status} = 'published'`, notEnded(listings.endsOn))))[0]!.n
    const indexed = (await db.select({ n: sql<number>`count(*)::int` }).from(listingSearchDocuments))[0]!.n
    expect(onOffer).toBeGreaterThan(60)
    expect(indexed).toBe(onOffer)
  })
})
