import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listActiveListingsOfOrganization } from '~/models/listing.server'
import { getOrganization } from '~/models/organization.server'
import { regionPathNames } from '~/models/region.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:org.public_profile', pageTitle: (data: unknown) => (data as { organization?: { name?: string } } | undefined)?.organization?.name }

export async function loader({ params }: LoaderFunctionArgs) {
  const organization = /^[0-9a-f-]{36}$/i.test(params.id ?? '') ? await getOrganization(params.id!) : null
  if (!organization) throw new Response('not found', { status: 404 })
  // Unverified organizations have no public listings; their page shows who they are and that they await verification.
  const listings = organization.verifiedAt ? await listActiveListingsOfOrganization(organization.id) : []
  const names = await regionPathNames([organization.regionCode, ...listings.map((l) => l.regionCode)])
  return json({
    organization: {
      name: organization.name,
      kind: organization.kind,
      massOrgSubtype: organization.massOrgSubtype,
      description: organization.description,
      region: names.get(organization.regionCode) ?? organization.regionCode,
      verified: organization.verifiedAt !== null,
    },
    listings: listings.map((l) => ({ ...l, region: names.get(l.regionCode) ?? l.regionCode })),
  })
}

export default function OrganizationProfile() {
  const { t } = useTranslation(['listings', 'common'])
  const { organization, listings } = useLoaderData<typeof loader>()
  return (
    <article className="panel" data-testid="organization-profile">
      <h1>
        {organization.name}{' '}
        {organization.verified ? <span className="badge ok">{t('listings:profile.verified')}</span> : <span className="badge warn">{t('listings:profile.unverified')}</span>}
      </h1>
      <dl className="facts">
        <dt>{t('common:organization.kind')}</dt>
        <dd>
          {t(`common:organization_kinds.${organization.kind}`)}
          {organization.massOrgSubtype ? ` · ${t(`common:mass_org_subtypes.${organization.massOrgSubtype}`)}` : ''}
        </dd>
        <dt>{t('common:organization.region')}</dt>
        <dd>{organization.region}</dd>
      </dl>
      {organization.description ? <p>{organization.description}</p> : null}
      <h2>{t('listings:profile.active_listings')}</h2>
      {listings.length === 0 ? (
        <p className="muted">{t('listings:profile.none')}</p>
      ) : (
        <ul>
          {listings.map((l) => (
            <li key={l.id}>
              <span className="badge">{t(`listings:kinds.${l.kind}`)}</span> <Link to={`/listings/${l.id}`}>{l.title}</Link> <small className="muted">{l.region}</small>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">{t('listings:profile.delivery_record')}</p>
    </article>
  )
}
