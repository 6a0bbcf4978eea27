import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AccountSummary } from '~/components/account-summary'
import { usePromptText } from '~/components/feedback-form'
import { pendingFeedbackForResident } from '~/models/feedback.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const pending = await pendingFeedbackForResident(user.id)
  return json({
    user,
    pending: pending.map((p) => ({ subject: p.subject, subjectId: p.subjectId, listingTitle: p.listingTitle, organizationName: p.organizationName, detail: p.detail })),
  })
}

export default function ResidentHome() {
  const { t } = useTranslation()
  const { user, pending } = useLoaderData<typeof loader>()
  const promptText = usePromptText()
  return (
    <div data-testid="home-resident">
      <h1>{t('home.resident.title', { name: user.displayName })}</h1>
      <p className="lead">{t('home.resident.lead')}</p>
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
