import Decimal from 'decimal.js'
import { Form, Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { organizationKinds } from '@db/schema/organizations/constants'
import { outcomeCodes } from '@db/schema/evaluation/constants'
import type { Dashboard, KpiFilterValues, OpenResolutionAlert, QueueHealth } from '~/models/kpi.server'
import { useEChart } from './echart'

/**
 * One Apache ECharts chart, rendered in the browser only (like the donor Sankey). The option is
 * plain data built from the loader's figures; `children` is the table with the same numbers, the
 * no-JS and screen-reader version, always rendered.
 */
export function KpiChart({ id, option, height = 260, children }: { id: string; option: Record<string, unknown>; height?: number; children: ReactNode }) {
  const ref = useEChart(option)
  return (
    <div className="kpi-chart">
      <div ref={ref} data-testid={`kpi-chart-${id}`} aria-hidden="true" style={{ width: '100%', height }} />
      {children}
    </div>
  )
}

export function percent(share: string | null, none: string) {
  return share === null ? none : `${new Decimal(share).times(100).toFixed(1)}%`
}

function bar(categories: string[], values: Array<number | string | null>, options: { max?: number; name?: string } = {}) {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 24, bottom: 48 },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', ...(options.max !== undefined ? { max: options.max } : {}), ...(options.name ? { name: options.name } : {}) },
    series: [{ type: 'bar', data: values.map((v) => (v === null ? 0 : Number(v))), label: { show: true, position: 'top' } }],
  }
}

