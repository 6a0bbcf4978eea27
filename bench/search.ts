// `npm run bench:search [-- --listings 20000 --queries 200]`: search latency at a seeded scale.
// 200 mixed Chinese queries (one or two words, some with typos) with kind / region / category
// filters go through the default PostgreSQL engine (search/postgres.ts: jieba tsvector + GIN, pg_trgm
// fallback, a page of 20 hits + total + facets), and the same queries through a naive scan
// (`title ILIKE '%q%' OR description ILIKE '%q%'` plus the same filters, a page of 20 + total, no
// facets) on the same listings. Prints p50/p95 of both and the ratio.
// Uses its own database (bench/seeded.ts: gongjian_bench_l_search), seeded once and reused.
import { parseArgs } from 'node:util'
import { ensureSeeded, seededDatabaseUrl } from './seeded'
import { percentile, report } from './table'

const { values } = parseArgs({ options: { listings: { type: 'string', default: process.env.BENCH_LISTINGS ?? '20000' }, queries: { type: 'string', default: '200' } } })
const listingCount = Number(values.listings)
const queryCount = Number(values.queries)
const benchUrl = seededDatabaseUrl()
process.env.DATABASE_URL = benchUrl.toString()
process.env.SEARCH_ENGINE = 'postgres'
process.env.LOG_LEVEL ??= 'silent'

// Deterministic: the same 200 queries every run.
function mulberry32(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const words = ['焊工', '电工', '缝纫', '苗绣', '中式烹调', '家政服务', '养老护理', '育婴', '保洁', '电商运营', '直播带货', '驾驶', '快递分拣', '马铃薯种植', '茶叶种植加工', '中药材种植', '培训', '招聘', '免费培训', '就近就业', '棉被', '捐赠', '留守儿童', '书包文具', '轮椅', '助学金', '大病救助', '养老探访', '康复', '特色产业', '兰考', '定西', '凯里', '技能培训班', '社会保险']
const typos = ['焊公', '棉被子捐赠', '电商培训班子', '养老护里', '直播代货']
const regions = ['52', '5226', '522634', '6211', '4102']
const kinds = ['job', 'training', 'donation', 'project'] as const
const categories = ['employment', 'skills_training', 'education', 'material_aid', 'medical_aid', 'elderly_care', 'rehabilitation', 'childcare']

type Query = { text: string; kind?: (typeof kinds)[number]; region?: string; category?: string }
function makeQueries(n: number): Query[] {
  const rand = mulberry32(20261124)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  return Array.from({ length: n }, () => {
    const r = rand()
    const text = r < 0.1 ? pick(typos) : r < 0.35 ? `${pick(words)} ${pick(words)}` : pick(words)
    return {
      text,
      kind: rand() < 0.5 ? pick(kinds) : undefined,
      region: rand() < 0.5 ? pick(regions) : undefined,
      category: rand() < 0.35 ? pick(categories) : undefined,
    }
  })
}

async function main() {
  const { published } = await ensureSeeded(listingCount)
  const { getSearchEngine } = await import('@search/index')
  const { db, closeDb } = await import('~/utils/db.server')
  const { sql } = await import('drizzle-orm')
  const { notEnded } = await import('~/models/listing-dates')
  const engine = getSearchEngine()
  const queries = makeQueries(queryCount)

  const naive = async (q: Query) => {
    const like = `%${q.text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
    const where = [sql`l.status = 'published'`, notEnded(sql`l.ends_on`), sql`(l.title ilike ${like} or l.description ilike ${like})`]
    if (q.kind) where.push(sql`l.kind = ${q.kind}`)
    if (q.region) where.push(sql`l.region_code like ${`${q.region}%`}`)
    if (q.category) where.push(sql`${q.category} = any(l.categories)`)
    return [
      ...(await db.execute(sql`select l.id, l.title, count(*) over () as total from listings l where ${sql.join(where, sql` and `)} order by l.published_at desc, l.id limit 20`)),
    ]
  }
  const viaEngine = async (q: Query) =>
    engine.search({ text: q.text }, { kind: q.kind ? [q.kind] : undefined, region: q.region, category: q.category ? [q.category] : undefined }, 'relevance', { page: 1, perPage: 20 })

  const measure = async (run: (q: Query) => Promise<unknown>) => {
    for (const q of queries.slice(0, 20)) await run(q) // warm-up
    const times: number[] = []
    for (const q of queries) {
      const start = performance.now()
      await run(q)
      times.push(performance.now() - start)
    }
    if (process.env.BENCH_SEARCH_SLOWEST) {
      const slow = queries.map((q, i) => ({ q, ms: times[i]! })).sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.BENCH_SEARCH_SLOWEST))
      for (const s of slow) console.log(`  ${s.ms.toFixed(1)} ms  ${JSON.stringify(s.q)}`)
    }
    return times.sort((a, b) => a - b)
  }
  const engineTimes = await measure(viaEngine)
  const naiveTimes = await measure(naive)
  let withHits = 0
  for (const q of queries) if ((await viaEngine(q)).total > 0) withHits++
  await closeDb()

  const p = (xs: number[], q: number) => percentile(xs, q)
  const ratio50 = p(naiveTimes, 0.5) / p(engineTimes, 0.5)
  const ratio95 = p(naiveTimes, 0.95) / p(engineTimes, 0.95)
  console.log(`\nSearch — ${queries.length} mixed Chinese queries with filters over ${published} listings on offer (${withHits} queries with hits), database ${benchUrl.pathname.slice(1)}`)
  console.log(`engine (postgres): p50 ${p(engineTimes, 0.5).toFixed(1)} ms  p95 ${p(engineTimes, 0.95).toFixed(1)} ms  max ${engineTimes.at(-1)!.toFixed(1)} ms`)
  console.log(`naive ILIKE scan:  p50 ${p(naiveTimes, 0.5).toFixed(1)} ms  p95 ${p(naiveTimes, 0.95).toFixed(1)} ms  max ${naiveTimes.at(-1)!.toFixed(1)} ms`)
  report([
    { area: 'search', metric: `postgres engine p50 / p95 (${queries.length} queries, ${published} listings)`, value: `${p(engineTimes, 0.5).toFixed(1)} / ${p(engineTimes, 0.95).toFixed(1)} ms`, goal: 'p95 < 50 ms', met: p(engineTimes, 0.95) < 50 },
    { area: 'search', metric: 'naive ILIKE scan p50 / p95 (same queries)', value: `${p(naiveTimes, 0.5).toFixed(1)} / ${p(naiveTimes, 0.95).toFixed(1)} ms`, goal: '', met: null },
    { area: 'search', metric: 'naive ÷ engine at p50 / p95', value: `${ratio50.toFixed(1)}× / ${ratio95.toFixed(1)}×`, goal: '≥ 10× faster', met: ratio50 >= 10 && ratio95 >= 10 },
  ])
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
