// The matching cache of household inputs (population.server.ts) must never score stale data:
// every edit path bumps the household's version, and a changed version reloads the household.
import { eq } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { householdMembers, households } from '@db/schema'
import { decodeSubject, type Population } from '~/models/matching-encoded.server'
import { updateHousehold } from '~/models/household.server'
import { scoringContext } from '~/models/matches.server'
import { clearPopulationCache, loadPopulation, populationCacheStats } from '~/models/population.server'
import { db } from '~/utils/db.server'
import { householdFixture, makeCaseworker, makeHousehold } from '../factories/households'

const subjects = (pop: Population) => Array.from({ length: pop.count }, (_, i) => decodeSubject(pop, i))
const load = async (ids: string[]) => loadPopulation(db, await scoringContext(), { ids })

describe('matching cache of household inputs', () => {
  beforeEach(() => clearPopulationCache())

  it('reuses inputs while the version holds, and reloads a household the moment it changes', async () => {
    const cw = await makeCaseworker()
    const a = await makeHousehold({}, cw)
    const b = await makeHousehold({ members: [{ fullName: '李红', gender: 'female', skills: [{ code: '缝纫', level: 'beginner' }] }] }, cw)
    const cold = subjects(await load([a.id, b.id]))
    expect(populationCacheStats).toEqual({ hits: 0, misses: 2 })
    expect(subjects(await load([a.id, b.id]))).toEqual(cold)
    expect(populationCacheStats).toEqual({ hits: 2, misses: 2 })

    // A caseworker edits members, skills and needs through the versioned save.
    await updateHousehold(
      { id: cw.id, role: 'caseworker' },
      a.id,
      householdFixture({
        needs: [{ category: 'skills_training', priority: 2, note: '' }],
        members: [{ skills: [{ code: '电焊', level: 'advanced' }] }, { fullName: '王小光', isHead: false, birthDate: '2004-06-01', employmentStatus: 'unemployed' }],
      }),
    )
    const [after] = subjects(await load([a.id]))
    expect(populationCacheStats.misses).toBe(3)
    expect(after!.needs).toEqual([{ category: 'skills_training', priority: 2 }])
    expect(after!.members).toHaveLength(2)
    expect(after!.members.flatMap((m) => m.skills)).toContainEqual({ code: 'welding', level: 'advanced' })
    // The same load with nothing cached gives the same inputs.
    clearPopulationCache()
    expect(subjects(await load([a.id]))).toEqual([after])
  })

  it('reads the household row itself fresh (risk tier, flags) even on a cache hit', async () => {
    const file = await makeHousehold()
    await load([file.id])
    // A risk reassessment changes the tier without a new version (the file did not change).
    await db.update(households).set({ riskTier: 'C', leftBehindElderly: true }).where(eq(households.id, file.id))
    const [s] = subjects(await load([file.id]))
    expect(populationCacheStats.hits).toBe(1)
    expect(s!.riskTier).toBe('C')
    expect(s!.targetGroups).toContain('left_behind_elderly')
  })

  it('never caches what it read inside a transaction (it may roll back)', async () => {
    const file = await makeHousehold()
    const ctx = await scoringContext()
    await db
      .transaction(async (tx) => {
        await tx.update(householdMembers).set({ education: 'bachelor' }).where(eq(householdMembers.householdId, file.id))
        await tx.update(households).set({ version: file.version + 1 }).where(eq(households.id, file.id))
        const inside = await loadPopulation(tx, ctx, { ids: [file.id] })
        expect(decodeSubject(inside, 0).members[0]!.education).toBe('bachelor')
        tx.rollback()
      })
      .catch(() => {})
    // Had the rolled-back rows been cached under version+1, the next real edit to version+1 would be missed.
    await db.update(households).set({ version: file.version + 1 }).where(eq(households.id, file.id))
    const [s] = subjects(await load([file.id]))
    expect(s!.members[0]!.education).toBe('junior_high')
  })
})