export function KpiFilterForm({ values, errors, action }: { values: KpiFilterValues; errors: Record<string, string>; action: string }) {
  const { t } = useTranslation(['kpi', 'common'])
  const error = (field: string) =>
    errors[field] ? (
      <p className="error-list" id={`kpi-${field}-error`} role="alert">
        {t(errors[field]!)}
      </p>
    ) : null
  return (
    <Form method="get" action={action} className="panel kpi-filters" data-testid="kpi-filters">
      <fieldset>
        <legend>{t('filters.legend')}</legend>
        <label>
          {t('filters.region')}
          <input name="region" defaultValue={values.region} inputMode="numeric" aria-describedby="kpi-region-hint" aria-invalid={errors.region ? true : undefined} />
        </label>
        <small id="kpi-region-hint" className="muted">
          {t('filters.region_hint')}
        </small>
        {error('region')}
        <label>
          {t('filters.from')}
          <input type="date" name="from" defaultValue={values.from} aria-invalid={errors.from ? true : undefined} />
        </label>
        {error('from')}
        <label>
          {t('filters.to')}
          <input type="date" name="to" defaultValue={values.to} aria-invalid={errors.to ? true : undefined} />
        </label>
        {error('to')}
        <label>
          {t('filters.org_kind')}
          <select name="orgKind" defaultValue={values.orgKind}>
            <option value="">{t('filters.any_kind')}</option>
            {organizationKinds.map((k) => (
              <option key={k} value={k}>
                {t(`common:organization_kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {error('orgKind')}
        <button type="submit" className="button">
          {t('filters.apply')}
        </button>{' '}
        <Link to={action}>{t('filters.reset')}</Link>
      </fieldset>
      {Object.keys(errors).length ? <p className="notice">{t('errors.filters_ignored')}</p> : null}
    </Form>
  )
}

/** Every KPI section; queue health and alerts are passed only to administrators. */
export function KpiSections({ data, queues, alerts }: { data: Dashboard; queues?: QueueHealth[] | null; alerts?: OpenResolutionAlert[] }) {
  const { t, i18n } = useTranslation(['kpi', 'common'])
  const none = t('none')
  const { tiers, funnel, duplicates, resolution, funds, feedback } = data
  const funnelSteps = (['matched', 'applied', 'accepted', 'completed'] as const).map((s) => ({ step: s, label: t(`funnel.${s}`), count: funnel[s] }))
  const moneyFigures = (['pledged', 'held', 'released', 'delivered', 'idle'] as const).map((k) => ({ key: k, label: t(`funds.${k}`), value: funds.money[k] }))
  const dims = (['satisfaction', 'capability', 'integration'] as const).map((d) => ({ key: d, label: t(`feedback.${d}`), value: feedback[d] }))
  return (
    <div className="kpi-sections">
      <section className="panel" data-testid="kpi-tiers">
        <h2>{t('tiers.title')}</h2>
        <p className="muted">{t('tiers.help')}</p>
        <KpiChart id="tiers" option={bar(tiers.map((x) => t(`tiers.tier_${x.tier}`)), tiers.map((x) => (x.share === null ? 0 : new Decimal(x.share).times(100).toFixed(1))), { max: 100, name: '%' })}>
          <table>
            <caption className="visually-hidden">{t('chart.table_caption', { title: t('tiers.title') })}</caption>
            <thead>
              <tr>
                <th>{t('tiers.tier')}</th>
                <th>{t('tiers.households')}</th>
                <th>{t('tiers.assisted')}</th>
                <th>{t('tiers.share')}</th>
              </tr>
            </thead>
            <tbody>
              {tiers.map((x) => (
                <tr key={x.tier}>
                  <td>{t(`tiers.tier_${x.tier}`)}</td>
                  <td className="num" data-testid={`tier-${x.tier}-households`}>{x.households}</td>
                  <td className="num" data-testid={`tier-${x.tier}-assisted`}>{x.assisted}</td>
                  <td className="num" data-testid={`tier-${x.tier}-share`}>{percent(x.share, none)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </KpiChart>
      </section>

      <section className="panel" data-testid="kpi-funnel">
        <h2>{t('funnel.title')}</h2>
        <p className="muted">{t('funnel.help')}</p>
        <KpiChart
          id="funnel"
          option={{
            tooltip: { trigger: 'item' },
            series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', label: { show: true, position: 'inside', formatter: '{b}: {c}' }, data: funnelSteps.map((s) => ({ name: s.label, value: s.count })) }],
          }}
        >
          <table>
            <caption className="visually-hidden">{t('chart.table_caption', { title: t('funnel.title') })}</caption>
            <thead>
              <tr>
                <th>{t('funnel.step')}</th>
                <th>{t('funnel.count')}</th>
              </tr>
            </thead>
            <tbody>
              {funnelSteps.map((s) => (
                <tr key={s.step}>
                  <td>{s.label}</td>
                  <td className="num" data-testid={`funnel-${s.step}`}>{s.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </KpiChart>
        <p>
          {t('funnel.median_days')}:{' '}
          <strong data-testid="funnel-median-days">
            {funnel.medianDaysToAccepted === null ? t('funnel.median_none') : t('funnel.median_value', { days: funnel.medianDaysToAccepted, count: funnel.households })}
          </strong>
        </p>
      </section>

      <section className="panel" data-testid="kpi-duplicates">
        <h2>{t('duplicates.title')}</h2>
        <p className="muted">{t('duplicates.help')}</p>
        <KpiChart
          id="duplicates"
          height={220}
          option={{
            tooltip: { trigger: 'item' },
            series: [{ type: 'pie', radius: ['40%', '70%'], data: [{ name: t('duplicates.flagged'), value: duplicates.flagged }, { name: t('duplicates.unflagged'), value: duplicates.listings - duplicates.flagged }] }],
          }}
        >
          <dl className="facts">
            <dt>{t('duplicates.listings')}</dt>
            <dd data-testid="duplicates-listings">{duplicates.listings}</dd>
            <dt>{t('duplicates.flagged')}</dt>
            <dd data-testid="duplicates-flagged">{duplicates.flagged}</dd>
            <dt>{t('duplicates.rate')}</dt>
            <dd data-testid="duplicates-rate">{percent(duplicates.rate, none)}</dd>
          </dl>
        </KpiChart>
      </section>

      <section className="panel" data-testid="kpi-resolution">
        <h2>{t('resolution.title')}</h2>
        <p className="muted">{t('resolution.help')}</p>
        <table>
          <thead>
            <tr>
              <th>{t('resolution.group')}</th>
              <th>{t('resolution.closed')}</th>
              <th>{t('resolution.completed')}</th>
              <th>{t('resolution.rate')}</th>
            </tr>
          </thead>
          <tbody>
            {(['all', 'accepted', 'referrals'] as const).map((g) => (
              <tr key={g}>
                <td>{t(`resolution.${g}`)}</td>
                <td className="num" data-testid={`resolution-${g}-closed`}>{resolution[g].closed}</td>
                <td className="num" data-testid={`resolution-${g}-completed`}>{resolution[g].completed}</td>
                <td className="num" data-testid={`resolution-${g}-rate`}>{percent(resolution[g].rate, none)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <KpiChart id="outcomes" option={bar(outcomeCodes.map((c) => t(`resolution.outcomes.${c}`)), outcomeCodes.map((c) => resolution.byOutcome[c]))}>
          <table>
            <caption className="visually-hidden">{t('chart.table_caption', { title: t('resolution.outcome') })}</caption>
            <thead>
              <tr>
                <th>{t('resolution.outcome')}</th>
                <th>{t('resolution.count')}</th>
              </tr>
            </thead>
            <tbody>
              {outcomeCodes.map((c) => (
                <tr key={c}>
                  <td>{t(`resolution.outcomes.${c}`)}</td>
                  <td className="num" data-testid={`outcome-${c}`}>{resolution.byOutcome[c]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </KpiChart>
      </section>

      <section className="panel" data-testid="kpi-funds">
        <h2>{t('funds.title')}</h2>
        <p className="muted">{t('funds.help')}</p>
        <h3>{t('funds.money_title')}</h3>
        <KpiChart id="money" option={bar(moneyFigures.map((m) => m.label), moneyFigures.map((m) => m.value), { name: t('funds.amount_yuan') })}>
          <table>
            <caption className="visually-hidden">{t('chart.table_caption', { title: t('funds.money_title') })}</caption>
            <thead>
              <tr>
                <th>{t('funds.figure')}</th>
                <th>{t('funds.amount_yuan')}</th>
              </tr>
            </thead>
            <tbody>
              {moneyFigures.map((m) => (
                <tr key={m.key}>
                  <td>{m.label}</td>
                  <td className="num" data-testid={`money-${m.key}`}>{m.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </KpiChart>
        <h3>{t('funds.items_title')}</h3>
        {funds.items.length === 0 ? (
          <p className="muted">{t('funds.no_items')}</p>
        ) : (
          <table data-testid="items-table">
            <thead>
              <tr>
                <th>{t('funds.item')}</th>
                <th>{t('funds.unit')}</th>
                {(['pledged', 'held', 'released', 'delivered', 'idle'] as const).map((k) => (
                  <th key={k}>{t(`funds.${k}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {funds.items.map((item) => (
                <tr key={`${item.itemKind}/${item.itemUnit}`} data-testid="items-row">
                  <td>{item.itemKind}</td>
                  <td>{item.itemUnit}</td>
                  {(['pledged', 'held', 'released', 'delivered', 'idle'] as const).map((k) => (
                    <td key={k} className="num">
                      {item[k]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" data-testid="kpi-feedback">
        <h2>{t('feedback.title')}</h2>
        <p className="muted">{t('feedback.help')}</p>
        <KpiChart id="feedback" height={220} option={bar(dims.map((d) => d.label), dims.map((d) => d.value), { max: 5 })}>
          <table>
            <caption className="visually-hidden">{t('chart.table_caption', { title: t('feedback.title') })}</caption>
            <thead>
              <tr>
                <th>{t('feedback.dimension')}</th>
                <th>{t('feedback.mean')}</th>
              </tr>
            </thead>
            <tbody>
              {dims.map((d) => (
                <tr key={d.key}>
                  <td>{d.label}</td>
                  <td className="num" data-testid={`feedback-${d.key}`}>{d.value ?? t('feedback.none')}</td>
                </tr>
              ))}
              <tr>
                <td>{t('feedback.responses')}</td>
                <td className="num" data-testid="feedback-responses">{feedback.responses}</td>
              </tr>
            </tbody>
          </table>
        </KpiChart>
      </section>

      {queues !== undefined ? (
        <section className="panel" data-testid="kpi-queues">
          <h2>{t('queues.title')}</h2>
          {queues === null ? (
            <p className="notice">{t('queues.unavailable')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('queues.queue')}</th>
                  <th>{t('queues.waiting')}</th>
                  <th>{t('queues.active')}</th>
                  <th>{t('queues.delayed')}</th>
                  <th>{t('queues.failed')}</th>
                </tr>
              </thead>
              <tbody>
                {queues.map((q) => (
                  <tr key={q.queue} data-testid={`queue-${q.queue}`}>
                    <td>
                      <code>{q.queue}</code>
                    </td>
                    <td className="num">{q.waiting}</td>
                    <td className="num">{q.active}</td>
                    <td className="num">{q.delayed}</td>
                    <td className="num">{q.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {/* bull-board is an Express mount, not a Remix route: a full page load. */}
          <a href="/admin/queues/" data-testid="queues-dashboard-link">
            {t('queues.dashboard_link')}
          </a>
        </section>
      ) : null}

      {alerts !== undefined ? (
        <section className="panel" data-testid="kpi-alerts">
          <h2>{t('alerts.title')}</h2>
          <p className="muted">{t('alerts.help')}</p>
          {alerts.length === 0 ? (
            <p className="muted">{t('alerts.none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('alerts.subject')}</th>
                  <th>{t('alerts.rate')}</th>
                  <th>{t('alerts.min_rate')}</th>
                  <th>{t('alerts.closed')}</th>
                  <th>{t('alerts.raised_at')}</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a) => (
                  <tr key={a.id} data-testid="resolution-alert">
                    <td>
                      {`${t(`alerts.scope_${a.scope}`)}: ${a.scope === 'organization' ? (a.organizationName ?? '') : `${a.regionName ?? ''} ${a.regionCode ?? ''}`}`}
                    </td>
                    <td className="num">{percent(a.rate, none)}</td>
                    <td className="num">{percent(a.minRate, none)}</td>
                    <td className="num">{a.closed}</td>
                    <td>{new Date(a.raisedAt).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai' })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
    </div>
  )
}
