import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { caseworkerRegions, householdMembers, households, householdNeeds, users } from '@db/schema'
import { seed } from '@db/seed'
import { db } from '~/utils/db.server'

const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(households))[0]!.n

describe('household seed', () => {
  it('creates the requested number of households once, links demo residents and assigns demo caseworkers', async () => {
    await seed(db, { households: 120, listings: 0, quiet: true })
    expect(await count()).toBe(120)
    await seed(db, { households: 120, listings: 0, quiet: true })
    expect(await count()).toBe(120)

    const demo = await db
      .select({ username: users.username, region: households.regionCode, consent: households.consentGiven })
      .from(households)
      .innerJoin(users, eq(users.id, households.residentUserId))
    expect(demo.map((d) => d.username).sort()).toEqual(['resident', 'resident2'])
    expect(demo.find((d) => d.username === 'resident')!.region.startsWith('5226')).toBe(true)

    const regions = await db
      .select({ username: users.username, code: caseworkerRegions.regionCode })
      .from(caseworkerRegions)
      .innerJoin(users, eq(users.id, caseworkerRegions.userId))
      .where(inArray(users.username, ['caseworker', 'caseworker2']))
    expect(Object.fromEntries(regions.map((r) => [r.username, r.code]))).toEqual({ caseworker: '5226', caseworker2: '6211' })

    // Every household has members (one head) and at least one need, in a village.
    const [{ orphans }] = (await db.execute(sql`select count(*)::int as orphans from households h where not exists (select 1 from household_members m where m.household_id = h.id and m.is_head)`)) as unknown as [{ orphans: number }]
    expect(orphans).toBe(0)
    const needs = await db.selectDistinct({ c: householdNeeds.category }).from(householdNeeds)
    expect(needs.length).toBeGreaterThan(3)
    const [{ n: members }] = await db.select({ n: sql<number>`count(*)::int` }).from(householdMembers) as [{ n: number }]
    expect(members).toBeGreaterThan(120)
    const tiers = await db.selectDistinct({ t: households.riskTier }).from(households)
    expect(tiers.length).toBeGreaterThan(1)
  })
})
