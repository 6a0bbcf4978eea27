import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { confirmDistribution, pendingReceiptsFor } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const rows = await pendingReceiptsFor(user.id)
  return json({
    receipts: rows.map((r) => ({
      id: r.id,
      itemKind: r.itemKind,
      itemUnit: r.itemUnit,
      quantity: new Decimal(r.amount).toFixed(),
      organizationName: r.organizationName,
      handedAt: r.createdAt.toISOString(),
      confirmedAt: r.confirmedAt?.toISOString() ?? null,
    })),
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const parsed = z.object({ distributionId: z.string().uuid() }).safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:flow.distribution_not_found', params: {} } }, { status: 400 })
  try {
    await confirmDistribution({ id: user.id, role: user.role, organizationId: null }, parsed.data.distributionId)
    return json({ ok: true as const })
  } catch (error) {
    return refusal(error)
  }
}

/** The resident confirms receipt (签收) of items handed over to their household; what was signed for is listed below. */
export default function Receipts() {
  const { t, i18n } = useTranslation('ledger')
  const { receipts } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as { ok: true } | { ok: false; error: { key: string; params: Record<string, string | number> } } | undefined
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { timeZone: 'Asia/Shanghai' })
  const pending = receipts.filter((r) => !r.confirmedAt)
  const signed = receipts.filter((r) => r.confirmedAt)
  const what = (r: (typeof receipts)[number]) => t('receipts.item', { quantity: r.quantity, unit: r.itemUnit, kind: r.itemKind, organization: r.organizationName })
  return (
    <div data-testid="receipts">
      <h1>{t('receipts.title')}</h1>
      {data && !data.ok ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      {data?.ok ? <p className="notice ok" role="status">{t('receipts.thanks')}</p> : null}
      {pending.length === 0 ? <p className="muted">{t('receipts.none')}</p> : null}
      <ul>
        {pending.map((r) => (
          <li key={r.id} data-testid="receipt">
            {what(r)} · {t('receipts.handed', { date: date(r.handedAt) })}{' '}
            <Form method="post" className="inline">
              <input type="hidden" name="distributionId" value={r.id} />
              <button type="submit" className="button small">
                {t('receipts.confirm')}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      {signed.length ? (
        <section>
          <h2>{t('receipts.signed_title')}</h2>
          <ul>
            {signed.map((r) => (
              <li key={r.id} data-testid="receipt">
                {what(r)} · {t('receipts.confirmed')} {date(r.confirmedAt!)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  )
}
