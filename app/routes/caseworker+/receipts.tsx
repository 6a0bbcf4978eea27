import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { caseworkerHandOver, confirmDistribution, lotsForCaseworker, lotUnit, pendingHandOversForCaseworker } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { quantityRefusal, refusal, type UiError } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const actor = { id: user.id, role: user.role, organizationId: null }
  // Each lot offers only the households its hand-over accepts; each form has its own idempotency key.
  const [lots, pending] = await Promise.all([lotsForCaseworker(actor), pendingHandOversForCaseworker(actor)])
  return json({
    lots: lots.map((l) => ({ ...l, key: randomUUID() })),
    pending: pending.map((p) => ({ id: p.id, lotId: p.lotId, title: p.title, itemKind: p.itemKind, itemUnit: p.itemUnit, amount: new Decimal(p.amount).toFixed(), masked: p.masked, regionCode: p.regionCode, inApp: p.inApp, createdAt: p.createdAt })),
  })
}

type Refusal = { ok: false; error: UiError; target?: string; values?: { householdId: string; quantity: string } }
type ActionData =
  | { ok: true; intent: 'handover'; target: string; quantity: string; unit: string; masked: string; region: string; code: string }
  | { ok: true; intent: 'confirm'; target: string; masked: string; region: string }
  | Refusal

function refuse(key: string, params: Record<string, string | number> = {}, extra: Omit<Refusal, 'ok' | 'error'> = {}) {
  return json({ ok: false as const, error: { key, params }, ...extra }, { status: 400 })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const actor = { id: user.id, role: user.role, organizationId: null }
  const form = await request.formData()
  // Each field as typed (trimmed); a missing or non-text field reads as empty.
  const field = (name: string) => {
    const v = form.get(name)
    return typeof v === 'string' ? v.trim() : ''
  }
  const intent = field('intent')
  if (intent === 'handover') {
    const lotId = field('lotId')
    const unit = uuidRe.test(lotId) ? await lotUnit(lotId) : null
    if (unit === null) return refuse('ledger:flow.lot_not_found')
    const values = { householdId: field('householdId'), quantity: field('quantity') }
    const extra = { target: lotId, values }
    // Every refusal comes before the model writes anything; the model's own come back as quantities.
    if (!values.householdId) return refuse('ledger:caseworker.household_required', {}, extra)
    if (!uuidRe.test(values.householdId)) return refuse('ledger:flow.household_not_in_region', {}, extra)
    if (!values.quantity) return refuse('ledger:flow.quantity_required', { unit }, extra)
    if (!uuidRe.test(field('key'))) return refuse('ledger:flow.bad_key', {}, extra)
    try {
      const d = await caseworkerHandOver(actor, lotId, { householdId: values.householdId, quantity: values.quantity, key: field('key') })
      return json({ ok: true as const, intent: 'handover' as const, target: lotId, quantity: values.quantity, unit, masked: d.recipientMasked, region: d.recipientRegionCode, code: d.confirmationCode })
    } catch (error) {
      return quantityRefusal(error, unit, extra)
    }
  }
  if (intent === 'confirm') {
    const distributionId = field('distributionId')
    if (!uuidRe.test(distributionId)) return refuse('ledger:flow.distribution_not_found')
    const code = field('code')
    if (!code) return refuse('ledger:caseworker.code_required', {}, { target: distributionId })
    if (!/^\d{6}$/.test(code)) return refuse('ledger:caseworker.code_format', {}, { target: distributionId })
    try {
      const d = await confirmDistribution(actor, distributionId, code)
      return json({ ok: true as const, intent: 'confirm' as const, target: distributionId, masked: d.recipientMasked, region: d.recipientRegionCode })
    } catch (error) {
      return refusal(error, { target: distributionId })
    }
  }
  return refuse('common:errors.bad_request')
}

/**
 * A caseworker hands items to a household of their region (only households the hand-over accepts
 * are offered, per lot), and confirms pending hand-overs with the code the recipient shows.
 * Plain forms: works without JavaScript.
 */
