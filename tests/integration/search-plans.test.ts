// The PostgreSQL engine's query shape (bench:search depends on it): one statement per search besides its
// settings, the typo fallback only runs when nothing matches exactly, and every filter can be served by
// an index. Plans are read with EXPLAIN on the statements the engine really sends.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from '@db/schema'
import { listings } from '@db/schema'
import type { SearchDocument } from '@search/engine'
import { PostgresSearchEngine } from '@search/postgres'
import { db, getConnection } from '~/utils/db.server'
import { makeOrganization } from '../factories/users'

type Logged = { query: string; params: unknown[] }
let log: Logged[] = []
let engine: PostgresSearchEngine
// The engine's own connection, with every statement it sends logged (transaction control and
// postgres.js's own catalog lookup left out).
const logged = postgres(process.env.DATABASE_URL!, {
  max: 1,
  onnotice: () => {},
  types: {},
  debug: (_connection, query, params) => void (/^(begin|commit|rollback)\b|pg_catalog\.pg_type/i.test(query.trim()) || log.push({ query, params })),
})
afterAll(() => logged.end())

const regions = ['522634001', '522630002', '621102204', '410225001']
const titles = ['雷山县电子厂招聘焊工', '苗绣电商培训班', '冬季棉被捐赠', '留守儿童课后托管项目', '定西市马铃薯种植培训']
const kinds = ['job', 'training', 'donation', 'project', 'training'] as const

beforeAll(async () => {
  const org = await makeOrganization({ kind: 'enterprise' })
  const docs: SearchDocument[] = Array.from({ length: 60 }, (_, i) => ({
    id: randomUUID(),
    version: 1,
    kind: kinds[i % 5]!,
    organizationId: org.id,
    organizationName: '测试企业',
    organizationKind: 'enterprise',
    regionCode: regions[i % 4]!,
    regionNames: '',
    categories: i % 5 === 0 ? ['employment'] : ['skills_training', 'education'],
    targetGroups: i % 3 === 0 ? ['rural_low_income'] : [],
    title: `${titles[i % 5]}${i}`,
    description: '面向本地居民，免费参加。',
    extra: '',
    publishedAt: new Date(Date.UTC(2026, 0, 1 + i)),
  }))
  await db.insert(listings).values(
    docs.map((d) => ({ id: d.id, organizationId: d.organizationId, kind: d.kind, status: 'published' as const, title: d.title, description: d.description, regionCode: d.regionCode, categories: d.categories, startsOn: '2027-01-01', contactMethod: '电话' })),
  )
  await new PostgresSearchEngine(db).index(docs)
  await getConnection().sql`analyze listing_search_documents`
  engine = new PostgresSearchEngine(drizzle(logged, { schema, casing: 'snake_case' }))
})

/** The distinct statements a search sends (postgres.js logs a new prepared statement twice: describe, then execute). */
async function statements(run: () => Promise<unknown>) {
  log = []
  await run()
  return log.filter((entry, i) => log.findIndex((other) => other.query === entry.query) === i)
}

/** EXPLAIN ANALYZE of the engine's search statement, after its own settings statement when it sent one. */
async function plan(sent: Logged[]) {
  const search = sent.at(-1)!
  return getConnection().sql.begin(async (tx) => {
    if (sent.length > 1) await tx.unsafe(sent[0]!.query, sent[0]!.params as never[])
    const rows = await tx.unsafe(`explain (analyze, costs off, timing off, summary off) ${search.query}`, search.params as never[])
    return rows.map((r) => r['QUERY PLAN'] as string).join('\n')
  })
}

