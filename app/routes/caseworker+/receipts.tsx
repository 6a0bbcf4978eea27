import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { confirmDistribution } from '~/models/lots.server'
import { requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'caseworker')
  return json({})
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const parsed = z.object({ distributionId: z.string().trim().uuid(), code: z.string().trim().regex(/^\d{6}$/) }).safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:flow.wrong_code', params: {} } }, { status: 400 })
  try {
    await confirmDistribution({ id: user.id, role: user.role, organizationId: null }, parsed.data.distributionId, parsed.data.code)
    return json({ ok: true as const })
  } catch (error) {
    return refusal(error)
  }
}

/** A caseworker confirms a hand-over for a household without the app, with the slip's code. */
export default function CaseworkerReceipts() {
  const { t } = useTranslation('ledger')
  const data = useActionData<typeof action>() as { ok: true } | { ok: false; error: { key: string; params: Record<string, string | number> } } | undefined
  return (
    <div data-testid="caseworker-receipts">
      <h1>{t('caseworker.title')}</h1>
      <p className="lead">{t('caseworker.lead')}</p>
      {data?.ok ? <p className="notice success" role="status">{t('receipts.confirmed')}</p> : null}
      {data && !data.ok ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      <Form method="post" className="panel form">
        <label>
          {t('caseworker.distribution_id')}
          <input name="distributionId" required />
        </label>
        <label>
          {t('caseworker.code')}
          <input name="code" inputMode="numeric" required />
        </label>
        <button type="submit" className="button">
          {t('caseworker.submit')}
        </button>
      </Form>
    </div>
  )
}
