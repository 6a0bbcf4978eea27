import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { KpiFilterForm, KpiSections } from '~/components/kpi-dashboard'
import { dashboard, kpiScopeFor, parseKpiFilters } from '~/models/kpi.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'kpi'], titleKey: 'kpi:title.org' }

/** The organization's own results: every figure is scoped to its listings in the model. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const { filters, values, errors } = parseKpiFilters(new URL(request.url).searchParams)
  const data = await dashboard(kpiScopeFor(user), filters)
  return json({ data, values, errors }, { status: Object.keys(errors).length ? 400 : 200 })
}

export default function OrgKpi() {
  const { t } = useTranslation('kpi')
  const { data, values, errors } = useLoaderData<typeof loader>()
  return (
    <div data-testid="org-kpi">
      <h1>{t('title.org')}</h1>
      <p className="muted">{t('title.org_help')}</p>
      <KpiFilterForm action="/org/kpi" values={values} errors={errors} />
      <KpiSections data={data} />
    </div>
  )
}
