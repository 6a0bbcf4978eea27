import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getOrganization, listOrganizationMembers } from '~/models/organization.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const organization = await getOrganization(user.organizationId!)
  if (!organization) throw new Response('organization missing', { status: 404 })
  const [members, regionNames] = await Promise.all([
    listOrganizationMembers(organization.id),
    regionPathNames([organization.regionCode]),
  ])
  return json({
    user,
    organization: {
      name: organization.name,
      kind: organization.kind,
      massOrgSubtype: organization.massOrgSubtype,
      region: regionNames.get(organization.regionCode) ?? organization.regionCode,
      verified: organization.verifiedAt !== null,
    },
    members,
  })
}

export default function OrganizationHome() {
  const { t } = useTranslation()
  const { organization, members } = useLoaderData<typeof loader>()
  return (
    <div data-testid="home-org_member">
      <h1>
        {organization.name}{' '}
        {organization.verified ? (
          <span className="badge ok">{t('organization.verified')}</span>
        ) : (
          <span className="badge warn">{t('organization.unverified')}</span>
        )}
      </h1>
      {!organization.verified ? <p className="notice">{t('organization.unverified_help')}</p> : null}
      <dl className="facts">
        <dt>{t('organization.kind')}</dt>
        <dd>
          {t(`organization_kinds.${organization.kind}`)}
          {organization.massOrgSubtype ? ` · ${t(`mass_org_subtypes.${organization.massOrgSubtype}`)}` : ''}
        </dd>
        <dt>{t('organization.region')}</dt>
        <dd>{organization.region}</dd>
      </dl>
      <h2>{t('organization.members')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('account.display_name')}</th>
            <th>{t('account.username')}</th>
            <th>{t('organization.member_role')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.displayName}</td>
              <td>{m.username}</td>
              <td>{m.orgMemberRole ? t(`org_member_roles.${m.orgMemberRole}`) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
