import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { itemConditions } from '@db/schema/listings/constants'
import { listingForGiving, listingMoneyTotals, pledgeMoney } from '~/models/donations.server'
import { FlowError } from '~/models/donations.server'
import { chinaToday } from '~/models/listing-dates'
import { expiryError, pledgeLot } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { refusal, uiError, type UiError } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'donor')
  const listing = await listingForGiving(params.listingId ?? '')
  if (!listing) throw json({ notFound: true }, { status: 404 })
  const totals = await listingMoneyTotals(listing.id)
  // A fresh idempotency key per rendered form: a double submit records one pledge.
  return json({ listing, totals, key: randomUUID(), today: chinaToday() })
}

const MoneyForm = z.object({ intent: z.literal('money'), key: z.string().uuid(), amount: z.string().trim().min(1), confirmOutlier: z.literal('yes').optional() })
// The lot form's fields are checked one by one (each gets its own message under it); the key and
// intent come from the page itself, so a bad one is a bad request.
const LotForm = z.object({
  intent: z.literal('lot'),
  key: z.string().uuid(),
  quantity: z.string().optional().default(''),
  condition: z.string().optional().default(''),
  expiresOn: z.string().optional().default(''),
  confirmOutlier: z.literal('yes').optional(),
})
type LotField = 'quantity' | 'condition' | 'expiresOn'
type LotFieldErrors = Partial<Record<LotField, UiError>>
const isCondition = (value: string): value is (typeof itemConditions)[number] => (itemConditions as readonly string[]).includes(value)

