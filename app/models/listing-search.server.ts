// The public browse page's model: parses the query string, asks the search engine, and adds
// region names for hits and the region facet.
import { z } from 'zod'
import { listingKinds } from '@db/schema/listings/constants'
import { organizationKinds } from '@db/schema/organizations/constants'
import { needCategories, targetGroups } from '@db/schema/taxonomy/constants'
import { searchSorts, type SearchFilters } from '@search/engine'
import { getSearchEngine } from '@search/index'
import { queryInput } from '~/utils/query'
import { regionPathNames } from './region.server'

export const PER_PAGE = 20

/** A query-string parameter as a list: repeated (?kind=a&kind=b) or single; empty values dropped. */
const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x !== '')
const many = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(list, z.array(z.string())).transform((list) => list.filter((x): x is T[number] => (values as readonly string[]).includes(x)))

/** Lenient: what the page shows. A value it cannot use falls back to "no filter" (or page 1)… */
export const BrowseQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  kind: many(listingKinds),
  category: many(needCategories),
  group: many(targetGroups),
  orgKind: many(organizationKinds),
  region: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/).optional().catch(undefined),
  sort: z.enum(searchSorts).catch('relevance'),
  page: z.coerce.number().int().min(1).max(500).catch(1),
})
export type BrowseQuery = z.infer<typeof BrowseQuery>

/** …and strict: which parameters had such a value, so the page (or the export) can say so instead of silently widening. */
const StrictBrowseQuery = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.preprocess(list, z.array(z.enum(listingKinds))),
  category: z.preprocess(list, z.array(z.enum(needCategories))),
  group: z.preprocess(list, z.array(z.enum(targetGroups))),
  orgKind: z.preprocess(list, z.array(z.enum(organizationKinds))),
  region: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/).optional(),
  sort: z.enum(searchSorts).optional(),
  page: z.coerce.number().int().min(1).max(500).optional(),
})
const browseParams = Object.keys(StrictBrowseQuery.shape) as Array<keyof BrowseQuery>

/** The browse filters of a URL, and the parameters whose values were ignored (unknown, malformed or out of range). */
export function parseBrowseQuery(url: URL): { query: BrowseQuery; ignored: Array<keyof BrowseQuery> } {
  const raw = queryInput(url.searchParams)
  const strict = StrictBrowseQuery.safeParse(raw)
  const ignored = strict.success ? [] : browseParams.filter((p) => strict.error.issues.some((i) => i.path[0] === p))
  return { query: BrowseQuery.parse(raw), ignored }
}

export async function browseListings(query: BrowseQuery, viewerRegion?: string) {
  const filters: SearchFilters = {
    kind: query.kind,
    category: query.category,
    targetGroup: query.group,
    organizationKind: query.orgKind,
    region: query.region,
  }
  const result = await getSearchEngine().search({ text: query.q, viewerRegion }, filters, query.q ? query.sort : 'newest', { page: query.page, perPage: PER_PAGE })
  const codes = [...result.hits.map((h) => h.regionCode), ...Object.keys(result.facets.region), ...(query.region ? [query.region] : [])]
  const names = await regionPathNames(codes)
  // Broadening a region filter means going one level up (village → township → county → city → province).
  const parent = query.region ? [2, 4, 6, 9].filter((n) => n < query.region!.length).pop() : undefined
  const broader = query.region && parent ? query.region.slice(0, parent) : undefined
  const broaderNames = broader ? await regionPathNames([broader]) : new Map<string, string>()
  return {
    ...result,
    pages: Math.max(1, Math.ceil(result.total / PER_PAGE)),
    hits: result.hits.map((h) => ({ ...h, regionName: names.get(h.regionCode) ?? h.regionCode })),
    regionNames: Object.fromEntries(Object.keys(result.facets.region).map((c) => [c, names.get(c) ?? c])),
    regionName: query.region ? (names.get(query.region) ?? query.region) : null,
    broaderRegion: broader ? { code: broader, name: broaderNames.get(broader) ?? broader } : null,
  }
}
