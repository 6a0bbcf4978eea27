import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { acknowledgeAlert, openAlerts } from '~/models/reconciliation.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'ledger'] }

/** Reconciliation alerts: a ledger invariant was violated; an administrator must look. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const alerts = await openAlerts()
  return json({ alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, runKey: a.runKey, createdAt: a.createdAt.toISOString(), details: JSON.stringify(a.details) })) })
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, 'admin')
  const parsed = z.object({ alertId: z.string().uuid() }).safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false }, { status: 400 })
  await acknowledgeAlert(admin.id, parsed.data.alertId)
  return json({ ok: true })
}

export default function LedgerAlerts() {
  const { t, i18n } = useTranslation('ledger')
  const { alerts } = useLoaderData<typeof loader>()
  return (
    <div data-testid="ledger-alerts">
      <h1>{t('alerts.title')}</h1>
      {alerts.length === 0 ? <p className="muted">{t('alerts.none')}</p> : null}
      <table>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-testid="ledger-alert">
              <td>{new Date(a.createdAt).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai' })}</td>
              <td>{t(`alerts.kinds.${a.kind}`, { defaultValue: a.kind })}</td>
              <td>
                <code>{a.details.slice(0, 400)}</code>
              </td>
              <td>
                <Form method="post">
                  <input type="hidden" name="alertId" value={a.id} />
                  <button type="submit" className="button small">
                    {t('alerts.acknowledge')}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
