// The one search interface the app and the workers use. Implementations: postgres.ts
// (default, inside the database we already run) and meilisearch.ts (SEARCH_ENGINE=meilisearch).
import type { ListingKind } from '@db/schema/listings/constants'
import type { OrganizationKind } from '@db/schema/organizations/constants'

/** What the index knows about one published listing (built by app/models/listing.server.ts). */
export type SearchDocument = {
  id: string
  version: number
  kind: ListingKind
  organizationId: string
  organizationName: string
  organizationKind: OrganizationKind
  regionCode: string
  /** Region names along the path (贵州省 黔东南苗族侗族自治州 雷山县), so a place name finds it. */
  regionNames: string
  categories: string[]
  targetGroups: string[]
  title: string
  description: string
  /** More searchable words: position, skill names and synonyms, item kind, certificate… */
  extra: string
  publishedAt: Date
}

export const facetNames = ['kind', 'category', 'region', 'organizationKind', 'targetGroup'] as const
export type FacetName = (typeof facetNames)[number]

export type SearchFilters = {
  kind?: ListingKind[]
  category?: string[]
  /** Region code at any level: matches listings in that region or below it. */
  region?: string
  organizationKind?: OrganizationKind[]
  targetGroup?: string[]
}

export const searchSorts = ['relevance', 'newest'] as const
export type SearchSort = (typeof searchSorts)[number]

export type SearchPage = { page: number; perPage: number }

export type SearchQuery = {
  text?: string
  /** The viewer's region: nearer listings rank higher among equally relevant ones. */
  viewerRegion?: string
}

export type SearchHit = {
  id: string
  kind: ListingKind
  title: string
  organizationId: string
  organizationName: string
  organizationKind: OrganizationKind
  regionCode: string
  categories: string[]
  targetGroups: string[]
  publishedAt: string
}

/** Counts per value; the region facet counts by county (6-digit code prefix). */
export type Facets = Record<FacetName, Record<string, number>>

export type SearchResult = {
  hits: SearchHit[]
  total: number
  facets: Facets
  /** True when no word matched exactly and the fuzzy (typo / partial word) fallback answered. */
  fuzzy: boolean
}

export interface SearchEngine {
  readonly name: string
  index(documents: SearchDocument[]): Promise<void>
  remove(ids: string[]): Promise<void>
  /** Removes everything (reindex starts from here). */
  clear(): Promise<void>
  search(query: SearchQuery, filters: SearchFilters, sort: SearchSort, page: SearchPage): Promise<SearchResult>
  /** Called by `npm run reindex` once every document is current: rebuilds what is derived from all of them (PostgreSQL: the vocabulary). */
  rebuildDerived?(): Promise<void>
}

export function emptyFacets(): Facets {
  return { kind: {}, category: {}, region: {}, organizationKind: {}, targetGroup: {} }
}
