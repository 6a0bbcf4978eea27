// Default engine: a tsvector ('simple' configuration over jieba-segmented words) with a GIN index,
// plus a fallback for typos and partial words through the vocabulary of indexed words (pg_trgm).
// See docs/decisions/010-search-engine.md.
import { inArray, sql, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Database } from '@db/client'
import { listingSearchDocuments } from '@db/schema'
import { listingKinds } from '@db/schema/listings/constants'
import { organizationKinds } from '@db/schema/organizations/constants'
import { emptyFacets, type Facets, type SearchDocument, type SearchEngine, type SearchFilters, type SearchHit, type SearchPage, type SearchQuery, type SearchResult, type SearchSort } from './engine'
import { segmentForIndex, segmentQuery } from './segment'

/** Below this word similarity (pg_trgm) a vocabulary word is no correction of a query word (焊公 → 焊工: 0.33). */
const FUZZY_THRESHOLD = 0.3
/** Corrections of a query word the vocabulary does not have: its most similar vocabulary words. */
const MAX_CORRECTIONS = 5
/** The fallback considers a query's first words only (a pasted paragraph still answers). */
const MAX_FUZZY_WORDS = 8

/** A vocabulary word (SQL expression) as a tsquery operand: quoted, so no character in it is an operator. */
function tsQueryOperand(word: string) {
  return sql.raw(`'''' || replace(replace(${word}, '\\', '\\\\'), '''', '''''') || ''''`)
}

/**
 * Set for a text search's transaction only. `a <% b` is word_similarity(a, b) >= this threshold. The
 * planner prices `@@` and word_similarity() like an addition, so once a word is common (招聘: a fifth of
 * all documents) it picks a sequential scan that evaluates them on every document (招聘: 15–25 ms)
 * instead of the GIN indexes (5 ms); with sequential scans off it reads the indexes.
 * Generic plans from the first execution: the text search statement carries the fallback's CTEs, and
 * planning it afresh for each of a connection's first five executions of a shape (plan_cache_mode auto)
 * cost about 0.6 ms at the median — interleaved over the benchmark's 200 queries, p50 4.1 → 3.2–3.4 ms and
 * p95 16.8 → 12.8–14.0 ms. With sequential scans off, the generic plan reads the same indexes.
 */
const TEXT_SEARCH_SETTINGS = `select set_config('pg_trgm.word_similarity_threshold', '${FUZZY_THRESHOLD}', true), set_config('enable_seqscan', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)`

/** Renders the search statements for postgres.js (drizzle's execute() cannot send prepared statements). */
const dialect = new PgDialect()

function tsQueryTerm(word: string) {
  // Quote each word as a lexeme so characters like ':' or '&' never become operators.
  return `'${word.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`
}

