import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listings, matches, rescoreRuns } from '@db/schema'
import { enqueueRemoveListingMatches, enqueueScoreListing, enqueueRescoreBatch } from '@workers/queues/matching'
import { createInvitation, redeemInvitation, setConsent, updateHousehold } from '~/models/household.server'
import { applyToListing, decideApplication, listCandidates } from '~/models/applications.server'
import { loadListings, rescoreBatch, scoreHousehold, scoreListing, TOP_PER_HOUSEHOLD } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { householdFixture, makeCaseworker, makeHousehold } from '../factories/households'
import { editListing, makeListing } from '../factories/match-listings'
import { makeUser } from '../factories/users'
import { spawnWorkers, stopProcess } from '../setup/processes'

async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A household whose resident has linked the account and consented, like the real flow. */
async function consentingHousehold(over: Parameters<typeof householdFixture>[0] = {}) {
  const cw = await makeCaseworker(over.regionCode?.slice(0, 4) ?? '5226')
  const file = await makeHousehold(over, cw)
  const resident = await makeUser({ role: 'resident' })
  const { code } = await createInvitation({ id: cw.id, role: 'caseworker' }, file.id)
  await redeemInvitation({ id: resident.id, role: 'resident' }, code)
  await setConsent({ id: resident.id, role: 'resident' }, true)
  return { file, cw, resident }
}

const matchOf = async (listingId: string, householdId: string) =>
  (await db.select().from(matches).where(and(eq(matches.listingId, listingId), eq(matches.householdId, householdId))))[0]

let workers: ReturnType<typeof spawnWorkers>
beforeAll(async () => {
  workers = spawnWorkers()
  await workers.ready
})
afterAll(async () => {
  await stopProcess(workers.child)
})

