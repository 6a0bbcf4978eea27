import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { exportFilterParams, HSDS_MAX_PAGE_SIZE, HSDS_PAGE_SIZE, invalidExportQuery, publishedListingsHsds } from '~/models/listing-export.server'
import { parseBrowseQuery } from '~/models/listing-search.server'
import { queryInput } from '~/utils/query'

// A page size above the maximum is cut to it (as most paginated APIs do); anything else that is not a
// positive whole number is refused.
const Paging = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).transform((n) => Math.min(n, HSDS_MAX_PAGE_SIZE)).default(HSDS_PAGE_SIZE),
})

/** Published listings as an Open Referral HSDS 3.0 service list (paginated), with the browse filters. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const paging = Paging.safeParse(queryInput(url.searchParams))
  const { query, ignored } = parseBrowseQuery(url)
  const invalid = [...ignored.filter((p) => (exportFilterParams as readonly string[]).includes(p)), ...(paging.success ? [] : paging.error.issues.map((i) => String(i.path[0])))]
  if (!paging.success || invalid.length) return invalidExportQuery(invalid)
  const body = await publishedListingsHsds(query, url.origin, paging.data.page, paging.data.per_page)
  return json(body, { headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } })
}