export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres'
  constructor(private readonly db: Database) {}

  async index(documents: SearchDocument[]) {
    if (!documents.length) return
    const rows = documents.map((doc) => {
      const title = segmentForIndex(doc.title).join(' ')
      const extra = segmentForIndex([doc.extra, doc.regionNames, doc.organizationName].join('\n')).join(' ')
      const body = segmentForIndex(doc.description).join(' ')
      return {
        listingId: doc.id,
        version: doc.version,
        kind: doc.kind,
        organizationId: doc.organizationId,
        organizationKind: doc.organizationKind,
        regionCode: doc.regionCode,
        categories: doc.categories,
        targetGroups: doc.targetGroups,
        title: doc.title,
        words: [title, extra, body].join(' '),
        // Title words weigh most (A), then position/skills/place/organization (B), then the description (C).
        document: sql`setweight(to_tsvector('simple', ${title}), 'A') || setweight(to_tsvector('simple', ${extra}), 'B') || setweight(to_tsvector('simple', ${body}), 'C')`,
        publishedAt: doc.publishedAt,
      }
    })
    const excluded = (column: string) => sql.raw(`excluded.${column}`)
    // An older version never overwrites a newer document (jobs may run out of order).
    for (let i = 0; i < rows.length; i += 200) {
      await this.db
        .insert(listingSearchDocuments)
        .values(rows.slice(i, i + 200))
        .onConflictDoUpdate({
          target: listingSearchDocuments.listingId,
          set: Object.fromEntries(
            ['version', 'kind', 'organization_id', 'organization_kind', 'region_code', 'categories', 'target_groups', 'title', 'words', 'document', 'published_at']
              .map((c) => [c.replace(/_(\w)/g, (_, x: string) => x.toUpperCase()), excluded(c)])
              .concat([['indexedAt', sql`now()`]]),
          ),
          setWhere: sql`${listingSearchDocuments.version} <= excluded.version`,
        })
    }
  }

  async remove(ids: string[]) {
    if (ids.length) await this.db.delete(listingSearchDocuments).where(inArray(listingSearchDocuments.listingId, ids))
  }

  async clear() {
    await this.db.delete(listingSearchDocuments)
  }

  /**
   * Recounts the vocabulary (listing_search_words) from the documents. The triggers on
   * listing_search_documents keep it current; this repairs it after anything that bypassed them (a
   * restore with triggers disabled). Writers wait while it runs (0.2 s at 15k documents), so
   * the counts match the documents read.
   */
  async rebuildDerived() {
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`lock table listing_search_documents in share mode`)
      await tx.execute(sql`with counted as (
          select word, count(*)::int as documents from listing_search_documents, unnest(tsvector_to_array(document)) as word group by word),
        gone as (delete from listing_search_words w where not exists (select from counted c where c.word = w.word))
        insert into listing_search_words as w (word, documents) select word, documents from counted order by word
        on conflict (word) do update set documents = excluded.documents where w.documents <> excluded.documents`)
    })
  }

  async search(query: SearchQuery, filters: SearchFilters, sort: SearchSort, page: SearchPage): Promise<SearchResult> {
    const words = query.text ? segmentQuery(query.text) : []
    const filterSql = this.filterConditions(filters)
    const columns = sql`d.listing_id, d.kind, d.title, d.organization_id, d.organization_kind, d.region_code, d.categories, d.target_groups, d.published_at`
    if (words.length === 0) {
      const matched = sql`select ${columns}, 0 as rank from listing_search_documents d ${whereClause(filterSql)}`
      return this.run(matched, false, sort, page, query.viewerRegion)
    }
    const tsquery = sql`to_tsquery('simple', ${words.map(tsQueryTerm).join(' & ')})`
    // Relevance in coarse tiers (rank/(rank+1), one decimal), so region proximity and freshness
    // decide between listings that match about equally well.
    const exact = sql`select ${columns}, round(ts_rank(d.document, ${tsquery}, 32)::numeric, 1) as rank
      from listing_search_documents d ${whereClause([...filterSql, sql`d.document @@ ${tsquery}`])}`
    // Fallback when no listing matches every word within the filters: typo and partial-word tolerance
    // against the vocabulary (listing_search_words), then the same GIN index as `exact`. See fuzzyCtes().
    const matched = sql`exact as materialized (${exact}), ${this.fuzzyCtes(words.slice(0, MAX_FUZZY_WORDS), columns, filterSql)}`
    return this.run(matched, true, sort, page, query.viewerRegion)
  }

  /**
   * The fuzzy fallback's CTEs, ending in `matched_rows`. Typo tolerance the way dedicated engines do it:
   * against the vocabulary of indexed words (listing_search_words: a few thousand rows with a trigram
   * index), not against every document.
   * - `corrections`: for each query word, the word itself if the vocabulary has it, else the
   *   MAX_CORRECTIONS most similar vocabulary words with word_similarity() ≥ FUZZY_THRESHOLD (a typo:
   *   焊公 → 焊工, 焊接; a partial word: 项 → 项目). An indexed word gets no look-alikes: at two
   *   characters they share one trigram with every word of the same first character (技能 → 技术,
   *   技艺), and the longer words holding it need none (search-mode segmentation indexes 职业技能 with
   *   技能 too).
   * - `fuzzy_all`: documents holding, for every word, one of its corrections (an AND of ORs, through
   *   the document GIN index like `exact`); when none does within the filters, `fuzzy_any`: documents
   *   holding a correction of any word.
   * - rank: per word 1 when the document holds its best correction (the word itself when indexed), ½
   *   for another one, 0 for none, averaged over the words and cut to tiers like `exact`'s: more words
   *   and better corrections first, then proximity and freshness as for exact matches.
   * Every CTE sits behind the one-time filter `not exists (select from exact)`: planned always, run
   * only when `exact` is empty. The tsqueries are built in SQL from vocabulary words (quoted operands);
   * the query text only reaches the database as parameters.
   */
  private fuzzyCtes(words: string[], columns: SQL, filterSql: SQL[]): SQL {
    const n = words.length
    const fuzzyQuery = (expression: string) => sql`(select ${sql.raw(expression)} from fuzzy_queries)`
    // Half-points per word (2 best correction, 1 another, 0 none) in integers, then one decimal rounded
    // half up — round(points / 2n, 1) = floor((10 points + n) / 2n) / 10 — and numeric only once: numeric
    // arithmetic per word cost 3 ms over the 6.7k listings holding any of 技能 培训班 留守 儿童.
    // `others` is NULL for a word whose corrections are all best (an indexed word): its second @@ is skipped.
    const points = words.map(
      (_, i) => sql`case when d.document @@ ${fuzzyQuery(`best[${i + 1}]`)} then 2 when d.document @@ ${fuzzyQuery(`others[${i + 1}]`)} then 1 else 0 end`,
    )
    const rank = sql`(((${sql.join(points, sql` + `)}) * 10 + ${sql.raw(String(n))}) / ${sql.raw(String(2 * n))})::numeric / 10 as rank`
    const select = (conditions: SQL[]) => sql`select ${columns}, ${rank} from listing_search_documents d ${whereClause(conditions)}`
    const notExact = sql`not exists (select from exact)`
    // `every_word` is NULL (no document matches, the index scan stops at once) when a word has no
    // correction, or when every word is indexed: its only correction is itself, and that was `exact`.
    const fuzzyAll = select([notExact, ...filterSql, sql`d.document @@ ${fuzzyQuery('every_word')}`])
    // With one word, "any word" is "every word".
    const fuzzyAny = n > 1 ? select([notExact, sql`not exists (select from fuzzy_all)`, ...filterSql, sql`d.document @@ ${fuzzyQuery('any_word')}`]) : null
    return sql`query_words as (
        select q.word, q.i, exists (select from listing_search_words w where w.word = q.word) as indexed
        from unnest(${textArray(words)}) with ordinality as q(word, i)),
      corrections as materialized (
        select i, word, 1::real as score from query_words where indexed and ${notExact}
        union all
        select q.i, c.word, c.score from query_words q cross join lateral (
          select w.word, word_similarity(q.word, w.word) as score from listing_search_words w where q.word <% w.word
          order by 2 desc, similarity(q.word, w.word) desc, w.documents desc, w.word limit ${sql.raw(String(MAX_CORRECTIONS))}) c
        where not q.indexed and ${notExact}),
      per_word as materialized (
        select q.i, string_agg(${tsQueryOperand('c.word')}, ' | ' order by c.score desc, c.word) as alternatives,
          string_agg(${tsQueryOperand('c.word')}, ' | ' order by c.score desc, c.word) filter (where c.score = c.best) as best,
          bool_and(q.indexed) as indexed
        from query_words q left join (select *, max(score) over (partition by i) as best from corrections) c on c.i = q.i group by q.i),
      fuzzy_queries as materialized (
        select case when count(alternatives) = count(*) and not bool_and(indexed) then string_agg('(' || alternatives || ')', ' & ')::tsquery end as every_word,
          string_agg('(' || alternatives || ')', ' | ')::tsquery as any_word,
          array_agg(nullif(alternatives, best)::tsquery order by i) as others,
          array_agg(best::tsquery order by i) as best
        from per_word),
      fuzzy_all as materialized (${fuzzyAll}),
      ${fuzzyAny ? sql`fuzzy_any as materialized (${fuzzyAny}),` : sql``}
      matched_rows as not materialized (select * from exact union all select * from fuzzy_all${fuzzyAny ? sql` union all select * from fuzzy_any` : sql``})`
  }

  private filterConditions(filters: SearchFilters): SQL[] {
    const where: SQL[] = []
    // Kinds compare as the enum (not `kind::text`), so the btree index on kind can serve them; a value
    // outside the enum matches nothing, as it did when compared as text.
    if (filters.kind?.length) where.push(enumIn(sql`d.kind`, filters.kind, listingKinds, 'listing_kind'))
    if (filters.category?.length) where.push(sql`d.categories && ${textArray(filters.category)}`)
    if (filters.targetGroup?.length) where.push(sql`d.target_groups && ${textArray(filters.targetGroup)}`)
    if (filters.organizationKind?.length) where.push(enumIn(sql`d.organization_kind`, filters.organizationKind, organizationKinds, 'organization_kind'))
    if (filters.region) where.push(sql`d.region_code like ${`${filters.region.replace(/[^0-9]/g, '')}%`}`)
    return where
  }

  /**
   * One statement: the matching documents are found (and ranked) once, then the page of hits and the
   * facets are read from them. `matched` is either one select (browse) or CTEs ending in `matched_rows`
   * (text search: exact matches, else the fuzzy fallback).
   *
   * Sent as a prepared statement: planning this statement took about 2 ms of a 4–5 ms search, and there
   * are few statement shapes (which filters are present), so each connection plans a shape a few times
   * and then PostgreSQL may settle on a generic plan (plan_cache_mode auto: only when it does not look
   * costlier than the plans made for the actual values).
   */
  private async run(matched: SQL, textSearch: boolean, sort: SearchSort, page: SearchPage, viewerRegion: string | undefined): Promise<SearchResult> {
    const proximity = viewerRegion
      ? sql`(case when left(d.region_code, 12) = left(${viewerRegion}, 12) and length(${viewerRegion}) >= 12 then 5
          when left(d.region_code, 9) = left(${viewerRegion}, 9) and length(${viewerRegion}) >= 9 then 4
          when left(d.region_code, 6) = left(${viewerRegion}, 6) and length(${viewerRegion}) >= 6 then 3
          when left(d.region_code, 4) = left(${viewerRegion}, 4) and length(${viewerRegion}) >= 4 then 2
          when left(d.region_code, 2) = left(${viewerRegion}, 2) then 1 else 0 end)`
      : null
    const keys: SQL[] = []
    if (sort === 'relevance' && textSearch) keys.push(sql`d.rank desc`)
    if (sort === 'relevance' && proximity) keys.push(sql`${proximity} desc`)
    keys.push(sql`d.published_at desc`)
    if (sort === 'newest' && proximity) keys.push(sql`${proximity} desc`)
    keys.push(sql`d.listing_id`)
    const order = sql.join(keys, sql`, `)
    const offset = Math.max(0, (page.page - 1) * page.perPage)
    // The page is cut by a top-N sort of the matches before the organization names are joined to it.
    // Facets: the matches are first grouped by all five facet columns at once (a few hundred groups
    // even when thousands match), and each facet sums those groups — one pass over the matches instead
    // of five, and the arrays are unnested per group, not per match.
    const statement = dialect.sqlToQuery(sql`
      with ${textSearch ? matched : sql`matched_rows as materialized (${matched})`},
      groups as materialized (
        select kind, organization_kind, left(region_code, 6) as county, categories, target_groups, count(*)::int as n
        from matched_rows group by 1, 2, 3, 4, 5),
      facets as (
        select 'kind' as facet, kind::text as value, sum(n)::int as n from groups group by kind
        union all select 'category', c, sum(n)::int from groups, unnest(categories) c group by c
        union all select 'targetGroup', g, sum(n)::int from groups, unnest(target_groups) g group by g
        union all select 'organizationKind', organization_kind::text, sum(n)::int from groups group by organization_kind
        union all select 'region', county, sum(n)::int from groups group by county)
      select (select coalesce(json_agg(json_build_object('id', d.listing_id, 'kind', d.kind, 'title', d.title, 'organization_id', d.organization_id,
                'organization_name', o.name, 'organization_kind', d.organization_kind, 'region_code', d.region_code, 'categories', d.categories,
                'target_groups', d.target_groups, 'published_at', d.published_at) order by ${order}), '[]'::json)
              from (select * from matched_rows d order by ${order} limit ${page.perPage} offset ${offset}) d
              join organizations o on o.id = d.organization_id) as hits,
             (select coalesce(json_agg(f), '[]'::json) from facets f) as facets,
             ${textSearch ? sql`not exists (select from exact)` : sql`false`} as fuzzy`)
    const [result] = (await this.send(statement.sql, statement.params as never[], textSearch)) as unknown as Array<{
      hits: Array<Record<string, unknown>>
      facets: Array<{ facet: keyof Facets; value: string; n: number }>
      fuzzy: boolean
    }>
    const facetRows = result!.facets
    const facets = emptyFacets()
    let total = 0
    for (const f of facetRows) {
      facets[f.facet][f.value] = f.n
      if (f.facet === 'kind') total += f.n
    }
    const hits: SearchHit[] = result!.hits.map((r) => ({
      id: String(r.id),
      kind: r.kind as SearchHit['kind'],
      title: String(r.title),
      organizationId: String(r.organization_id),
      organizationName: String(r.organization_name),
      organizationKind: r.organization_kind as SearchHit['organizationKind'],
      regionCode: String(r.region_code),
      categories: r.categories as string[],
      targetGroups: r.target_groups as string[],
      publishedAt: new Date(r.published_at as string).toISOString(),
    }))
    return { hits, total, facets, fuzzy: result!.fuzzy }
  }

  /**
   * A text search's settings (TEXT_SEARCH_SETTINGS) last for its transaction only. Begin, settings,
   * search and commit go out together on one reserved connection — one round trip instead of three
   * (sql.begin() waits for BEGIN, then for COMMIT). postgres.js sends them in the order they are
   * executed, and after an error the server still runs the COMMIT (which then rolls back).
   */
  private async send(statement: string, params: never[], textSearch: boolean) {
    const client = this.db.$client
    if (!textSearch) return client.unsafe(statement, params, { prepare: true })
    const connection = await client.reserve()
    try {
      const sent = [connection`begin`, connection.unsafe(TEXT_SEARCH_SETTINGS, [], { prepare: true }), connection.unsafe(statement, params, { prepare: true }), connection`commit`]
      const results = await Promise.allSettled(sent.map((query) => query.execute()))
      const failed = results.find((r) => r.status === 'rejected')
      if (failed) throw failed.reason
      return (results[2] as PromiseFulfilledResult<Awaited<(typeof sent)[2]>>).value
    } finally {
      connection.release()
    }
  }
}

function whereClause(where: SQL[]) {
  return where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``
}

function enumIn(column: SQL, values: readonly string[], allowed: readonly string[], type: string) {
  const known = [...new Set(values.filter((v) => allowed.includes(v)))]
  if (!known.length) return sql`false`
  return sql`${column} in (${sql.join(
    known.map((v) => sql`${v}::${sql.raw(type)}`),
    sql`, `,
  )})`
}

function textArray(values: string[]) {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`
}
