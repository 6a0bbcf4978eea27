import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AccountSummary } from '~/components/account-summary'
import { requireRole } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return json({ user })
}

export default function CaseworkerHome() {
  const { t } = useTranslation()
  const { user } = useLoaderData<typeof loader>()
  return (
    <div data-testid="home-caseworker">
      <h1>{t('home.caseworker.title', { name: user.displayName })}</h1>
      <p className="lead">{t('home.caseworker.lead')}</p>
      <AccountSummary user={user} />
    </div>
  )
}
