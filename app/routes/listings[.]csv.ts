import type { LoaderFunctionArgs } from '@remix-run/node'
import { exportFilterParams, invalidExportQuery, publishedListingsCsv } from '~/models/listing-export.server'
import { parseBrowseQuery } from '~/models/listing-search.server'

/** Published listings as CSV (UTF-8 with BOM), with the browse page's filters: ?kind=job&region=5226 … */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const { query, ignored } = parseBrowseQuery(url)
  const invalid = ignored.filter((p) => (exportFilterParams as readonly string[]).includes(p))
  if (invalid.length) return invalidExportQuery(invalid)
  const body = await publishedListingsCsv(query, url.origin)
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="gongjian-listings.csv"',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    },
  })
}
