import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { HSDS_MAX_PAGE_SIZE, HSDS_PAGE_SIZE, publishedListingsHsds } from '~/models/listing-export.server'
import { parseBrowseQuery } from '~/models/listing-search.server'

const Paging = z.object({
  page: z.coerce.number().int().min(1).catch(1),
  per_page: z.coerce.number().int().min(1).max(HSDS_MAX_PAGE_SIZE).catch(HSDS_PAGE_SIZE),
})

/** Published listings as an Open Referral HSDS 3.0 service list (paginated), with the browse filters. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const paging = Paging.parse({ page: url.searchParams.get('page') ?? undefined, per_page: url.searchParams.get('per_page') ?? undefined })
  const body = await publishedListingsHsds(parseBrowseQuery(url), url.origin, paging.page, paging.per_page)
  return json(body, { headers: { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' } })
}
