import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { itemConditions } from '@db/schema/listings/constants'
import { listingForGiving, listingMoneyTotals, pledgeMoney } from '~/models/donations.server'
import { registerLot } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'donor')
  const listing = await listingForGiving(params.listingId ?? '')
  if (!listing) throw json({ notFound: true }, { status: 404 })
  const totals = await listingMoneyTotals(listing.id)
  // A fresh idempotency key per rendered form: a double submit records one pledge.
  return json({ listing, totals, key: randomUUID() })
}

const MoneyForm = z.object({ intent: z.literal('money'), key: z.string().uuid(), amount: z.string().trim().min(1), confirmOutlier: z.literal('yes').optional() })
const LotForm = z.object({
  intent: z.literal('lot'),
  key: z.string().uuid(),
  quantity: z.string().trim().min(1),
  condition: z.enum(itemConditions),
  expiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().or(z.literal('')),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'donor')
  const listing = await listingForGiving(params.listingId ?? '')
  if (!listing) throw json({ notFound: true }, { status: 404 })
  const form = Object.fromEntries(await request.formData())
  const actor = { id: user.id, role: user.role, organizationId: user.organizationId }
  if (form.intent === 'lot') {
    const parsed = LotForm.safeParse(form)
    if (!parsed.success || !listing.itemKind || !listing.itemUnit) return json({ ok: false as const, error: { key: 'ledger:errors.amount_invalid', params: { value: String(form.quantity ?? '') } } }, { status: 400 })
    try {
      const lot = await registerLot(actor, {
        key: parsed.data.key,
        organizationId: listing.organizationId,
        listingId: listing.id,
        itemKind: listing.itemKind,
        itemUnit: listing.itemUnit,
        quantity: parsed.data.quantity,
        condition: parsed.data.condition,
        expiresOn: parsed.data.expiresOn || null,
      })
      return json({ ok: true as const, lot: { quantity: new Decimal(lot.quantity).toFixed(), unit: lot.itemUnit, kind: lot.itemKind } })
    } catch (error) {
      return refusal(error)
    }
  }
  const parsed = MoneyForm.safeParse(form)
  if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:errors.amount_invalid', params: { value: String(form.amount ?? '') } } }, { status: 400 })
  try {
    const result = await pledgeMoney(actor, { listingId: listing.id, amount: parsed.data.amount, key: parsed.data.key, confirmOutlier: parsed.data.confirmOutlier === 'yes' })
    if (result.status === 'needs_confirmation') return json({ ok: false as const, confirm: { amount: result.amount, median: result.median, key: parsed.data.key, raw: parsed.data.amount } })
    return json({ ok: true as const, pledged: new Decimal(result.transfer.amount).toFixed(2) })
  } catch (error) {
    return refusal(error, { amount: parsed.data.amount })
  }
}

export default function Pledge() {
  const { t } = useTranslation('ledger')
  const { listing, totals, key } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as
    | { ok: true; pledged?: string; lot?: { quantity: string; unit: string; kind: string } }
    | { ok: false; error?: { key: string; params: Record<string, string | number> }; confirm?: { amount: string; median: string; key: string; raw: string } }
    | undefined
  const inKind = listing.kind === 'donation' && listing.donationType === 'in_kind'
  const fieldError = data && !data.ok && data.error ? t(data.error.key, data.error.params) : null
  const errorBelow = (id: string) =>
    fieldError ? (
      <ul id={`${id}-error`} className="error-list" role="alert" data-testid="pledge-error">
        <li>{fieldError}</li>
      </ul>
    ) : null
  return (
    <div data-testid="pledge-page">
      <h1>{inKind ? t('pledge.lot_title', { title: listing.title }) : t('pledge.title', { title: listing.title })}</h1>
      {!inKind ? (
        <p className="muted">
          {t('totals.pledged')} ¥{totals.pledged} · {t('totals.held')} ¥{totals.held} · {t('totals.paid_out')} ¥{totals.paidOut} ·{' '}
          <Link to={`/funds/${listing.id}`}>{t('project.title')}</Link>
        </p>
      ) : null}
      {data?.ok && data.pledged ? (
        <p className="notice success" role="status" data-testid="pledge-recorded">
          {t('pledge.recorded', { amount: data.pledged })}
        </p>
      ) : null}
      {data?.ok && data.lot ? (
        <p className="notice success" role="status" data-testid="lot-recorded">
          {t('pledge.lot_recorded', { quantity: data.lot.quantity, unit: data.lot.unit, kind: data.lot.kind })}
        </p>
      ) : null}
      {data && !data.ok && data.confirm ? (
        <Form method="post" className="panel" data-testid="pledge-confirm">
          <p role="alert">{t('pledge.confirm_outlier', { amount: data.confirm.amount, median: data.confirm.median })}</p>
          <input type="hidden" name="intent" value="money" />
          <input type="hidden" name="key" value={data.confirm.key} />
          <input type="hidden" name="amount" value={data.confirm.raw} />
          <input type="hidden" name="confirmOutlier" value="yes" />
          <button type="submit" className="button">{t('pledge.confirm_submit')}</button>
        </Form>
      ) : null}
      {inKind ? (
        <Form method="post" className="panel form" key={key}>
          <input type="hidden" name="intent" value="lot" />
          <input type="hidden" name="key" value={key} />
          <div className="field">
            <label htmlFor="quantity">{t('pledge.quantity', { unit: listing.itemUnit })}</label>
            <input id="quantity" name="quantity" inputMode="numeric" required aria-invalid={fieldError ? true : undefined} aria-describedby={fieldError ? 'quantity-error' : undefined} />
            {errorBelow('quantity')}
          </div>
          <div className="field">
            <label htmlFor="condition">{t('pledge.condition')}</label>
            <select id="condition" name="condition" defaultValue="new">
              {itemConditions.map((c) => (
                <option key={c} value={c}>
                  {t(`conditions.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="expiresOn">{t('pledge.expires_on')}</label>
            <input id="expiresOn" name="expiresOn" type="date" />
          </div>
          <button type="submit" className="button">{t('pledge.lot_submit')}</button>
        </Form>
      ) : (
        <Form method="post" className="panel form" key={key}>
          <input type="hidden" name="intent" value="money" />
          <input type="hidden" name="key" value={key} />
          <div className="field">
            <label htmlFor="amount">{t('pledge.amount')}</label>
            <input id="amount" name="amount" inputMode="decimal" required aria-invalid={fieldError ? true : undefined} aria-describedby={fieldError ? 'amount-error' : undefined} />
            {errorBelow('amount')}
          </div>
          <button type="submit" className="button">{t('pledge.submit')}</button>
        </Form>
      )}
    </div>
  )
}
