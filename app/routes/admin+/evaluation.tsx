import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { organizationKinds } from '@db/schema/organizations/constants'
import { EvaluationTable, FilterErrors } from '~/components/evaluation-table'
import { evaluationBy, evaluationGroupings, evaluationSummary, filterFromSearch } from '~/models/evaluation.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation', 'kpi'] }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const { filter, groupBy, form, errors } = filterFromSearch(new URL(request.url).searchParams)
  const grouping = groupBy ?? 'organization'
  const [summary, rows] = await Promise.all([evaluationSummary(filter), evaluationBy(grouping, filter)])
  // The grouping choices travel with the data: `evaluationGroupings` lives in a `.server` module,
  // which the browser bundle replaces with an empty stub, so the component must not import it.
  return json({ summary, rows, grouping, groupings: evaluationGroupings, form, errors }, { status: Object.keys(errors).length ? 400 : 200 })
}

export default function AdminEvaluation() {
  const { t } = useTranslation(['evaluation', 'common', 'kpi'])
  const { summary, rows, grouping, groupings, form, errors } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="admin-evaluation">
      <h1>{t('report.admin_title')}</h1>
      <p className="muted">{t('report.admin_lead')}</p>
      <Form method="get" className="filters">
        <label>
          {t('report.group_by')}{' '}
          <select name="groupBy" defaultValue={grouping}>
            {groupings.map((g) => (
              <option key={g} value={g}>
                {t(`report.groupings.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('report.kind')}{' '}
          <select name="orgKind" defaultValue={form.orgKind}>
            <option value="">{t('report.all_kinds')}</option>
            {organizationKinds.map((k) => (
              <option key={k} value={k}>
                {t(`common:organization_kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('report.region')} <input name="region" inputMode="numeric" pattern="[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}" defaultValue={form.region} />
        </label>
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
      <h2>{t(`report.groupings.${grouping}`)}</h2>
      <EvaluationTable testId="evaluation-groups" rows={rows} labelOf={grouping === 'organizationKind' ? (r) => t(`common:organization_kinds.${r.key}`) : undefined} />
    </section>
  )
}
