import { useTranslation } from 'react-i18next'
import { ErrorList } from './forms'

export type EvaluationTableRow = {
  key: string
  label: string
  count: number
  satisfaction: string | null
  capability: string | null
  integration: string | null
  combined: string | null
}

/** Count, the three dimension means and the combined score per group. */
export function EvaluationTable({ rows, testId, labelOf }: { rows: EvaluationTableRow[]; testId: string; labelOf?: (row: EvaluationTableRow) => string }) {
  const { t } = useTranslation(['evaluation'])
  if (rows.length === 0) return <p data-testid={testId}>{t('report.none')}</p>
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('report.group')}</th>
          <th scope="col">{t('report.count')}</th>
          <th scope="col">{t('dimensions.satisfaction')}</th>
          <th scope="col">{t('dimensions.capability')}</th>
          <th scope="col">{t('dimensions.integration')}</th>
          <th scope="col">{t('report.combined')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-testid="evaluation-row">
            <th scope="row">{labelOf ? labelOf(r) : r.label}</th>
            <td>{r.count}</td>
            <td>{r.satisfaction ?? '—'}</td>
            <td>{r.capability ?? '—'}</td>
            <td>{r.integration ?? '—'}</td>
            <td>
              <strong>{r.combined ?? '—'}</strong>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * The report filter's errors (catalog keys from the shared KPI filter parser) and, as on the KPI
 * dashboard, that the figures below are unfiltered.
 */
export function FilterErrors({ errors }: { errors: Record<string, string> }) {
  const { t } = useTranslation(['kpi'])
  const messages = Object.values(errors)
  if (!messages.length) return null
  return (
    <div data-testid="filter-errors">
      <ErrorList errors={messages} />
      <p className="notice">{t('errors.filters_ignored')}</p>
    </div>
  )
}