describe('matching queue', () => {
  it('scores a household when its file changes and rescores a listing after an edit, carrying both versions', async () => {
    const job = await makeListing({ regionCode: '522634', title: '雷山县电焊工' })
    const { file, cw } = await consentingHousehold()
    // Consent enqueued score-household; the worker stores the match.
    const first = await waitFor(() => matchOf(job.id, file.id))
    expect(first.householdVersion).toBe(3)
    expect(first.listingVersion).toBe(1)
    expect(first.reasons).toContainEqual({ code: 'skill_match', params: { skill: 'welding', level: 'intermediate' } })
    expect(first.blockers).toEqual([])

    // Listing edit: now requires a bachelor's degree → the pair is ineligible and dropped.
    await editListing(job.id, { minEducation: 'bachelor' })
    await enqueueScoreListing(job.id, 2)
    await waitFor(async () => !(await matchOf(job.id, file.id)))
    await editListing(job.id, { minEducation: null })
    await enqueueScoreListing(job.id, 3)
    const rescored = await waitFor(async () => ((await matchOf(job.id, file.id))?.listingVersion === 3 ? matchOf(job.id, file.id) : undefined))
    expect(rescored.score).toBe(first.score)

    // Household edit by the caseworker: the worker rescores with the new household version.
    await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ members: [{ skills: [{ code: '焊工', level: 'advanced' }] }] }))
    const afterEdit = await waitFor(async () => {
      const m = await matchOf(job.id, file.id)
      return m && m.householdVersion === 4 ? m : undefined
    })
    expect(afterEdit.reasons).toContainEqual({ code: 'skill_match', params: { skill: 'welding', level: 'advanced' } })

    // Closing the listing removes its matches.
    await db.update(listings).set({ status: 'closed' }).where(eq(listings.id, job.id))
    await enqueueRemoveListingMatches(job.id)
    await waitFor(async () => !(await matchOf(job.id, file.id)))
  })

  it('reprocessing the same job changes nothing the second time', async () => {
    const job = await makeListing({ regionCode: '522634' })
    const { file } = await consentingHousehold()
    // Let both household jobs (create, consent) settle: the stored match carries version 3.
    await waitFor(async () => (await matchOf(job.id, file.id))?.householdVersion === 3)
    await new Promise((r) => setTimeout(r, 300))
    const before = await matchOf(job.id, file.id)
    const again = (await enqueueScoreListing(job.id, 1))!
    const duplicate = (await enqueueScoreListing(job.id, 1))!
    expect(duplicate.id).toBe(again.id)
    await waitFor(async () => (await again.isCompleted()) || undefined)
    await scoreListing(job.id)
    await scoreHousehold(file.id)
    const after = await matchOf(job.id, file.id)
    expect(after).toEqual(before) // same row, same computedAt: nothing rewritten
    expect(await db.select().from(matches).where(and(eq(matches.listingId, job.id), eq(matches.householdId, file.id)))).toHaveLength(1)
  })

  it('never matches a household without consent, and withdrawing consent removes its matches', async () => {
    const job = await makeListing({ regionCode: '522634' })
    const silent = await makeHousehold() // recorded by a caseworker, resident never consented
    const result = await scoreListing(job.id)
    expect(result.status).toBe('scored')
    expect(await scoreHousehold(silent.id)).toMatchObject({ status: 'removed', stored: 0 })
    expect(await matchOf(job.id, silent.id)).toBeUndefined()

    const { file, resident } = await consentingHousehold()
    await waitFor(() => matchOf(job.id, file.id))
    await setConsent({ id: resident.id, role: 'resident' }, false)
    expect(await matchOf(job.id, file.id)).toBeUndefined()
    await scoreListing(job.id)
    expect(await matchOf(job.id, file.id)).toBeUndefined()
  })

  it('ranks and blocks through the stored matches (labelled scenario, end to end)', async () => {
    const sameCounty = await makeListing({ regionCode: '522634', title: '同县焊工' })
    const otherProvince = await makeListing({ regionCode: '410225', title: '外省焊工' })
    const degree = await makeListing({ regionCode: '522634', title: '本科焊工', minEducation: 'bachelor' })
    const inaccessible = await makeListing({ regionCode: '522634', title: '无障碍缺失' })
    const { file } = await consentingHousehold({ members: [{ workRadius: 'anywhere' }] })
    const wheel = await consentingHousehold({ members: [{ fullName: '石秀兰', usesWheelchair: true, disabilityType: 'physical', disabilityGrade: 2 }] })
    await scoreHousehold(file.id)
    await scoreHousehold(wheel.file.id)
    const a = await matchOf(sameCounty.id, file.id)
    const b = await matchOf(otherProvince.id, file.id)
    expect(a!.score).toBeGreaterThan(b!.score)
    expect(await matchOf(degree.id, file.id)).toBeUndefined()
    expect(await matchOf(inaccessible.id, wheel.file.id)).toBeUndefined()
  })

  it('filling the last place rescores the listing: other candidates drop, the hired one stays listed', async () => {
    const org = await makeUser({ role: 'org_member' })
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', capacity: 1 })
    const a = await consentingHousehold()
    const b = await consentingHousehold({ members: [{ fullName: '石光荣' }] })
    await scoreListing(job.id)
    expect(await matchOf(job.id, b.file.id)).toBeDefined()
    const application = await applyToListing({ id: a.resident.id }, job.id)
    const actor = { id: org.id, organizationId: org.organizationId }
    await decideApplication(actor, application.id, 'accept')
    const [loaded] = await loadListings(db, [job.id])
    expect(loaded!.listing.taken).toBe(1)
    // The worker rescored the listing (capacity full blocks everyone), and the household (fairness).
    await waitFor(async () => !(await matchOf(job.id, b.file.id)))
    const { candidates } = await listCandidates(actor, job.id)
    expect(candidates.map((c) => c.householdId)).toEqual([a.file.id])
    expect(candidates[0]!.status).toBe('accepted')
    await decideApplication(actor, application.id, 'complete')
    expect((await listCandidates(actor, job.id)).candidates[0]!.status).toBe('completed')
  })

  it('a household rescore keeps matches beyond its own top offers that listings stored, and drops only ineligible ones', async () => {
    const { file } = await consentingHousehold()
    const org = await makeUser({ role: 'org_member' })
    const jobs = []
    for (let i = 0; i < TOP_PER_HOUSEHOLD + 10; i++) jobs.push(await makeListing({ organizationId: org.organizationId!, regionCode: '522634' }))
    for (const job of jobs) await scoreListing(job.id)
    const ids = jobs.map((j) => j.id)
    const stored = async () => (await db.select({ listingId: matches.listingId }).from(matches).where(and(eq(matches.householdId, file.id), inArray(matches.listingId, ids)))).length
    expect(await stored()).toBe(jobs.length)
    await scoreHousehold(file.id)
    expect(await stored()).toBe(jobs.length)
    // A listing the household no longer qualifies for (age limits) loses the match on the household's rescore.
    await db.update(listings).set({ ageMin: 90, ageMax: 99 }).where(eq(listings.id, jobs[0]!.id))
    await scoreHousehold(file.id)
    expect(await stored()).toBe(jobs.length - 1)
  })

  it('a full rescore runs in batches and resumes from its stored cursor', async () => {
    const made = await Promise.all([1, 2, 3, 4, 5].map(() => makeListing({ regionCode: '522634' })))
    const { file } = await consentingHousehold()
    await db.delete(matches)
    // First batch by hand, as if the run was interrupted after it.
    const first = await rescoreBatch('test-run', 2)
    expect(first.done).toBe(false)
    const [run] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'test-run'))
    expect(run!.cursor).not.toBeNull()
    // The worker picks the run up from the cursor and finishes it.
    await enqueueRescoreBatch('test-run', 1, 2)
    await waitFor(async () => (await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'test-run')))[0]!.finishedAt)
    const [finished] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'test-run'))
    const published = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'published'))
    expect(finished!.scored).toBe(published.length)
    for (const l of made) expect(await matchOf(l.id, file.id)).toBeDefined()
  })
})