export default function CaseworkerReceipts() {
  const { t, i18n } = useTranslation('ledger')
  const { lots, pending } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as ActionData | undefined
  const busy = useNavigation().state === 'submitting'
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { timeZone: 'Asia/Shanghai' })
  const refused = data && !data.ok ? data : undefined
  // A refusal of one row's form is said in that row; one that names no row on the page, at the top.
  const onPage = (id?: string) => Boolean(id) && (lots.some((l) => l.id === id) || pending.some((p) => p.id === id))
  const rowError = (id: string) =>
    refused?.target === id ? (
      <p className="notice error" role="alert" id={`error-${id}`}>
        {t(refused.error.key, refused.error.params)}
      </p>
    ) : null
  return (
    <div data-testid="caseworker-receipts">
      <h1>{t('caseworker.title')}</h1>
      <p className="lead">{t('caseworker.lead')}</p>
      {data?.ok && data.intent === 'confirm' ? (
        <p className="notice success" role="status" data-testid="confirmed">
          {t('caseworker.confirmed', { masked: data.masked, region: data.region })}
        </p>
      ) : null}
      {data?.ok && data.intent === 'handover' ? (
        <p className="notice success" role="status" data-testid="handover-recorded">
          {t('caseworker.handed_over', { quantity: data.quantity, unit: data.unit, masked: data.masked, region: data.region, code: data.code })}
        </p>
      ) : null}
      {refused && !onPage(refused.target) ? (
        <p className="notice error" role="alert">
          {t(refused.error.key, refused.error.params)}
        </p>
      ) : null}

      <section className="panel" data-testid="pending-handovers">
        <h2>{t('caseworker.pending_title')}</h2>
        {pending.length ? (
          <>
            <p className="muted">{t('caseworker.pending_lead')}</p>
            <ul className="list">
              {pending.map((p) => (
                <li key={p.id} className="card" data-testid="pending-handover">
                  <p>
                    <strong>{p.itemKind}</strong> · {p.amount} {p.itemUnit} · {p.masked} · {p.regionCode} · {t('caseworker.handed_on', { date: date(p.createdAt) })}
                    {p.title ? <> · {p.title}</> : null}
                    {p.inApp ? <> · {t('caseworker.also_in_app')}</> : null}
                  </p>
                  {rowError(p.id)}
                  <Form method="post" className="inline">
                    <input type="hidden" name="intent" value="confirm" />
                    <input type="hidden" name="distributionId" value={p.id} />
                    <label>
                      {t('caseworker.code')}
                      <input
                        name="code"
                        inputMode="numeric"
                        autoComplete="off"
                        pattern="[0-9]{6}"
                        maxLength={6}
                        required
                        aria-describedby={refused?.target === p.id ? `error-${p.id}` : undefined}
                        aria-invalid={refused?.target === p.id ? true : undefined}
                      />
                    </label>
                    <button type="submit" className="button small" disabled={busy}>
                      {t('caseworker.submit')}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <p className="muted">{t('caseworker.no_pending')}</p>
        )}
      </section>

      <section className="panel" data-testid="handover-form">
        <h2>{t('caseworker.handover_title')}</h2>
        {lots.length ? (
          lots.map((l) => {
            const values = refused?.target === l.id ? refused.values : undefined
            return (
              <div key={l.id} className="card" data-testid="handover-lot">
                <p>
                  <strong>{l.title}</strong> · {l.itemKind} · {t('totals.in_stock')} {l.inStock} {l.itemUnit}
                </p>
                {rowError(l.id)}
                {l.households.length ? (
                  <Form method="post" className="form" key={l.key}>
                    <input type="hidden" name="intent" value="handover" />
                    <input type="hidden" name="lotId" value={l.id} />
                    <input type="hidden" name="key" value={l.key} />
                    <label>
                      {t('caseworker.household')}
                      <select name="householdId" required defaultValue={values?.householdId ?? ''}>
                        <option value="">{t('caseworker.choose_household')}</option>
                        {l.households.map((h) => (
                          <option key={h.id} value={h.id}>
                            {h.headName} · {h.regionCode}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label>
                      {t('pledge.quantity', { unit: l.itemUnit })}
                      <input name="quantity" inputMode="numeric" required defaultValue={values?.quantity} aria-invalid={values ? true : undefined} aria-describedby={values ? `error-${l.id}` : undefined} />
                    </label>
                    <button type="submit" className="button" disabled={busy}>
                      {t('caseworker.handover_submit')}
                    </button>
                  </Form>
                ) : (
                  <p className="muted">{t('caseworker.no_households')}</p>
                )}
              </div>
            )
          })
        ) : (
          <p className="muted">{t('caseworker.no_lots')}</p>
        )}
      </section>
    </div>
  )
}
