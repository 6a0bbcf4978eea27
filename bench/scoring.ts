// `npm run bench:scoring [-- --households 100000 --listings 20000 --rescore-listings 2000 --database-url postgres://…]`
// Prints a table: (1) scored pairs per second, object-based `scorePair` beside the typed-array
// hot loop, in the same run; (2) publish a listing → its top matches stored, median and p95;
// (3) a full rescore with one and with two real worker processes on the same Redis and
// PostgreSQL. Seeds its own database gongjian_bench_m_<households>_<listings> once (a marker
// row records the scale) and reuses it on later runs.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { report } from './table'

const { values } = parseArgs({
  options: {
    households: { type: 'string', default: '100000' },
    listings: { type: 'string', default: '20000' },
    'rescore-listings': { type: 'string', default: '2000' },
    publishes: { type: 'string', default: '9' },
    'database-url': { type: 'string' },
    seconds: { type: 'string', default: '3' },
  },
})
const householdCount = Number(values.households)
const listingCount = Number(values.listings)
const rescoreListings = Number(values['rescore-listings'])
const url =
  values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/gongjian_bench_m_${householdCount}_${listingCount}`
process.env.DATABASE_URL = url
process.env.LOG_LEVEL ??= 'silent'
// Own queue prefix: a running dev worker never picks up the bench's jobs.
const QUEUE_PREFIX = '{gongjian-bench-m}'
process.env.QUEUE_PREFIX = QUEUE_PREFIX

const { migrateDatabase } = await import('../db/migrate')
const { seed } = await import('../db/seed')
const { connect } = await import('../db/client')
const { listings, jobDetails, listingSkills, organizations, households, matches, rescoreRuns } = await import('../db/schema')
const { scorePair } = await import('../app/models/matching.server')
const { encodeSubjects, encodeListing, scoreEncoded, EncodingDictionary } = await import('../app/models/matching-encoded.server')
const { loadSubjects, loadListings, scoringContext, scoreListing, warmPopulationCache } = await import('../app/models/matches.server')
const { clearPopulationCache } = await import('../app/models/population.server')
const { closeDb } = await import('../app/utils/db.server')
const { enqueueRescoreBatch } = await import('../workers/queues/matching')
const { closeQueues } = await import('../workers/queues/connection')
const { sql, eq, and, inArray } = await import('drizzle-orm')

type Row = { metric: string; value: string; goal: string; met: string }
const table: Row[] = []
const fmt = (n: number) => Math.round(n).toLocaleString('en')

// Creates the database if needed (the server is shared; only gongjian_bench_m_* is ours).
const admin = connect(url.replace(/\/[^/]*$/, '/postgres'), { max: 1 })
const dbName = new URL(url).pathname.slice(1)
const exists = await admin.sql`select 1 from pg_database where datname = ${dbName}`
if (exists.length === 0) await admin.sql.unsafe(`create database "${dbName}"`)
await admin.sql.end()

await migrateDatabase(url)
const { sql: client, db } = connect(url, { max: 4, applicationName: 'gongjian-bench' })
const scale = `${householdCount} households, ${listingCount} listings`
try {
  await db.execute(sql`create table if not exists bench_marker (scale text primary key, seeded_at timestamptz not null default now())`)
  const marker = await db.execute<{ scale: string }>(sql`select scale from bench_marker where scale = ${scale}`)
  if (marker.length === 0) {
    const t0 = performance.now()
    await seed(db, { households: householdCount, listings: listingCount, quiet: true })
    await db.execute(sql`analyze`)
    await db.execute(sql`insert into bench_marker (scale) values (${scale}) on conflict do nothing`)
    console.log(`seeded ${scale} in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  } else console.log(`reusing the seeded database ${dbName} (${scale})`)
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(households)
  const [{ p } = { p: 0 }] = await db.select({ p: sql<number>`count(*)::int` }).from(listings).where(eq(listings.status, 'published'))
  console.log(`households: ${fmt(n)}, published listings: ${fmt(p)}`)

  // A welding job, published by a demo organization.
  const [org] = await db.select({ id: organizations.id }).from(organizations).limit(1)
  const made: string[] = []
  const makeJob = async (region: string) => {
    const [l] = await db
      .insert(listings)
      .values({
        organizationId: org!.id, kind: 'job', status: 'published', title: `基准测试焊工岗位 ${region}`, description: 'bench', regionCode: region,
        categories: ['employment'], startsOn: '2026-01-01', capacity: 20, contactMethod: 'bench', ageMin: 18, ageMax: 55, publishedAt: new Date(),
      })
      .returning()
    await db.insert(jobDetails).values({ listingId: l!.id, position: '焊工', wageMin: '4000', wageMax: '6500', workplaceRegionCode: region })
    await db.insert(listingSkills).values({ listingId: l!.id, skillCode: 'welding', role: 'required', level: 'intermediate' })
    made.push(l!.id)
    return l!
  }

  // 1. Hot loop: the same 20 000 seeded households × 3 jobs, object records vs typed arrays.
  const ids = (await db.select({ id: households.id }).from(households).limit(20000)).map((r) => r.id)
  const subjects: Awaited<ReturnType<typeof loadSubjects>> = []
  for (let i = 0; i < ids.length; i += 5000) subjects.push(...(await loadSubjects(db, ids.slice(i, i + 5000))))
  const jobs = [await makeJob('522634'), await makeJob('621102'), await makeJob('410225')]
  const matchListings = (await loadListings(db, jobs.map((j) => j.id))).map((r) => r.listing)
  const ctx = await scoringContext(db)
  const budget = Number(values.seconds) * 1000
  const timeLoop = (one: () => number) => {
    let pairs = 0
    let checksum = 0
    const start = performance.now()
    while (performance.now() - start < budget) {
      checksum += one()
      pairs += matchListings.length * subjects.length
    }
    return { rate: pairs / ((performance.now() - start) / 1000), checksum: checksum / Math.max(1, pairs / (matchListings.length * subjects.length)) }
  }
  const object = timeLoop(() => {
    let sum = 0
    for (const l of matchListings) for (const s of subjects) sum += scorePair(s, l, ctx).score
    return sum
  })
  const dict = new EncodingDictionary(ctx)
  const pop = encodeSubjects(subjects, dict)
  const encodedListings = matchListings.map((l) => encodeListing(l, dict))
  const encoded = timeLoop(() => {
    let sum = 0
    for (const el of encodedListings) for (let i = 0; i < pop.count; i++) sum += Math.max(0, scoreEncoded(pop, i, el))
    return sum
  })
  console.log(`checksums (sum of scores per pass): object ${object.checksum}, typed arrays ${encoded.checksum}`)
  if (object.checksum !== encoded.checksum) throw new Error('the typed-array scorer disagrees with scorePair')
  table.push({ metric: 'scoring loop, object records (scorePair)', value: `${fmt(object.rate)} pairs/s`, goal: '—', met: '—' })
  table.push({ metric: 'scoring loop, typed arrays (scoreEncoded)', value: `${fmt(encoded.rate)} pairs/s`, goal: '≥ 5,000,000 pairs/s', met: encoded.rate >= 5e6 ? 'yes' : 'no' })

  // 2. Publish → top matches stored (scoreListing: candidates and their household rows in one
  // query, members/skills/needs from the version-checked cache, score, store top 200). A worker
  // warms that cache at start-up; the first publish below runs before any warm-up (a cold
  // process), then the bench warms the cache as a worker does and times the others.
  const regions = ['522634', '621102', '410225', '522601', '621121']
  clearPopulationCache()
  const coldJob = await makeJob('522634')
  const tCold = performance.now()
  await scoreListing(coldJob.id)
  const cold = performance.now() - tCold
  const tWarm = performance.now()
  const warmed = await warmPopulationCache()
  const warmSeconds = (performance.now() - tWarm) / 1000
  const heapMb = process.memoryUsage().heapUsed / 1e6
  const times: number[] = []
  let candidates = 0
  for (let i = 0; i < Number(values.publishes); i++) {
    const job = await makeJob(regions[i % regions.length]!)
    const t = performance.now()
    const result = await scoreListing(job.id)
    times.push(performance.now() - t)
    candidates += result.candidates
  }
  times.sort((a, b) => a - b)
  const q = (f: number) => times[Math.min(times.length - 1, Math.ceil(f * times.length) - 1)]!
  table.push({ metric: `publish → top matches stored, median (${times.length} publishes, ~${fmt(candidates / times.length)} candidates each)`, value: `${(q(0.5) / 1000).toFixed(2)} s`, goal: '—', met: '—' })
  table.push({ metric: 'publish → top matches stored, p95', value: `${(q(0.95) / 1000).toFixed(2)} s`, goal: '< 2 s', met: q(0.95) < 2000 ? 'yes' : 'no' })
  table.push({ metric: 'publish in a cold process (before the cache warm-up)', value: `${(cold / 1000).toFixed(2)} s`, goal: '—', met: '—' })
  table.push({ metric: `worker start-up cache warm-up (${fmt(warmed)} households)`, value: `${warmSeconds.toFixed(1)} s, heap ${fmt(heapMb)} MB`, goal: '—', met: '—' })
  await db.update(listings).set({ status: 'closed' }).where(inArray(listings.id, made))
  await db.delete(matches).where(inArray(matches.listingId, made))

  // 3. Full rescore through real worker processes: one, then two, same Redis and PostgreSQL.
  // Only the first `--rescore-listings` published listings take part (the others are paused
  // for this step and published again afterwards), so the run fits a benchmark's time.
  const keep = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'published')).orderBy(listings.id).limit(rescoreListings)
  const paused = await db
    .update(listings)
    .set({ status: 'paused' })
    .where(and(eq(listings.status, 'published'), sql`${listings.id} > ${keep.at(-1)?.id ?? '00000000-0000-0000-0000-000000000000'}`))
    .returning({ id: listings.id })
  try {
    const spawnWorker = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('workers/index.ts')], {
        env: { ...process.env, DATABASE_URL: url, QUEUE_PREFIX, LOG_LEVEL: 'info', GONGJIAN_PROCESS: 'bench-worker' },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout!.on('data', (d) => (out += d))
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('workers started') && resolve())
        child.once('exit', (code) => reject(new Error(`worker exited (${code})`)))
      })
      return { child, ready, chunks: () => (out.match(/"job":"rescore-chunk"/g) ?? []).length }
    }
    const stop = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM'))))
    const rescore = async (processes: number) => {
      await db.execute(sql`truncate matches`)
      const ws = Array.from({ length: processes }, spawnWorker)
      await Promise.all(ws.map((w) => w.ready))
      const runId = `bench-${processes}w-${Date.now()}`
      const t = performance.now()
      await enqueueRescoreBatch(runId, 0, 50)
      for (;;) {
        const [run] = await db.select().from(rescoreRuns).where(eq(rescoreRuns.id, runId))
        if (run?.finishedAt) break
        await new Promise((r) => setTimeout(r, 250))
      }
      const seconds = (performance.now() - t) / 1000
      const [{ stored } = { stored: 0 }] = await db.select({ stored: sql<number>`count(*)::int` }).from(matches)
      const split = ws.map((w) => w.chunks()).join(' + ')
      await Promise.all(ws.map((w) => stop(w.child)))
      return { seconds, stored, split }
    }
    const one = await rescore(1)
    const two = await rescore(2)
    const label = `full rescore of ${fmt(keep.length)} listings (chunks of 50)`
    table.push({ metric: `${label}, 1 worker process`, value: `${one.seconds.toFixed(1)} s (${fmt(keep.length / one.seconds)} listings/s, ${fmt(one.stored)} matches)`, goal: '—', met: '—' })
    table.push({
      metric: `${label}, 2 worker processes (chunks ${two.split})`,
      value: `${two.seconds.toFixed(1)} s (${fmt(keep.length / two.seconds)} listings/s, ×${(one.seconds / two.seconds).toFixed(2)})`,
      goal: 'faster than 1',
      met: two.seconds < one.seconds ? 'yes' : 'no',
    })
  } finally {
    for (let i = 0; i < paused.length; i += 5000)
      await db.update(listings).set({ status: 'published' }).where(inArray(listings.id, paused.slice(i, i + 5000).map((r) => r.id)))
  }

  console.log(`\nmatching benchmark — ${scale} (${new Date().toISOString().slice(0, 16)}, ${(await import('node:os')).cpus().length} CPU cores)`)
  report(table.map((r) => ({ area: `scoring ${scale}`, metric: r.metric, value: r.value, goal: r.goal === '—' ? '' : r.goal, met: r.met === '—' ? null : r.met === 'yes' })))
} finally {
  await closeQueues()
  await client.end()
  await closeDb()
}
process.exit(process.exitCode ?? 0)