/** The lot form field a refusal of the model is about: the expiry, or else the quantity. */
const lotFieldOf = (error: unknown): LotField => (error instanceof FlowError && error.code.startsWith('expiry_') ? 'expiresOn' : 'quantity')

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'donor')
  const listing = await listingForGiving(params.listingId ?? '')
  if (!listing) throw json({ notFound: true }, { status: 404 })
  const form = Object.fromEntries(await request.formData())
  const actor = { id: user.id, role: user.role, organizationId: user.organizationId }
  if (form.intent === 'lot') {
    const parsed = LotForm.safeParse(form)
    if (!parsed.success || !listing.itemKind || !listing.itemUnit) return json({ ok: false as const, error: { key: 'common:errors.bad_request', params: {} } }, { status: 400 })
    const unit = listing.itemUnit
    const input = parsed.data
    // A refused lot form answers with what was typed, so it is shown again (the form remounts with a new key).
    const values = { quantity: input.quantity, condition: input.condition, expiresOn: input.expiresOn ?? '' }
    const fieldErrors: LotFieldErrors = {}
    if (!input.quantity.trim()) fieldErrors.quantity = { key: 'ledger:flow.quantity_required', params: { unit } }
    if (!isCondition(input.condition)) fieldErrors.condition = { key: 'common:validation.choose_one', params: {} }
    const expiry = expiryError(input.expiresOn || null)
    if (expiry) fieldErrors.expiresOn = uiError(expiry)
    const first = Object.values(fieldErrors)[0]
    if (first) return json({ ok: false as const, error: first, fieldErrors, values }, { status: 400 })
    try {
      const result = await pledgeLot(actor, {
        key: input.key,
        organizationId: listing.organizationId,
        listingId: listing.id,
        itemKind: listing.itemKind,
        itemUnit: unit,
        quantity: input.quantity,
        condition: input.condition as (typeof itemConditions)[number],
        expiresOn: input.expiresOn || null,
        confirmOutlier: input.confirmOutlier === 'yes',
      })
      if (result.status === 'needs_confirmation') {
        const { status: _, ...question } = result
        return json({ ok: false as const, confirmLot: { ...question, key: input.key, raw: input.quantity, condition: input.condition, expiresOn: input.expiresOn } })
      }
      const lot = result.lot
      return json({ ok: true as const, lot: { quantity: new Decimal(lot.quantity).toFixed(), unit: lot.itemUnit, kind: lot.itemKind } })
    } catch (error) {
      if (error instanceof FlowError) return json({ ok: false as const, error: uiError(error), fieldErrors: { [lotFieldOf(error)]: uiError(error) }, values }, { status: 400 })
      return refusal(error, { values })
    }
  }
  const parsed = MoneyForm.safeParse(form)
  if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:errors.amount_invalid', params: { value: String(form.amount ?? '') } }, amount: String(form.amount ?? '') }, { status: 400 })
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
  const { listing, totals, key, today } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as
    | { ok: true; pledged?: string; lot?: { quantity: string; unit: string; kind: string } }
    | {
        ok: false
        error?: UiError
        fieldErrors?: Partial<Record<'quantity' | 'condition' | 'expiresOn', UiError>>
        values?: { quantity: string; condition: string; expiresOn: string }
        amount?: string
        confirm?: { amount: string; median: string; key: string; raw: string }
        confirmLot?: { quantity: string; reference: string; basis: 'requested' | 'median'; unit: string; key: string; raw: string; condition: string; expiresOn: string }
      }
    | undefined
  const inKind = listing.kind === 'donation' && listing.donationType === 'in_kind'
  const failed = data && !data.ok ? data : null
  // Each field's own error under it; a refusal about no field in particular goes under the amount/quantity.
  const errorFor = (field: 'amount' | 'quantity' | 'condition' | 'expiresOn') => {
    const own = field !== 'amount' ? failed?.fieldErrors?.[field] : undefined
    if (own) return t(own.key, own.params)
    const general = (field === 'amount' || field === 'quantity') && !failed?.fieldErrors && failed?.error
    return general ? t(general.key, general.params) : null
  }
  const errorBelow = (id: 'amount' | 'quantity' | 'condition' | 'expiresOn') => {
    const message = errorFor(id)
    return message ? (
      <ul id={`${id}-error`} className="error-list" role="alert" data-testid="pledge-error">
        <li>{message}</li>
      </ul>
    ) : null
  }
  const invalid = (id: 'amount' | 'quantity' | 'condition' | 'expiresOn') => (errorFor(id) ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {})
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
      {data && !data.ok && data.confirmLot ? (
        <Form method="post" className="panel" data-testid="lot-confirm">
          <p role="alert">{t(`pledge.confirm_lot_outlier_${data.confirmLot.basis}`, { quantity: data.confirmLot.quantity, reference: data.confirmLot.reference, unit: data.confirmLot.unit })}</p>
          <input type="hidden" name="intent" value="lot" />
          <input type="hidden" name="key" value={data.confirmLot.key} />
          <input type="hidden" name="quantity" value={data.confirmLot.raw} />
          <input type="hidden" name="condition" value={data.confirmLot.condition} />
          <input type="hidden" name="expiresOn" value={data.confirmLot.expiresOn} />
          <input type="hidden" name="confirmOutlier" value="yes" />
          <button type="submit" className="button">{t('pledge.confirm_lot_submit')}</button>
        </Form>
      ) : null}
      {inKind ? (
        <Form method="post" className="panel form" key={key}>
          <input type="hidden" name="intent" value="lot" />
          <input type="hidden" name="key" value={key} />
          <div className="field">
            <label htmlFor="quantity">{t('pledge.quantity', { unit: listing.itemUnit })}</label>
            <input id="quantity" name="quantity" inputMode="numeric" required defaultValue={failed?.values?.quantity} {...invalid('quantity')} />
            {errorBelow('quantity')}
          </div>
          <div className="field">
            <label htmlFor="condition">{t('pledge.condition')}</label>
            <select id="condition" name="condition" defaultValue={failed?.values?.condition || 'new'} {...invalid('condition')}>
              {itemConditions.map((c) => (
                <option key={c} value={c}>
                  {t(`conditions.${c}`)}
                </option>
              ))}
            </select>
            {errorBelow('condition')}
          </div>
          <div className="field">
            <label htmlFor="expiresOn">{t('pledge.expires_on')}</label>
            <input id="expiresOn" name="expiresOn" type="date" min={today} defaultValue={failed?.values?.expiresOn} {...invalid('expiresOn')} />
            {errorBelow('expiresOn')}
          </div>
          <button type="submit" className="button">{t('pledge.lot_submit')}</button>
        </Form>
      ) : (
        <Form method="post" className="panel form" key={key}>
          <input type="hidden" name="intent" value="money" />
          <input type="hidden" name="key" value={key} />
          <div className="field">
            <label htmlFor="amount">{t('pledge.amount')}</label>
            <input id="amount" name="amount" inputMode="decimal" required defaultValue={failed?.amount} {...invalid('amount')} />
            {errorBelow('amount')}
          </div>
          <button type="submit" className="button">{t('pledge.submit')}</button>
        </Form>
      )}
    </div>
  )
}
