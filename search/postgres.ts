// Default engine: a tsvector ('simple' configuration over jieba-segmented words) with a GIN
// index, plus a pg_trgm fallback for typos and partial words. See docs/decisions/010-search-engine.md.
import { inArray, sql, type SQL } from 'drizzle-orm'
import type { Database, Executor } from '@db/client'
import { listingSearchDocuments } from '@db/schema'
import { listingKinds } from '@db/schema/listings/constants'
import { organizationKinds } from '@db/schema/organizations/constants'
import { emptyFacets, type Facets, type SearchDocument, type SearchEngine, type SearchFilters, type SearchHit, type SearchPage, type SearchQuery, type SearchResult, type SearchSort } from './engine'
import { segmentForIndex, segmentQuery } from './segment'

/** Below this word similarity a fuzzy candidate is noise. */
const FUZZY_THRESHOLD = 0.25

function tsQueryTerm(word: string) {
  // Quote each word as a lexeme so characters like ':' or '&' never become operators.
  return `'${word.replace(/'/g, "''").replace(/\\/g, '\\\\')}'`
}

export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres'
  constructor(private readonly db: Executor) {}

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
    if (words.length === 0) return this.run(filterSql, null, sort, page, query.viewerRegion, false)
    const tsquery = words.map(tsQueryTerm).join(' & ')
    const match = sql`d.document @@ to_tsquery('simple', ${tsquery})`
    // Relevance in coarse tiers (rank/(rank+1), one decimal), so region proximity and freshness
    // decide between listings that match about equally well.
    const rank = sql`round(ts_rank(d.document, to_tsquery('simple', ${tsquery}), 32)::numeric, 1)`
    const exact = await this.run([...filterSql, match], rank, sort, page, query.viewerRegion, false)
    if (exact.total > 0) return exact
    // Fallback: no listing has every word. Trigram similarity against the segmented title +
    // position/skills catches typos (焊公 → 焊工) and partial words.
    const text = words.join(' ')
    const similarity = sql`word_similarity(${text}, d.trigram_text)`
    // `a <% b` is word_similarity(a, b) >= pg_trgm.word_similarity_threshold, and unlike the function
    // it can use the trigram GIN index (a bare word_similarity() >= x scans every document: 150 ms at
    // 15k listings, 7 ms with the index). The planner prices word_similarity() like an addition, so
    // once a word's trigrams are common (招聘: 1,500 candidates) it still picks a sequential scan that
    // computes it for every document (95 ms); with sequential scans off it reads the index (14 ms).
    // Both settings last for this transaction only.
    return (this.db as Database).transaction(async (tx) => {
      await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true), set_config('enable_seqscan', 'off', true)`)
      return new PostgresSearchEngine(tx).run([...filterSql, sql`${text} <% d.trigram_text`], sql`round(${similarity}::numeric, 1)`, sort, page, query.viewerRegion, true)
    })
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

  private async run(where: SQL[], rank: SQL | null, sort: SearchSort, page: SearchPage, viewerRegion: string | undefined, fuzzy: boolean): Promise<SearchResult> {
    const whereSql = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``
    const proximity = viewerRegion
      ? sql`(case when left(d.region_code, 12) = left(${viewerRegion}, 12) and length(${viewerRegion}) >= 12 then 5
          when left(d.region_code, 9) = left(${viewerRegion}, 9) and length(${viewerRegion}) >= 9 then 4
          when left(d.region_code, 6) = left(${viewerRegion}, 6) and length(${viewerRegion}) >= 6 then 3
          when left(d.region_code, 4) = left(${viewerRegion}, 4) and length(${viewerRegion}) >= 4 then 2
          when left(d.region_code, 2) = left(${viewerRegion}, 2) then 1 else 0 end)`
      : null
    const keys: SQL[] = []
    if (sort === 'relevance' && rank) keys.push(sql`d.rank desc`)
    if (sort === 'relevance' && proximity) keys.push(sql`${proximity} desc`)
    keys.push(sql`d.published_at desc`)
    if (sort === 'newest' && proximity) keys.push(sql`${proximity} desc`)
    keys.push(sql`d.listing_id`)
    const order = sql.join(keys, sql`, `)
    const offset = Math.max(0, (page.page - 1) * page.perPage)
    // One statement: the matching documents are found (and ranked) once, then both the page of hits
    // and the facets are read from them. The CTE carries only the columns used — not the tsvectors.
    const [result] = (await this.db.execute(sql`
      with matched as materialized (
        select d.listing_id, d.kind, d.title, d.organization_id, d.organization_kind, d.region_code, d.categories,
               d.target_groups, d.published_at, ${rank ?? sql`0`} as rank
        from listing_search_documents d ${whereSql}),
      hits as (
        select d.listing_id as id, d.kind, d.title, d.organization_id, o.name as organization_name, d.organization_kind,
               d.region_code, d.categories, d.target_groups, d.published_at, row_number() over (order by ${order}) as ord
        from matched d join organizations o on o.id = d.organization_id
        order by ${order}
        limit ${page.perPage} offset ${offset}),
      facets as (
        select 'kind' as facet, kind::text as value, count(*)::int as n from matched group by kind
        union all select 'category', c, count(*)::int from matched, unnest(categories) c group by c
        union all select 'targetGroup', g, count(*)::int from matched, unnest(target_groups) g group by g
        union all select 'organizationKind', organization_kind::text, count(*)::int from matched group by organization_kind
        union all select 'region', left(region_code, 6), count(*)::int from matched group by left(region_code, 6))
      select (select coalesce(json_agg(h order by h.ord), '[]'::json) from hits h) as hits,
             (select coalesce(json_agg(f), '[]'::json) from facets f) as facets`)) as unknown as Array<{
      hits: Array<Record<string, unknown>>
      facets: Array<{ facet: keyof Facets; value: string; n: number }>
    }>
    const rows = result!.hits
    const facetRows = result!.facets
    const facets = emptyFacets()
    let total = 0
    for (const f of facetRows) {
      facets[f.facet][f.value] = f.n
      if (f.facet === 'kind') total += f.n
    }
    const hits: SearchHit[] = rows.map((r) => ({
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
    return { hits, total, facets, fuzzy }
  }
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