describe('PostgreSQL search engine query shape', () => {
  it('answers a text search in one statement after its settings, and reads the typo fallback only when nothing matches', async () => {
    const exact = await statements(() => engine.search({ text: '焊工' }, {}, 'relevance', { page: 1, perPage: 20 }))
    expect(exact).toHaveLength(2)
    const exactPlan = await plan(exact)
    expect(exactPlan).toMatch(/Bitmap Index Scan on listing_search_documents_document_gin \(actual rows=[1-9]/)
    // The fallback is planned but neither looks up the vocabulary nor reads the documents a second time.
    expect(exactPlan).toMatch(/listing_search_words_trigram_gin \(never executed\)/)
    expect(exactPlan).toMatch(/Bitmap Index Scan on listing_search_documents_document_gin \(never executed\)/)

    // 焊公 is a typo: the same single statement looks it up in the vocabulary (trigram index over the
    // words) and reads the documents holding the corrections through the document index, never
    // comparing the typo with every document.
    const fuzzy = await statements(() => engine.search({ text: '焊公' }, {}, 'relevance', { page: 1, perPage: 20 }))
    expect(fuzzy).toHaveLength(2)
    const fuzzyPlan = await plan(fuzzy)
    expect(fuzzyPlan).toMatch(/Bitmap Index Scan on listing_search_words_trigram_gin \(actual rows=[1-9]/)
    expect(fuzzyPlan).toMatch(/Bitmap Index Scan on listing_search_documents_document_gin \(actual rows=[1-9]/)
    expect(fuzzyPlan).not.toMatch(/listing_search_documents_trigram_gin|word_similarity\([^)]*trigram_text/)

    const browse = await statements(() => engine.search({}, { kind: ['job'] }, 'newest', { page: 1, perPage: 20 }))
    expect(browse).toHaveLength(1)
  })

  it('leaves the connection out of the transaction and without the settings when a search fails', async () => {
    // PostgreSQL refuses a NUL in a text parameter: the search statement fails after BEGIN and the settings.
    await expect(engine.search({ text: '焊工' }, { category: ['employment\u0000'] }, 'relevance', { page: 1, perPage: 20 })).rejects.toThrow()
    // The same (only) connection: not stuck in an aborted transaction, and sequential scans are back on.
    const [row] = await logged`select current_setting('enable_seqscan') as seqscan, current_setting('pg_trgm.word_similarity_threshold') as threshold`
    expect(row).toEqual({ seqscan: 'on', threshold: '0.6' })
    expect((await engine.search({ text: '焊工' }, {}, 'relevance', { page: 1, perPage: 20 })).total).toBeGreaterThan(0)
  })

  it('never scans every document for a text search, whatever the filters', async () => {
    const sent = await statements(() => engine.search({ text: '培训' }, { kind: ['training'], region: '5226', category: ['education'] }, 'relevance', { page: 1, perPage: 20 }))
    expect(await plan(sent)).not.toMatch(/Seq Scan on listing_search_documents/)
    const typo = await statements(() => engine.search({ text: '培洵' }, { kind: ['training'], region: '5226', organizationKind: ['enterprise'] }, 'relevance', { page: 1, perPage: 20 }))
    expect(await plan(typo)).not.toMatch(/Seq Scan on listing_search_documents/)
    // Two words no listing holds together: the fallback to any of them reads through an index too.
    const either = await statements(() => engine.search({ text: '焊工 棉被' }, { region: '52' }, 'relevance', { page: 1, perPage: 20 }))
    const eitherPlan = await plan(either)
    expect(eitherPlan).toMatch(/CTE fuzzy_any\n\s+->  Result \(actual rows=[1-9]/)
    expect(eitherPlan).not.toMatch(/Seq Scan on listing_search_(documents|words)/)
  })

  it('filters kind and region prefix through their indexes (kind as the enum, the prefix through varchar_pattern_ops)', async () => {
    const sent = await statements(() => engine.search({}, { kind: ['job'], region: '5226' }, 'newest', { page: 1, perPage: 20 }))
    // The browse statement sets nothing itself; with sequential scans off the plan shows which
    // filters an index can serve (a LIKE prefix under C.UTF-8 needs the pattern operator class, and
    // `kind::text in (...)` could use no index at all).
    const browsePlan = await getConnection().sql.begin(async (tx) => {
      await tx`select set_config('enable_seqscan', 'off', true)`
      const rows = await tx.unsafe(`explain (costs off) ${sent[0]!.query}`, sent[0]!.params as never[])
      return rows.map((r) => r['QUERY PLAN'] as string).join('\n')
    })
    expect(browsePlan).not.toMatch(/Seq Scan on listing_search_documents/)
    expect(browsePlan).toMatch(/listing_search_documents_region_code_prefix|listing_search_documents_kind_index/)
    const region = await getConnection().sql.begin(async (tx) => {
      await tx`select set_config('enable_seqscan', 'off', true)`
      const rows = await tx.unsafe(`explain (costs off) select listing_id from listing_search_documents d where d.region_code like $1`, ['5226%'])
      return rows.map((r) => r['QUERY PLAN'] as string).join('\n')
    })
    expect(region).toMatch(/listing_search_documents_region_code_prefix/)
  })
})
