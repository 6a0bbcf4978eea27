// Default engine: a tsvector ('simple' configuration over jieba-segmented words) with a GIN
// index, plus a pg_trgm fallback for typos and partial words. See docs/decisions/010-search-engine.md.
import { inArray, sql, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import type { Database } from '@db/client'
import { listingSearchDocuments } from '@db/schema'
import { listingKinds } from '@db/schema/listings/constants'
import { organizationKinds } from '@db/schema/organizations/constants'
import { emptyFacets, type Facets, type SearchDocument, type SearchEngine, type SearchFilters, type SearchHit, type SearchPage, type SearchQuery, type SearchResult, type SearchSort } from './engine'
import { segmentForIndex, segmentQuery } from './segment'

/** Below this word similarity a fuzzy candidate is noise. */
const FUZZY_THRESHOLD = 0.25

/**
 * Set for a text search's transaction only. `a <% b` is word_similarity(a, b) >= this threshold. The
 * planner prices `@@` and word_similarity() like an addition, so once a word is common (招聘: a fifth of
 * all documents) it picks a sequential scan that evaluates them on every document (招聘: 15–25 ms)
 * instead of the GIN indexes (5 ms); with sequential scans off it reads the indexes.
 */
const TEXT_SEARCH_SETTINGS = `select set_config('pg_trgm.word_similarity_threshold', '${FUZZY_THRESHOLD}', true), set_config('enable_seqscan', 'off', true)`

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
        trigramText: `${title} ${segmentForIndex(doc.extra).join(' ')}`,
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
            ['version', 'kind', 'organization_id', 'organization_kind', 'region_code', 'categories', 'target_groups', 'title', 'words', 'document', 'trigram_text', 'published_at']
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
    // Fallback when no listing matches every word (within the filters): trigram similarity against the
    // segmented title + position/skills catches typos (焊公 → 焊工) and partial words. `a <% b` is
    // word_similarity(a, b) >= pg_trgm.word_similarity_threshold and, unlike the function, can use the
    // trigram GIN index (a bare word_similarity() >= x computes it for every document: 150 ms at 15k).
    // It is part of the same statement, behind a one-time filter: it only runs when `exact` is empty
    // (the planner prices every condition here alike and keeps their order, so the filters, listed first,
    // spare word_similarity() the documents they exclude).
    const text = words.join(' ')
    const fuzzy = sql`select ${columns}, round(word_similarity(${text}, d.trigram_text)::numeric, 1) as rank
      from listing_search_documents d ${whereClause([sql`not exists (select from exact)`, ...filterSql, sql`${text} <% d.trigram_text`])}`
    const matched = sql`exact as materialized (${exact}), fuzzy as materialized (${fuzzy}),
      matched_rows as not materialized (select * from exact union all select * from fuzzy)`
    return this.run(matched, true, sort, page, query.viewerRegion)
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
