// `npm run bench:ledger`: posted transfers per second through the ledger's single-transfer API
// (createTransfer) and batch API (createTransfers, BENCH_BATCH per transaction), against raw
// pgbench -N transactions per second on the same database, with 1, 4 and 16 concurrent writers
// all posting into ONE hot escrow account (each writer from its own donor account).
//
// "Raw" is pgbench's built-in simple-update script (`pgbench -N`, TPC-B without the teller and
// branch updates) over pgbench's own tables at scale 1 (100,000 accounts, random account each time):
//   BEGIN; UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
//   SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
//   INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (…, CURRENT_TIMESTAMP); END;
// The ratios use that script replayed through the SAME client stack the ledger uses (postgres.js,
// prepared statements, a pool of the same size, the same writer count, in this Node process) —
// so they compare the ledger's work per transfer with a plain transaction's, not two different
// clients. The pgbench binary itself (C, `-M prepared`, one thread) is run too when it is installed
// and printed for reference. Measurements interleave and each is the best of BENCH_ROUNDS (default 2),
// because the box is shared. Uses its own database (gongjian_bench_l_ledger), rebuilt each run.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { report, type BenchRow } from './table'

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gongjian')
const benchUrl = new URL(base)
benchUrl.pathname = `/${process.env.BENCH_DATABASE ?? 'gongjian_bench_l_ledger'}`
const seconds = Number(process.env.BENCH_SECONDS ?? 3)
const rounds = Number(process.env.BENCH_ROUNDS ?? 2)
const writerCounts = (process.env.BENCH_WRITERS ?? '1,4,16').split(',').map(Number)
const batchSize = Number(process.env.BENCH_BATCH ?? 100)
const ACCOUNTS = 100_000

async function resetDatabase() {
  const admin = new URL(base)
  admin.pathname = '/postgres'
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} })
  await sql.unsafe(`drop database if exists "${benchUrl.pathname.slice(1)}" with (force)`)
  await sql.end()
  const { migrateDatabase } = await import('../db/migrate')
  await migrateDatabase(benchUrl.toString())
}

