import type { LoaderFunctionArgs } from '@remix-run/node'
import { donorTraceCsv } from '~/models/trace.server'
import { requireRole } from '~/utils/auth.server'
import { i18next } from '~/utils/i18n.server'

/** The donor's own trace as CSV (UTF-8 with BOM so spreadsheet software reads the Chinese). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'donor')
  const t = await i18next.getFixedT(request, 'ledger')
  const body = await donorTraceCsv(user.id, (key) => t(key))
  return new Response(body, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="my-donations.csv"' } })
}
