import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ErrorList } from '~/components/forms'
import { getOwnHousehold, HouseholdError, redeemInvitation, setConsent } from '~/models/household.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'households', 'matching'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const file = await getOwnHousehold(user.id)
  const names = file ? await regionPathNames([file.regionCode]) : new Map<string, string>()
  return json({ file: file ?? null, regionName: file ? (names.get(file.regionCode) ?? file.regionCode) : '' })
}

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('link'), code: z.string().trim().min(1, 'validation.required').max(32) }),
  z.object({ intent: z.literal('consent'), given: z.enum(['true', 'false']) }),
])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ error: 'validation.required' }, { status: 400 })
  try {
    if (parsed.data.intent === 'link') await redeemInvitation({ id: user.id, role: user.role }, parsed.data.code)
    else await setConsent({ id: user.id, role: user.role }, parsed.data.given === 'true')
    return json({ error: null })
  } catch (error) {
    if (error instanceof HouseholdError) return json({ error: error.key }, { status: error.status })
    throw error
  }
}

export default function MyHousehold() {
  const { t } = useTranslation(['households', 'matching'])
  const { file, regionName } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  if (!file) {
    return (
      <section className="panel narrow" data-testid="household-link">
        <h1>{t('resident.link_title')}</h1>
        <p>{t('matching:offers.no_household')}</p>
        <Form method="post">
          <input type="hidden" name="intent" value="link" />
          <div className="field">
            <label htmlFor="code">{t('resident.code')}</label>
            <input id="code" name="code" autoComplete="one-time-code" />
            <ErrorList errors={result?.error ? [result.error] : null} />
          </div>
          <button type="submit" className="button">
            {t('resident.link')}
          </button>
        </Form>
      </section>
    )
  }
  return (
    <section className="panel" data-testid="household-own">
      <h1>{t('resident.title')}</h1>
      <p>
        {regionName} · {t(`tiers.${file.riskTier}`)} · {t('detail.next_review', { date: file.nextReviewOn })}
      </p>
      <ul>
        {file.members.map((m) => (
          <li key={m.id}>
            {m.fullName} · {m.birthDate} · {t(`households:enums.employment_statuses.${m.employmentStatus}`)}
          </li>
        ))}
      </ul>
      <p className="muted">
        {t('resident.correct')} <Link to="/me/household/edit">{t('detail.edit')}</Link>
      </p>
      <h2>{t('resident.consent_title')}</h2>
      <p data-testid="consent-state">{file.consentGiven ? t('resident.consent_on') : t('resident.consent_off')}</p>
      {result?.error ? <p className="error-list">{t(result.error)}</p> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="consent" />
        <input type="hidden" name="given" value={file.consentGiven ? 'false' : 'true'} />
        <button type="submit" className={file.consentGiven ? 'button secondary' : 'button'}>
          {file.consentGiven ? t('resident.withdraw') : t('resident.give')}
        </button>
      </Form>
      <p>
        <Link to="/me/offers">{t('resident.offers')}</Link>
      </p>
    </section>
  )
}
