import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listOrganizationListings } from '~/models/applications.server'
import { forbidden, requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'matching'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) forbidden({ reason: 'scope' })
  return json({ listings: await listOrganizationListings(user.organizationId!) })
}

export default function OrgMatches() {
  const { t } = useTranslation(['matching'])
  const { listings } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="org-matches">
      <h1>{t('candidates.listings')}</h1>
      {listings.length === 0 ? <p>{t('candidates.no_listings')}</p> : null}
      <ul>
        {listings.map((l) => (
          <li key={l.id}>
            <strong>{l.title}</strong> · {t(`listing_kinds.${l.kind}`)} ·{' '}
            <Link to={`/org/matches/${l.id}`}>{t('candidates.view_candidates', { count: l.matchCount })}</Link>
          </li>
        ))}
      </ul>
    </section>
  )
}
