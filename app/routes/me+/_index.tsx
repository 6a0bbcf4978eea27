import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AccountSummary } from '~/components/account-summary'
import { requireRole } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  return json({ user })
}

export default function ResidentHome() {
  const { t } = useTranslation()
  const { user } = useLoaderData<typeof loader>()
  return (
    <div data-testid="home-resident">
      <h1>{t('home.resident.title', { name: user.displayName })}</h1>
      <p className="lead">{t('home.resident.lead')}</p>
      <AccountSummary user={user} />
    </div>
  )
}
