// The seeded database the search and page benchmarks share (gongjian_bench_l_search unless
// BENCH_SEARCH_DATABASE says otherwise): demo data (organizations, demo logins, the demo residents'
// households and matches) plus `listingCount` generated listings, indexed by the PostgreSQL engine.
// Seeding 20k listings takes minutes on the shared box, so a database that already holds them is reused.
import postgres from 'postgres'

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gongjian')

export function seededDatabaseUrl() {
  const url = new URL(base)
  url.pathname = `/${process.env.BENCH_SEARCH_DATABASE ?? 'gongjian_bench_l_search'}`
  return url
}

const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 1000)

/** Seeds the benchmark database unless it already holds `listingCount` listings, every one on offer indexed, and the demo resident's matches. Returns how many are on offer (published, not ended). */
export async function ensureSeeded(listingCount: number) {
  const admin = new URL(base)
  admin.pathname = '/postgres'
  const adminSql = postgres(admin.toString(), { max: 1, onnotice: () => {} })
  const benchUrl = seededDatabaseUrl()
  const name = benchUrl.pathname.slice(1)
  const [exists] = await adminSql`select 1 from pg_database where datname = ${name}`
  await adminSql.end()
  const { migrateDatabase } = await import('../db/migrate')
  const { connect } = await import('../db/client')
  const { seed } = await import('../db/seed')
  const started = performance.now()
  let reuse = false
  if (exists) {
    await migrateDatabase(benchUrl.toString())
    const probe = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} })
    // Every listing on offer (published, end date not passed) must be in the index; listings that
    // ended since the seed are not on offer and need not be.
    const [row] = await probe`select (select count(*)::int from listings) as listings,
      (select count(*)::int from listings l where status = 'published' and (ends_on is null or ends_on >= (now() at time zone 'Asia/Shanghai')::date)
        and not exists (select 1 from listing_search_documents d where d.listing_id = l.id)) as unindexed`
    await probe.end()
    reuse = Boolean(row && row.listings >= listingCount && row.unindexed === 0)
  }
  if (!reuse) {
    const reset = postgres(admin.toString(), { max: 1, onnotice: () => {} })
    await reset.unsafe(`drop database if exists "${name}" with (force)`)
    await reset.end()
    await migrateDatabase(benchUrl.toString())
  }
  const { sql: client, db } = connect(benchUrl.toString(), { max: 4, applicationName: 'gongjian-bench' })
  const demoMatches = async () => {
    const [row] = await client`select count(*)::int as n from matches m join households h on h.id = m.household_id join users u on u.id = h.resident_user_id where u.username = 'resident'`
    return row!.n as number
  }
  // Households (with the demo residents' files) and their matches; seeding again adds no listings.
  if (!reuse) await seed(db, { households: HOUSEHOLDS, listings: listingCount, quiet: true })
  else if ((await demoMatches()) === 0) await seed(db, { households: HOUSEHOLDS, listings: 0, quiet: true })
  const [row] = await client`select count(*)::int as published from listings where status = 'published' and (ends_on is null or ends_on >= (now() at time zone 'Asia/Shanghai')::date)`
  const matched = await demoMatches()
  // A freshly loaded database has no planner statistics until autovacuum gets to it (and this server may
  // run with autovacuum off): without them the planner guesses row counts (an array filter: 191 rows
  // instead of 4,319) and picks plans a settled production database would not. Vacuum and analyze it
  // the way autovacuum would (about a second at 20k listings), so every benchmark plans on real statistics.
  await client`vacuum (analyze)`
  await client.end()
  if (performance.now() - started > 5000) console.log(`seeded: ${listingCount} listings (${row!.published} published), ${HOUSEHOLDS} households, ${matched} matches for the demo resident, in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  return { published: row!.published as number }
}
