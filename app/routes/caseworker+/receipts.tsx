import { randomUUID } from 'node:crypto'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { listCaseworkerHouseholds } from '~/models/household.server'
import { caseworkerHandOver, confirmDistribution, lotsForCaseworker } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const actor = { id: user.id, role: user.role, organizationId: null }
  const [lots, households] = await Promise.all([lotsForCaseworker(actor), listCaseworkerHouseholds(user.id, { limit: 500 })])
  return json({ lots, households: households.map((h) => ({ id: h.id, headName: h.headName, regionCode: h.regionCode })), key: randomUUID() })
}

type ActionData =
  | { ok: true; intent: 'confirm' }
  | { ok: true; intent: 'handover'; distributionId: string; code: string }
  | { ok: false; error: { key: string; params: Record<string, string | number> } }

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const actor = { id: user.id, role: user.role, organizationId: null }
  const form = Object.fromEntries(await request.formData())
  try {
    if (form.intent === 'handover') {
      const parsed = z.object({ lotId: z.string().uuid(), householdId: z.string().uuid(), quantity: z.string().trim().min(1), key: z.string().uuid() }).safeParse(form)
      if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:flow.household_not_in_region', params: {} } }, { status: 400 })
      const d = await caseworkerHandOver(actor, parsed.data.lotId, { householdId: parsed.data.householdId, quantity: parsed.data.quantity, key: parsed.data.key })
      return json({ ok: true as const, intent: 'handover' as const, distributionId: d.id, code: d.confirmationCode })
    }
    const parsed = z.object({ distributionId: z.string().trim().uuid(), code: z.string().trim().regex(/^\d{6}$/) }).safeParse(form)
    if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:flow.wrong_code', params: {} } }, { status: 400 })
    await confirmDistribution(actor, parsed.data.distributionId, parsed.data.code)
    return json({ ok: true as const, intent: 'confirm' as const })
  } catch (error) {
    return refusal(error)
  }
}

/** A caseworker hands items to a household of their region, and confirms hand-overs with the slip's code. */
export default function CaseworkerReceipts() {
  const { t } = useTranslation('ledger')
  const { lots, households, key } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as ActionData | undefined
  return (
    <div data-testid="caseworker-receipts">
      <h1>{t('caseworker.title')}</h1>
      <p className="lead">{t('caseworker.lead')}</p>
      {data?.ok && data.intent === 'confirm' ? <p className="notice success" role="status">{t('receipts.confirmed')}</p> : null}
      {data?.ok && data.intent === 'handover' ? (
        <p className="notice success" role="status" data-testid="handover-recorded">
          {t('caseworker.handover_recorded', { id: data.distributionId, code: data.code })}
        </p>
      ) : null}
      {data && !data.ok ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      <Form method="post" className="panel form">
        <input type="hidden" name="intent" value="confirm" />
        <label>
          {t('caseworker.distribution_id')}
          <input name="distributionId" required defaultValue={data?.ok && data.intent === 'handover' ? data.distributionId : undefined} />
        </label>
        <label>
          {t('caseworker.code')}
          <input name="code" inputMode="numeric" required />
        </label>
        <button type="submit" className="button">
          {t('caseworker.submit')}
        </button>
      </Form>
      <Form method="post" className="panel form" data-testid="handover-form">
        <h2>{t('caseworker.handover_title')}</h2>
        {lots.length ? (
          <>
            <input type="hidden" name="intent" value="handover" />
            <input type="hidden" name="key" value={key} />
            <label>
              {t('caseworker.lot')}
              <select name="lotId" required>
                {lots.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title} · {l.itemKind} · {t('totals.in_stock')} {l.inStock} {l.itemUnit}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('caseworker.household')}
              <select name="householdId" required>
                {households.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.headName} · {h.regionCode}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('caseworker.quantity')}
              <input name="quantity" inputMode="numeric" required />
            </label>
            <button type="submit" className="button">
              {t('caseworker.handover_submit')}
            </button>
          </>
        ) : (
          <p className="muted">{t('caseworker.no_lots')}</p>
        )}
      </Form>
    </div>
  )
}
