import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { KpiFilterForm, KpiSections } from '~/components/kpi-dashboard'
import { dashboard, openResolutionAlerts, parseKpiFilters, queueHealth } from '~/models/kpi.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'kpi'], titleKey: 'kpi:title.admin' }

/** Programme KPIs for administrators: every region and organization, filterable; queue health and resolution alerts. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const { filters, values, errors } = parseKpiFilters(new URL(request.url).searchParams)
  const [data, queues, alerts] = await Promise.all([dashboard({ kind: 'all' }, filters), queueHealth(), openResolutionAlerts()])
  return json({ data, queues, alerts, values, errors }, { status: Object.keys(errors).length ? 400 : 200 })
}

export default function AdminKpi() {
  const { t } = useTranslation('kpi')
  const { data, queues, alerts, values, errors } = useLoaderData<typeof loader>()
  return (
    <div data-testid="admin-kpi">
      <h1>{t('title.admin')}</h1>
      <KpiFilterForm action="/admin/kpi" values={values} errors={errors} />
      <KpiSections data={data} queues={queues} alerts={alerts} />
    </div>
  )
}
