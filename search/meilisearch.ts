// Meilisearch engine (SEARCH_ENGINE=meilisearch, MEILI_URL, MEILI_MASTER_KEY) through the
// official client. Same document and result shape as the PostgreSQL engine; documents carry
// jieba-segmented words so both engines agree on Chinese word boundaries.
import { Meilisearch, type Index } from 'meilisearch'
import { emptyFacets, type Facets, type SearchDocument, type SearchEngine, type SearchFilters, type SearchPage, type SearchQuery, type SearchResult, type SearchSort } from './engine'
import { segmentForIndex, segmentQuery } from './segment'

type MeiliDocument = {
  id: string
  version: number
  kind: string
  organizationId: string
  organizationName: string
  organizationKind: string
  regionCode: string
  /** Every ancestor code (52, 5226, 522634 …): filter by any level with one equality. */
  regionPrefixes: string[]
  county: string
  categories: string[]
  targetGroups: string[]
  title: string
  words: string
  extraWords: string
  descriptionWords: string
  publishedAt: string
  publishedAtTs: number
}

const settings = {
  searchableAttributes: ['title', 'words', 'extraWords', 'descriptionWords'],
  filterableAttributes: ['kind', 'categories', 'targetGroups', 'organizationKind', 'regionPrefixes', 'county'],
  sortableAttributes: ['publishedAtTs'],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'publishedAtTs:desc'],
  // Words are pre-segmented and joined by spaces; keep Meilisearch from re-segmenting them.
  separatorTokens: [' '],
  pagination: { maxTotalHits: 10000 },
  faceting: { maxValuesPerFacet: 200 },
}

const prefixes = (code: string) => [2, 4, 6, 9, 12].filter((n) => n <= code.length).map((n) => code.slice(0, n))

export class MeilisearchEngine implements SearchEngine {
  readonly name = 'meilisearch'
  private readonly client: Meilisearch
  private ready: Promise<Index<MeiliDocument>> | undefined

  constructor(options: { url: string; apiKey?: string; indexName?: string }) {
    this.client = new Meilisearch({ host: options.url, apiKey: options.apiKey })
    this.indexName = options.indexName ?? 'listings'
  }
  private readonly indexName: string

  /** Creates the index and applies its settings once, waiting for both tasks. */
  private handle() {
    this.ready ??= (async () => {
      const created = await this.client.createIndex(this.indexName, { primaryKey: 'id' }).waitTask()
      if (created.status === 'failed' && created.error?.code !== 'index_already_exists') throw new Error(`meilisearch: ${created.error?.message}`)
      const index = this.client.index<MeiliDocument>(this.indexName)
      await check(index.updateSettings(settings).waitTask())
      return index
    })()
    return this.ready
  }

  async index(documents: SearchDocument[]) {
    if (!documents.length) return
    const index = await this.handle()
    // Out-of-order jobs: keep the newest version already indexed.
    // (Fetching by ids needs Meilisearch ≥ 1.12; on an older server every document is written.)
    const existing = await index
      .getDocuments({ fields: ['id', 'version'], limit: documents.length, ids: documents.map((d) => d.id) })
      .catch(() => ({ results: [] as Array<Pick<MeiliDocument, 'id' | 'version'>> }))
    const versions = new Map(existing.results.map((d) => [d.id, d.version]))
    const fresh = documents.filter((d) => (versions.get(d.id) ?? 0) <= d.version)
    if (!fresh.length) return
    await check(index.addDocuments(fresh.map(toMeili)).waitTask())
  }

  async remove(ids: string[]) {
    if (!ids.length) return
    const index = await this.handle()
    await check(index.deleteDocuments(ids).waitTask())
  }

  async clear() {
    const index = await this.handle()
    await check(index.deleteAllDocuments().waitTask())
  }

  async search(query: SearchQuery, filters: SearchFilters, sort: SearchSort, page: SearchPage): Promise<SearchResult> {
    const index = await this.handle()
    const words = query.text ? segmentQuery(query.text) : []
    const filter: string[] = []
    const anyOf = (field: string, values?: string[]) => {
      if (values?.length) filter.push(`(${values.map((v) => `${field} = ${JSON.stringify(v)}`).join(' OR ')})`)
    }
    anyOf('kind', filters.kind)
    anyOf('categories', filters.category)
    anyOf('targetGroups', filters.targetGroup)
    anyOf('organizationKind', filters.organizationKind)
    if (filters.region) filter.push(`regionPrefixes = ${JSON.stringify(filters.region)}`)
    const run = (matchingStrategy: 'all' | 'frequency') =>
      index.search(words.join(' '), {
        filter: filter.length ? filter.join(' AND ') : undefined,
        sort: sort === 'newest' || !words.length ? ['publishedAtTs:desc'] : undefined,
        facets: ['kind', 'categories', 'targetGroups', 'organizationKind', 'county'],
        hitsPerPage: page.perPage,
        page: page.page,
        matchingStrategy,
      })
    let response = await run('all')
    // Like the PostgreSQL engine: when no listing has every word, answer with the closest ones and say so.
    const fuzzy = (response.totalHits ?? 0) === 0 && words.length > 1
    if (fuzzy) response = await run('frequency')
    const dist = response.facetDistribution ?? {}
    const facets: Facets = emptyFacets()
    Object.assign(facets.kind, dist.kind ?? {})
    Object.assign(facets.category, dist.categories ?? {})
    Object.assign(facets.targetGroup, dist.targetGroups ?? {})
    Object.assign(facets.organizationKind, dist.organizationKind ?? {})
    Object.assign(facets.region, dist.county ?? {})
    return {
      hits: response.hits.map((h) => ({
        id: h.id,
        kind: h.kind as never,
        title: h.title,
        organizationId: h.organizationId,
        organizationName: h.organizationName,
        organizationKind: h.organizationKind as never,
        regionCode: h.regionCode,
        categories: h.categories,
        targetGroups: h.targetGroups,
        publishedAt: h.publishedAt,
      })),
      total: response.totalHits ?? response.hits.length,
      facets,
      // Single-word typos are handled by Meilisearch's own typo tolerance; only the word-dropping retry counts as fuzzy.
      fuzzy,
    }
  }
}

async function check(task: Promise<{ status: string; error?: { message: string } | null }>) {
  const done = await task
  if (done.status === 'failed') throw new Error(`meilisearch task failed: ${done.error?.message}`)
  return done
}

function toMeili(doc: SearchDocument): MeiliDocument {
  return {
    id: doc.id,
    version: doc.version,
    kind: doc.kind,
    organizationId: doc.organizationId,
    organizationName: doc.organizationName,
    organizationKind: doc.organizationKind,
    regionCode: doc.regionCode,
    regionPrefixes: prefixes(doc.regionCode),
    county: doc.regionCode.slice(0, 6),
    categories: doc.categories,
    targetGroups: doc.targetGroups,
    title: doc.title,
    words: segmentForIndex(doc.title).join(' '),
    extraWords: segmentForIndex([doc.extra, doc.regionNames, doc.organizationName].join('\n')).join(' '),
    descriptionWords: segmentForIndex(doc.description).join(' '),
    publishedAt: doc.publishedAt.toISOString(),
    publishedAtTs: doc.publishedAt.getTime(),
  }
}
