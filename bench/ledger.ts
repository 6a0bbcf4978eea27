// `npm run bench:ledger`: posted transfers per second through the ledger API (single and
// batch), against raw single-row-update transactions per second on the same PostgreSQL,
// on one hot escrow account with 1, 4 and 16 concurrent writers. Prints figures and ratios.
// Runs in its own scratch database (gongjian_bench by default), dropped and rebuilt each run.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gongjian')
const benchUrl = new URL(base)
benchUrl.pathname = `/${process.env.BENCH_DATABASE ?? 'gongjian_bench'}`
const seconds = Number(process.env.BENCH_SECONDS ?? 3)
const writerCounts = (process.env.BENCH_WRITERS ?? '1,4,16').split(',').map(Number)
const batchSize = Number(process.env.BENCH_BATCH ?? 100)

async function resetDatabase() {
  const admin = new URL(base)
  admin.pathname = '/postgres'
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} })
  await sql.unsafe(`drop database if exists "${benchUrl.pathname.slice(1)}" with (force)`)
  await sql.end()
  const { migrateDatabase } = await import('../db/migrate')
  await migrateDatabase(benchUrl.toString())
}

async function timed(writers: number, work: (writer: number) => Promise<number>) {
  const deadline = Date.now() + seconds * 1000
  const started = process.hrtime.bigint()
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let n = 0
      while (Date.now() < deadline) n += await work(w)
      return n
    }),
  )
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9
  return counts.reduce((a, b) => a + b, 0) / elapsed
}

async function main() {
  await resetDatabase()
  process.env.DATABASE_URL = benchUrl.toString()
  process.env.DB_POOL_MAX = String(Math.max(...writerCounts) + 4)
  process.env.LOG_LEVEL ??= 'silent'
  const { db, closeDb } = await import('../app/utils/db.server')
  const { createTransfer, createTransfers, ensureMoneyAsset, getOrCreateAccount } = await import('../app/models/ledger.server')
  const { sql } = await import('drizzle-orm')

  await ensureMoneyAsset(db)
  await db.execute(sql`create table bench_counter (id int primary key, n numeric(20,3) not null)`)
  await db.execute(sql`insert into bench_counter values (1, 0)`)

  const rows: { writers: number; raw: number; single: number; batch: number }[] = []
  for (const writers of writerCounts) {
    // One hot escrow (guarded, like the real ones) per round, one donor account per writer.
    const escrow = await getOrCreateAccount(db, { ledger: 'CNY', code: 'escrow', ownerType: 'listing', ownerId: randomUUID(), debitsMustNotExceedCredits: true })
    const donors = await Promise.all(Array.from({ length: writers }, () => getOrCreateAccount(db, { ledger: 'CNY', code: 'donor', ownerType: 'user', ownerId: randomUUID() })))

    const raw = await timed(writers, async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`update bench_counter set n = n + 1.00 where id = 1`)
      })
      return 1
    })
    const single = await timed(writers, async (w) => {
      await createTransfer({ id: randomUUID(), code: 'pledge', debitAccountId: donors[w]!.id, creditAccountId: escrow.id, amount: '1.00' })
      return 1
    })
    const batch = await timed(writers, async (w) => {
      await createTransfers(
        Array.from({ length: batchSize }, () => ({ id: randomUUID(), code: 'pledge' as const, debitAccountId: donors[w]!.id, creditAccountId: escrow.id, amount: '1.00' })),
      )
      return batchSize
    })
    rows.push({ writers, raw, single, batch })
  }

  const f = (n: number) => n.toFixed(0).padStart(8)
  const r = (n: number) => n.toFixed(2).padStart(6)
  console.log(`\nLedger benchmark — ${seconds}s per measurement, batch size ${batchSize}, database ${benchUrl.pathname.slice(1)}`)
  console.log('writers | raw update tx/s | single transfers/s | batch transfers/s | single/raw | batch/raw')
  for (const row of rows) {
    console.log(`${String(row.writers).padStart(7)} | ${f(row.raw)}        | ${f(row.single)}           | ${f(row.batch)}          | ${r(row.single / row.raw)}     | ${r(row.batch / row.raw)}`)
  }
  const { checkLedger } = await import('../app/models/reconciliation.server')
  const violations = await checkLedger(db)
  console.log(`reconciliation after the run: ${violations.length === 0 ? 'clean' : JSON.stringify(violations.slice(0, 3))}`)
  await closeDb()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
