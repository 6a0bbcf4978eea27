import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AccountSummary } from '~/components/account-summary'
import { usePromptText } from '~/components/feedback-form'
import { ownHousehold } from '~/models/applications.server'
import { pendingFeedbackForResident } from '~/models/feedback.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const [pending, household] = await Promise.all([pendingFeedbackForResident(user.id), ownHousehold(user.id)])
  return json({
    user,
    household: household ? { address: household.address } : null,
    pending: pending.map((p) => ({ subject: p.subject, subjectId: p.subjectId, listingTitle: p.listingTitle, organizationName: p.organizationName, detail: p.detail })),
  })
}

export default function ResidentHome() {
  const { t } = useTranslation()
  const { user, household, pending } = useLoaderData<typeof loader>()
  const promptText = usePromptText()
  return (
    <div data-testid="home-resident">
      <h1>{t('home.resident.title', { name: user.displayName })}</h1>
      {household ? (
        <>
          <p className="lead" data-testid="household-linked">
            {t('home.resident.linked', { address: household.address })}
          </p>
          <ul className="link-list">
            <li>
              <Link to="/me/household">{t('home.resident.links.household')}</Link>
            </li>
            <li>
              <Link to="/me/offers">{t('home.resident.links.offers')}</Link>
            </li>
            <li>
              <Link to="/me/receipts">{t('home.resident.links.receipts')}</Link>
            </li>
          </ul>
        </>
      ) : (
        <>
          <p className="lead">{t('home.resident.lead')}</p>
          <p>
            <Link to="/me/household" className="button">
              {t('home.resident.links.link')}
            </Link>
          </p>
        </>
      )}
      {pending.length ? (
        <section className="panel" data-testid="feedback-prompts">
          <h2>{t('evaluation:prompts.title')}</h2>
          <p className="muted">{t('evaluation:prompts.lead')}</p>
          <ul>
            {pending.map((p) => (
              <li key={`${p.subject}-${p.subjectId}`}>
                {promptText(p)} <Link to={`/me/feedback/${p.subject}/${p.subjectId}`}>{t('evaluation:prompts.give')}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <AccountSummary user={user} />
    </div>
  )
}
