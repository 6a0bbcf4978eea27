import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { households, listings, matches, rescoreChunks, rescoreRuns } from '@db/schema'
import { enqueueRescoreBatch } from '@workers/queues/matching'
import { planRescore, rescoreChunk } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { makeHousehold } from '../factories/households'
import { makeListing } from '../factories/match-listings'
import { spawnWorkers, stopProcess } from '../setup/processes'

// A full rescore is split into chunks that any worker process can take: two real worker
// processes share one run, a chunk done before a crash is neither redone nor counted twice.

async function waitFor<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

let workers: Array<ReturnType<typeof spawnWorkers>> = []
afterAll(async () => {
  for (const w of workers) expect(await stopProcess(w.child)).toBe(0)
})

describe('full rescore in chunks', () => {
  let made: Array<{ id: string }> = []
  let file: { id: string }
  beforeAll(async () => {
    made = []
    for (let i = 0; i < 12; i++) made.push(await makeListing({ regionCode: '522634' }))
    file = await makeHousehold({ regionCode: '522634101001' })
    await db.update(households).set({ consentGiven: true, consentChangedAt: new Date() }).where(eq(households.id, file.id))
  })

  it('resumes a crashed run without redoing a finished chunk, and two worker processes finish it together', async () => {
    await db.delete(matches)
    const published = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'published'))
    // Planned in chunks of one listing; chunk 0 scored, then the "process died".
    const plan = await planRescore('chunk-run', 1)
    expect(plan.pending).toHaveLength(published.length)
    expect((await rescoreChunk('chunk-run', 0)).status).toBe('scored')
    const [afterFirst] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'chunk-run'))
    expect(afterFirst!.scored).toBe(1)
    // Replanning finds the stored plan: only the chunks not done are handed out again.
    expect((await planRescore('chunk-run', 1)).pending).not.toContain(0)
    // A re-delivered chunk job is skipped and counts nothing.
    expect((await rescoreChunk('chunk-run', 0)).status).toBe('done')

    workers = [spawnWorkers(), spawnWorkers()]
    await Promise.all(workers.map((w) => w.ready))
    await enqueueRescoreBatch('chunk-run', 0, 1)
    const finished = await waitFor(async () => (await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'chunk-run')))[0]?.finishedAt)
    expect(finished).toBeInstanceOf(Date)
    const [run] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, 'chunk-run'))
    expect(run!.scored).toBe(published.length)
    const undone = await db.select().from(rescoreChunks).where(and(eq(rescoreChunks.runId, 'chunk-run'), sql`${rescoreChunks.doneAt} is null`))
    expect(undone).toEqual([])
    // Every listing matched the welder once.
    for (const l of made) {
      const rows = await db.select().from(matches).where(and(eq(matches.listingId, l.id), eq(matches.householdId, file.id)))
      expect(rows).toHaveLength(1)
      expect(rows[0]!.score).toBeGreaterThan(0)
    }
    // Both processes took chunks (each logs the jobs it completed).
    const took = workers.map((w) => (w.output().match(/rescore-chunk/g) ?? []).length)
    expect(took.every((n) => n > 0)).toBe(true)
  })
})
