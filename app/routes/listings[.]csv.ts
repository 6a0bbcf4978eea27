import type { LoaderFunctionArgs } from '@remix-run/node'
import { publishedListingsCsv } from '~/models/listing-export.server'
import { parseBrowseQuery } from '~/models/listing-search.server'

/** Published listings as CSV (UTF-8 with BOM), with the browse page's filters: ?kind=job&region=5226 … */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const body = await publishedListingsCsv(parseBrowseQuery(url), url.origin)
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="gongjian-listings.csv"',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    },
  })
}
