// Fault: PostgreSQL connections are terminated (pg_terminate_backend, this file's database
// only) while batches of ledger transfers are being written concurrently. Every batch is
// either fully posted or absent, the invariants hold, retrying the failed batches posts each
// transfer exactly once, and the web app answers the next request (the driver reconnects).
import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createTransfers, type TransferInput } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeMoneyAccount } from '../factories/ledger'
import { TestClient } from '../setup/app'
import { adminSql } from '../setup/databases'
import { waitFor } from './helpers'

const BATCHES = 40
const PER_BATCH = 25

async function posted(ids: string[]) {
  // A pooled connection killed while idle fails the one query sent on it before the driver
  // notices; the checks below may retry that once (the writers' batches are not retried here).
  for (let attempt = 0; ; attempt++) {
    try {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int n from ledger_transfers where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`)
      return row!.n
    } catch (error) {
      if (attempt >= 2 || !/terminat|connection|closed|ECONNRESET/i.test(String((error as Error).cause ?? error))) throw error
    }
  }
}

describe('PostgreSQL connections dropped mid-transaction', () => {
  it('leaves every ledger batch all-or-nothing, balanced, and the app serving', async () => {
    const donors = await Promise.all([0, 1, 2].map(() => makeMoneyAccount({ code: 'donor', ownerType: 'user' })))
    const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
    const org = await makeMoneyAccount({ code: 'organization' })
    // Each batch: 24 posted (immediate) pledges into the escrow and one payout of part of them (needs the gifts in the same transaction).
    const batches: TransferInput[][] = Array.from({ length: BATCHES }, (_, b) => {
      const gifts: TransferInput[] = Array.from({ length: PER_BATCH - 1 }, (_, i) => ({
        id: randomUUID(),
        code: 'pledge',
        debitAccountId: donors[(b + i) % 3]!.id,
        creditAccountId: escrow.id,
        amount: `${(i % 7) + 1}.25`,
      }))
      return [...gifts, { id: randomUUID(), code: 'payout', debitAccountId: escrow.id, creditAccountId: org.id, amount: '10.00' }]
    })
    const total = (list: TransferInput[][], code: string) =>
      list.flat().filter((t) => t.code === code).reduce((sum, t) => sum.plus(new Decimal(String(t.amount))), new Decimal(0))

    const admin = adminSql()
    const terminate = async () => {
      const rows = await admin`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${process.env.TEST_DATABASE_NAME!} and pid <> pg_backend_pid()`
      return rows.length
    }
    const allIds = batches.flat().map((t) => t.id)
    const outcomes: PromiseSettledResult<unknown>[] = []
    try {
      // Four writers, each working through its share of the batches one transaction at a time.
      const writers = [0, 1, 2, 3].map(async (w) => {
        for (let b = w; b < BATCHES; b += 4) {
          const [outcome] = await Promise.allSettled([createTransfers(batches[b]!)])
          outcomes[b] = outcome!
        }
      })
      // Three rounds of terminations, each after more batches have committed than before.
      let killed = 0
      for (const threshold of [PER_BATCH * 4, PER_BATCH * 12, PER_BATCH * 22]) {
        await waitFor(async () => (await posted(allIds).catch(() => 0)) >= threshold, `${threshold} transfers posted`, 30_000, 10)
        killed += await terminate()
      }
      await Promise.all(writers)
      expect(killed).toBeGreaterThan(0)
    } finally {
      await admin.end()
    }

    const failed = outcomes.flatMap((o, b) => (o.status === 'rejected' ? [b] : []))
    // The drops did hit transactions in flight (otherwise this test proves nothing).
    expect(failed.length).toBeGreaterThan(0)
    for (const o of outcomes) if (o.status === 'rejected') expect(String((o.reason as Error).message)).toMatch(/terminat|connection|closed|ECONNRESET|write/i)

    // All or nothing per batch, and the books balance even before anyone retries.
    for (const [b, batch] of batches.entries()) {
      const n = await posted(batch.map((t) => t.id))
      expect([b, n]).toEqual([b, outcomes[b]!.status === 'fulfilled' ? PER_BATCH : n === 0 ? 0 : PER_BATCH])
    }
    expect(await checkLedger()).toEqual([])

    // Retrying the failed batches (same ids) posts each transfer exactly once.
    for (const b of failed) await createTransfers(batches[b]!)
    expect(await posted(allIds)).toBe(BATCHES * PER_BATCH)
    const [e] = await db.execute<{ credits: string; debits: string }>(sql`select credits_posted::text credits, debits_posted::text debits from ledger_accounts where id = ${escrow.id}`)
    expect(new Decimal(e!.credits).toFixed(2)).toBe(total(batches, 'pledge').toFixed(2))
    expect(new Decimal(e!.debits).toFixed(2)).toBe(total(batches, 'payout').toFixed(2))
    expect(await checkLedger()).toEqual([])

    // The web app's next request works on fresh connections.
    const page = await new TestClient('zh-CN').get('/login')
    expect(page.status).toBe(200)
  }, 60_000)
})
