import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { EvaluationTable, FilterErrors } from '~/components/evaluation-table'
import { filterFromSearch, organizationEvaluation } from '~/models/evaluation.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation', 'kpi'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) throw new Response(null, { status: 403 })
  const { filter, form, errors } = filterFromSearch(new URL(request.url).searchParams)
  const { summary, byListing } = await organizationEvaluation(user.organizationId, { from: filter.from, to: filter.to })
  return json({ summary, byListing, form, errors }, { status: Object.keys(errors).length ? 400 : 200 })
}

export default function OrganizationEvaluation() {
  const { t } = useTranslation(['evaluation'])
  const { summary, byListing, form, errors } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="org-evaluation">
      <h1>{t('report.org_title')}</h1>
      <p className="muted">{t('report.org_lead')}</p>
      <Form method="get" className="filters">
        <label>
          {t('report.from')} <input type="date" name="from" defaultValue={form.from} />
        </label>
        <label>
          {t('report.to')} <input type="date" name="to" defaultValue={form.to} />
        </label>
        <button type="submit" className="button secondary">
          {t('report.apply')}
        </button>
      </Form>
      <FilterErrors errors={errors} />
      <h2>{t('report.overall')}</h2>
      <EvaluationTable testId="evaluation-overall" rows={summary.count ? [{ key: 'overall', label: t('report.overall'), ...summary }] : []} />
      <h2>{t('report.by_listing')}</h2>
      <EvaluationTable testId="evaluation-by-listing" rows={byListing} />
    </section>
  )
}