/** pgbench's tables at scale 1, as `pgbench -i -s 1` builds them (so the binary can run on them too). */
async function createPgbenchTables(sql: postgres.Sql) {
  await sql.unsafe(`
    create table pgbench_branches (bid int primary key, bbalance int, filler char(88)) with (fillfactor = 100);
    create table pgbench_tellers (tid int primary key, bid int, tbalance int, filler char(84)) with (fillfactor = 100);
    create table pgbench_accounts (aid int primary key, bid int, abalance int, filler char(84)) with (fillfactor = 100);
    create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
    insert into pgbench_branches values (1, 0, '');
    insert into pgbench_tellers select t, 1, 0, '' from generate_series(1, 10) t;
    insert into pgbench_accounts select a, 1, 0, '' from generate_series(1, ${ACCOUNTS}) a;`)
  await sql.unsafe('vacuum analyze pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history')
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

function pgbenchBinary(writers: number): number | null {
  try {
    const out = execFileSync('pgbench', ['-N', '-n', '-M', 'prepared', '-c', String(writers), '-j', '1', '-T', String(seconds), benchUrl.toString()], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const match = /tps = ([\d.]+)/.exec(out)
    return match ? Number(match[1]) : null
  } catch {
    return null
  }
}

async function main() {
  await resetDatabase()
  process.env.DATABASE_URL = benchUrl.toString()
  const pool = Math.max(...writerCounts) + 4
  process.env.DB_POOL_MAX = String(pool)
  process.env.LOG_LEVEL ??= 'silent'
  const { db, closeDb } = await import('../app/utils/db.server')
  const { createTransfer, createTransfers, ensureMoneyAsset, getOrCreateAccount } = await import('../app/models/ledger.server')
  const raw = postgres(benchUrl.toString(), { max: pool, onnotice: () => {} })
  await createPgbenchTables(raw)
  await ensureMoneyAsset(db)

  const results: { writers: number; raw: number; binary: number | null; single: number; batch: number }[] = []
  for (const writers of writerCounts) {
    // One hot escrow (guarded, like the real ones) per writer count, one donor account per writer.
    const escrow = await getOrCreateAccount(db, { ledger: 'CNY', code: 'escrow', ownerType: 'listing', ownerId: randomUUID(), debitsMustNotExceedCredits: true })
    const donors = await Promise.all(Array.from({ length: writers }, () => getOrCreateAccount(db, { ledger: 'CNY', code: 'donor', ownerType: 'user', ownerId: randomUUID() })))
    const best = { raw: 0, single: 0, batch: 0 }
    for (let round = 0; round < rounds; round++) {
      best.raw = Math.max(
        best.raw,
        await timed(writers, async () => {
          const aid = 1 + Math.floor(Math.random() * ACCOUNTS)
          const delta = Math.floor(Math.random() * 10001) - 5000
          await raw.begin(async (tx) => {
            await tx`update pgbench_accounts set abalance = abalance + ${delta} where aid = ${aid}`
            await tx`select abalance from pgbench_accounts where aid = ${aid}`
            await tx`insert into pgbench_history (tid, bid, aid, delta, mtime) values (${1 + Math.floor(Math.random() * 10)}, 1, ${aid}, ${delta}, current_timestamp)`
          })
          return 1
        }),
      )
      best.single = Math.max(
        best.single,
        await timed(writers, async (w) => {
          await createTransfer({ id: randomUUID(), code: 'pledge', debitAccountId: donors[w]!.id, creditAccountId: escrow.id, amount: '1.00' })
          return 1
        }),
      )
      best.batch = Math.max(
        best.batch,
        await timed(writers, async (w) => {
          await createTransfers(Array.from({ length: batchSize }, () => ({ id: randomUUID(), code: 'pledge' as const, debitAccountId: donors[w]!.id, creditAccountId: escrow.id, amount: '1.00' })))
          return batchSize
        }),
      )
    }
    results.push({ writers, ...best, binary: pgbenchBinary(writers) })
  }

  const { checkLedger } = await import('../app/models/reconciliation.server')
  const violations = await checkLedger(db)
  await raw.end()
  await closeDb()

  const f = (n: number) => n.toFixed(0)
  console.log(`\nLedger — ${seconds}s per measurement, best of ${rounds}, batch ${batchSize}, database ${benchUrl.pathname.slice(1)}; one hot escrow account`)
  console.log('writers | raw pgbench -N tx/s (postgres.js) | pgbench binary tps | single/s | batch/s | single/raw | batch/raw')
  for (const r of results) {
    console.log(`${String(r.writers).padStart(7)} | ${f(r.raw).padStart(32)} | ${(r.binary === null ? 'n/a' : f(r.binary)).padStart(18)} | ${f(r.single).padStart(8)} | ${f(r.batch).padStart(7)} | ${(r.single / r.raw).toFixed(2).padStart(10)} | ${(r.batch / r.raw).toFixed(2).padStart(9)}`)
  }
  console.log(`reconciliation after the run: ${violations.length === 0 ? 'clean' : JSON.stringify(violations.slice(0, 3))}`)

  const rows: BenchRow[] = []
  for (const r of results) {
    const w = `${r.writers} writer${r.writers === 1 ? '' : 's'}, hot escrow`
    rows.push({ area: 'ledger', metric: `raw pgbench -N tx/s (${r.writers} writers${r.binary === null ? '' : `; binary ${f(r.binary)}`})`, value: f(r.raw), goal: '', met: null })
    rows.push({ area: 'ledger', metric: `single transfers/s ÷ raw (${w})`, value: `${f(r.single)}/s = ${(r.single / r.raw).toFixed(2)}×`, goal: '≥ 0.50×', met: r.single / r.raw >= 0.5 })
    rows.push({ area: 'ledger', metric: `batch transfers/s ÷ raw (${w})`, value: `${f(r.batch)}/s = ${(r.batch / r.raw).toFixed(2)}×`, goal: '≥ 1.00×', met: r.batch / r.raw >= 1 })
  }
  rows.push({ area: 'ledger', metric: 'reconciliation after the run', value: violations.length === 0 ? 'clean' : `${violations.length} violations`, goal: 'clean', met: violations.length === 0 })
  report(rows)
  if (violations.length) process.exitCode = 1
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
