import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { alertAction } from '@db/schema'
import { ErrorList } from '~/components/forms'
import { acknowledgeAlert, listAlerts, MonitoringError, resolveAlert } from '~/models/warnings.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'monitoring', 'households'], titleKey: 'monitoring:alerts.title' }

type ActionResult =
  | { ok: true; done: 'acknowledged' | 'resolved' }
  | { ok: false; alertId?: string; fieldErrors?: Record<string, string[]>; error?: { key: string; params: Record<string, string | number> } }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return json({ alerts: await listAlerts({ id: user.id, role: user.role }) })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const form = Object.fromEntries(await request.formData())
  const parsed = alertAction.safeParse(form)
  if (!parsed.success) {
    const fieldErrors = parsed.error.flatten().fieldErrors as Record<string, string[]>
    const alertId = typeof form.alertId === 'string' ? form.alertId : undefined
    if (fieldErrors.note) return json<ActionResult>({ ok: false, alertId, fieldErrors }, { status: 400 })
    return json<ActionResult>({ ok: false, alertId, error: { key: 'monitoring:errors.bad_request', params: {} } }, { status: 400 })
  }
  const actor = { id: user.id, role: user.role }
  try {
    if (parsed.data.intent === 'acknowledge') {
      await acknowledgeAlert(actor, parsed.data.alertId)
      return json<ActionResult>({ ok: true, done: 'acknowledged' })
    }
    await resolveAlert(actor, parsed.data.alertId, parsed.data.note)
    return json<ActionResult>({ ok: true, done: 'resolved' })
  } catch (error) {
    if (error instanceof MonitoringError) return json<ActionResult>({ ok: false, alertId: parsed.data.alertId, error: { key: error.key, params: error.params } }, { status: error.status })
    throw error
  }
}

/** The caseworker's early-warning queue: most severe and soonest due first. */
export default function CaseworkerAlerts() {
  const { t } = useTranslation('monitoring')
  const { alerts } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  return (
    <div data-testid="caseworker-alerts">
      <h1>{t('alerts.title')}</h1>
      <p className="lead">{t('alerts.lead')}</p>
      {result?.ok ? (
        <p className="notice success" role="status">
          {t(`alerts.${result.done}`)}
        </p>
      ) : null}
      {result && !result.ok && result.error ? (
        <p className="notice error" role="alert">
          {t(result.error.key, result.error.params)}
        </p>
      ) : null}
      {alerts.length === 0 ? (
        <p>{t('alerts.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('alerts.rule')}</th>
              <th>{t('alerts.severity')}</th>
              <th>{t('alerts.household')}</th>
              <th>{t('alerts.tier')}</th>
              <th>{t('alerts.state')}</th>
              <th>{t('alerts.due')}</th>
              <th>{t('alerts.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-testid="alert-row" data-alert-id={a.id} className={a.overdue ? 'overdue' : undefined}>
                <td>{t(`rules.${a.rule}`, { ...a.params, defaultValue: t('rules.other', { rule: a.rule }) })}</td>
                <td>
                  <span className={`badge severity-${a.severity}`}>{t(`severities.${a.severity}`)}</span>
                </td>
                <td>
                  <Link to={`/caseworker/households/${a.householdId}`}>{[a.headName, a.address].filter(Boolean).join(' · ') || a.regionCode}</Link>
                </td>
                <td>{t(`households:tiers.${a.riskTier}`)}</td>
                <td>{t(`states.${a.state}`)}</td>
                <td>
                  {a.dueOn}
                  {a.overdue ? <strong className="badge overdue"> {t('alerts.overdue')}</strong> : null}
                </td>
                <td>
                  {a.state === 'open' ? (
                    <Form method="post">
                      <input type="hidden" name="alertId" value={a.id} />
                      <button type="submit" name="intent" value="acknowledge" className="button secondary">
                        {t('alerts.acknowledge')}
                      </button>
                    </Form>
                  ) : null}
                  <Form method="post" className="form inline">
                    <input type="hidden" name="alertId" value={a.id} />
                    <label>
                      {t('alerts.note')}
                      <textarea
                        name="note"
                        rows={2}
                        maxLength={2000}
                        aria-describedby={`note-error-${a.id}`}
                        aria-invalid={result && !result.ok && result.alertId === a.id && result.fieldErrors?.note ? true : undefined}
                      />
                    </label>
                    {result && !result.ok && result.alertId === a.id ? <ErrorList id={`note-error-${a.id}`} errors={result.fieldErrors?.note} /> : null}
                    <button type="submit" name="intent" value="resolve" className="button">
                      {t('alerts.resolve')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
