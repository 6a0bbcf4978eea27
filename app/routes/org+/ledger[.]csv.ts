import type { LoaderFunctionArgs } from '@remix-run/node'
import { organizationLedgerCsv } from '~/models/trace.server'
import { forbidden, requireRole } from '~/utils/auth.server'
import { i18next } from '~/utils/i18n.server'

/** The organization's own ledger (its accounts and its listings' escrows) as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) forbidden({ reason: 'role', roles: ['org_member'] })
  const t = await i18next.getFixedT(request, 'ledger')
  const body = await organizationLedgerCsv(user.organizationId!, (key) => t(key))
  return new Response(body, { headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="organization-ledger.csv"' } })
}
