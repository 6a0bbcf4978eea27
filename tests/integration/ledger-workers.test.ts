import { randomUUID } from 'node:crypto'
import { QueueEvents } from 'bullmq'
import { eq, sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { ledgerAccounts, ledgerAlerts } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { enqueueReconcileLedger, enqueueVoidExpiredHolds, LEDGER_QUEUE } from '@workers/queues/ledger'
import { createTransfer, getAccount } from '~/models/ledger.server'
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { createWorkerRedis } from '~/utils/redis.server'
import { makeMoneyAccount } from '../factories/ledger'
import { spawnWorkers, stopProcess } from '../setup/processes'

const events = new QueueEvents(LEDGER_QUEUE, { connection: createWorkerRedis(), prefix: getEnv().QUEUE_PREFIX })
afterAll(async () => {
  await events.close()
})

describe('ledger queue (real worker process)', () => {
  it('voids expired holds, reconciles clean books silently, and raises one alert per violated invariant', async () => {
    const workers = spawnWorkers()
    await workers.ready
    await events.waitUntilReady()
    // Both schedules run once at start-up; let them finish so the jobs below are the ones that act.
    const deadline = Date.now() + 10_000
    while (((await getQueue(LEDGER_QUEUE).getJobCounts('completed')).completed ?? 0) < 2) {
      if (Date.now() > deadline) throw new Error('start-up runs did not finish')
      await new Promise((r) => setTimeout(r, 100))
    }
    const donor = await makeMoneyAccount({ code: 'donor', ownerType: 'user' })
    const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
    const hold = await createTransfer(
      { id: randomUUID(), code: 'pledge', pending: true, timeoutSeconds: 30, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '88.80' },
      { now: new Date(Date.now() - 120_000) },
    )
    const voidJob = (await enqueueVoidExpiredHolds(new Date(Date.now() + 3600_000)))!
    expect(await voidJob.waitUntilFinished(events, 15_000)).toEqual({ voided: 1 })
    expect((await getAccount(db, donor.id))!.debitsPending).toBe('0.000')
    const resolution = await db.execute<{ id: string }>(sql`select id from ledger_transfers where pending_id = ${hold.id}`)
    expect([...resolution]).toHaveLength(1)

    const clean = (await enqueueReconcileLedger(new Date('2026-01-01T08:00:00Z')))!
    expect(await clean.waitUntilFinished(events, 15_000)).toEqual({ violations: 0, kinds: [] })
    expect(await db.select().from(ledgerAlerts)).toHaveLength(0)

    // Tamper with a balance behind the ledger's back (the CHECKs allow this one).
    await db.update(ledgerAccounts).set({ creditsPosted: sql`${ledgerAccounts.creditsPosted} + 5` }).where(eq(ledgerAccounts.id, escrow.id))
    const dirty = (await enqueueReconcileLedger(new Date('2026-01-01T09:00:00Z')))!
    const result = (await dirty.waitUntilFinished(events, 15_000)) as { kinds: string[] }
    expect(result.kinds.sort()).toEqual(['balance_drift', 'ledger_unbalanced'])
    const alerts = await db.select().from(ledgerAlerts)
    expect(alerts.map((a) => a.kind).sort()).toEqual(['balance_drift', 'ledger_unbalanced'])
    // The same run again (a retry) raises nothing twice.
    await (await getQueue(LEDGER_QUEUE).add('reconcile-ledger', { runKey: alerts[0]!.runKey })).waitUntilFinished(events, 15_000)
    expect(await db.select().from(ledgerAlerts)).toHaveLength(2)

    // A malformed payload fails once.
    const bad = await getQueue(LEDGER_QUEUE).add('reconcile-ledger', { runKey: 'a:b' }, { attempts: 5 })
    await expect(bad.waitUntilFinished(events, 15_000)).rejects.toThrow(/invalid payload/)

    const schedulers = await getQueue(LEDGER_QUEUE).getJobSchedulers()
    expect(schedulers.map((s) => s.key).sort()).toEqual(['reconcile-ledger-hourly', 'void-expired-holds-10min'])
    expect(await stopProcess(workers.child, 'SIGTERM')).toBe(0)
  })
})
