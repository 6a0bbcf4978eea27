// Fault: the worker process is killed with SIGKILL (no graceful shutdown, no lock release) in
// the middle of a batched full rescore and in the middle of voiding a large number of expired
// holds. After a restart every job still completes (BullMQ stalled-job recovery), nothing is
// done twice (unique matches, one resolution per hold) and the ledger invariants hold.
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { households, matches, rescoreChunks, rescoreRuns } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { enqueueVoidExpiredHolds, LEDGER_QUEUE } from '@workers/queues/ledger'
import { enqueueRescoreBatch, MATCHING_QUEUE } from '@workers/queues/matching'
import { createTransfers } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeHousehold } from '../factories/households'
import { makeMoneyAccount } from '../factories/ledger'
import { makeListing } from '../factories/match-listings'
import { makeOrganization } from '../factories/users'
import { spawnWorkers, stopProcess } from '../setup/processes'
import { fastStalledJobs, waitFor } from './helpers'

async function startWorkers() {
  const workers = spawnWorkers(fastStalledJobs)
  await workers.ready
  return workers
}

async function jobState(queue: string, jobId: string) {
  const job = await getQueue(queue).getJob(jobId)
  return job ? job.getState() : 'missing'
}

describe('worker killed mid-job', () => {
  it('a full rescore killed mid-batch finishes after restart, every listing scored once, no duplicate matches', async () => {
    const org = await makeOrganization({ regionCode: '522634' })
    const homes = []
    for (let i = 0; i < 6; i++) {
      const file = await makeHousehold({ regionCode: '522634101001' })
      await db.update(households).set({ consentGiven: true, consentChangedAt: new Date() }).where(eq(households.id, file.id))
      homes.push(file.id)
    }
    const listingIds: string[] = []
    for (let i = 0; i < 60; i++) listingIds.push((await makeListing({ organizationId: org.id, title: `电焊工岗位 ${i}` })).id)

    const runId = `fault-${randomUUID().slice(0, 8)}`
    // Only the rescore writes matches here: drop the per-listing scoring jobs the factory queued.
    await getQueue(MATCHING_QUEUE).drain(true)
    await db.delete(matches)
    let workers = await startWorkers()
    await enqueueRescoreBatch(runId, 0, 20)
    // Kill while a chunk is under way: some of its listings already have stored matches, the
    // chunk is not marked done, so its job holds the lock and dies with the process.
    await waitFor(async () => {
      const [run] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
      const [{ n } = { n: 0 }] = await db.execute<{ n: number }>(sql`select count(distinct listing_id)::int n from ${matches}`)
      const planned = await db.select().from(rescoreChunks).where(eq(rescoreChunks.runId, runId))
      return run && planned.length === 3 && !run.finishedAt && n > run.scored && n < listingIds.length
    }, 'the rescore to be inside a chunk', 30_000, 20)
    await stopProcess(workers.child, 'SIGKILL')
    const [atKill] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
    expect(atKill!.finishedAt).toBeNull()
    const chunksAtKill = await db.select().from(rescoreChunks).where(eq(rescoreChunks.runId, runId))
    expect(chunksAtKill.length).toBe(3)
    expect(chunksAtKill.some((c) => !c.doneAt)).toBe(true)

    workers = await startWorkers()
    const [run] = await waitFor(async () => {
      const rows = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
      return rows[0]?.finishedAt ? rows : false
    }, 'the rescore run to finish after the restart', 40_000, 100)
    expect(run!.scored).toBe(listingIds.length) // every listing counted once, none skipped
    await waitFor(async () => {
      // (delayed: the nightly schedule's next run sits there)
      const counts = await getQueue(MATCHING_QUEUE).getJobCounts('waiting', 'active')
      return counts.waiting! + counts.active! === 0
    }, 'the matching queue to drain', 20_000, 100)
    // The chunk orphaned by the kill was taken up again by the new worker and completed.
    for (const c of chunksAtKill) expect(await jobState(MATCHING_QUEUE, `rescore-chunk-${runId}-${c.chunk}`)).toBe('completed')
    expect((await db.select().from(rescoreChunks).where(eq(rescoreChunks.runId, runId))).every((c) => c.doneAt)).toBe(true)
    expect(await getQueue(MATCHING_QUEUE).getJobCounts('failed')).toEqual({ failed: 0 })

    // Every listing ends up matched to every nearby consenting welder, exactly once.
    const pairs = await db.execute<{ listing_id: string; n: number }>(sql`
      select listing_id, count(*)::int n from ${matches} group by listing_id`)
    const perListing = new Map([...pairs].map((p) => [p.listing_id, p.n]))
    for (const id of listingIds) expect(perListing.get(id)).toBe(homes.length)
    const dupes = await db.execute(sql`select listing_id, household_id from ${matches} group by 1, 2 having count(*) > 1`)
    expect([...dupes]).toEqual([])
    expect(await stopProcess(workers.child)).toBe(0)
  }, 90_000)

  it('voiding 1,000 expired holds, killed part-way, resumes: each hold returned exactly once, ledger balanced', async () => {
    const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
    const donors = await Promise.all([0, 1, 2, 3].map(() => makeMoneyAccount({ code: 'donor', ownerType: 'user' })))
    const past = new Date(Date.now() - 2 * 3600_000)
    const holdIds: string[] = []
    for (let chunk = 0; chunk < 2; chunk++) {
      const inputs = Array.from({ length: 500 }, (_, i) => {
        const id = randomUUID()
        holdIds.push(id)
        return { id, code: 'pledge' as const, pending: true, timeoutSeconds: 600, debitAccountId: donors[i % 4]!.id, creditAccountId: escrow.id, amount: `${(i % 97) + 1}.50` }
      })
      await createTransfers(inputs, { now: past })
    }
    const voided = async () => {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int n from ledger_transfers where void_pending`)
      return row!.n
    }

    let workers = await startWorkers()
    const job = (await enqueueVoidExpiredHolds(new Date(Date.now() + 7 * 24 * 3600_000)))!
    // Each round of up to 500 voids commits on its own: kill after the first, before the last.
    await waitFor(async () => {
      const n = await voided()
      return n > 0 && n < holdIds.length
    }, 'some but not all holds to be voided', 40_000, 20)
    await stopProcess(workers.child, 'SIGKILL')
    const atKill = await voided()
    expect(atKill).toBeLessThan(holdIds.length)

    workers = await startWorkers()
    await waitFor(async () => (await jobState(LEDGER_QUEUE, job.id!)) === 'completed', 'the void job to complete after the restart', 60_000, 100).catch(async (e) => {
      const j = await getQueue(LEDGER_QUEUE).getJob(job.id!)
      console.log(await j?.getState(), j?.failedReason, j?.attemptsMade, j?.stacktrace, await voided(), workers.output().slice(-3000))
      throw e
    })
    // The scheduled 10-minute void may have run beside it: still one resolution per hold.
    expect(await voided()).toBe(holdIds.length)
    const twice = await db.execute(sql`select pending_id from ledger_transfers where pending_id is not null group by 1 having count(*) > 1`)
    expect([...twice]).toEqual([])
    const open = await db.execute(sql`
      select p.id from ledger_transfers p where p.pending and not exists (select 1 from ledger_transfers r where r.pending_id = p.id)`)
    expect([...open]).toEqual([])
    // Donors have their money back, the escrow holds nothing pending; debits = credits everywhere.
    const accounts = await db.execute<{ debits_pending: string; credits_pending: string; debits_posted: string }>(
      sql`select debits_pending::text, credits_pending::text, debits_posted::text from ledger_accounts where id in (${sql.join([escrow.id, ...donors.map((d) => d.id)].map((id) => sql`${id}`), sql`, `)})`,
    )
    for (const a of accounts) expect([Number(a.debits_pending), Number(a.credits_pending), Number(a.debits_posted)]).toEqual([0, 0, 0])
    expect(await checkLedger()).toEqual([])
    expect(await getQueue(LEDGER_QUEUE).getJobCounts('failed')).toEqual({ failed: 0 })
    expect(await stopProcess(workers.child)).toBe(0)
  }, 120_000)
})
