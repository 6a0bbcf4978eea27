import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listOrganizationsForAdmin } from '~/models/organization.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:admin.organizations' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const rows = await listOrganizationsForAdmin()
  const names = await regionPathNames(rows.map((o) => o.regionCode))
  return json({ organizations: rows.map((o) => ({ ...o, region: names.get(o.regionCode) ?? o.regionCode })) })
}

/** Every organization with its verification state; verification itself stays on /admin. */
export default function AdminOrganizations() {
  const { t } = useTranslation(['common', 'listings'])
  const { organizations } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="admin-organizations">
      <h1>{t('listings:admin.organizations')}</h1>
      <table>
        <thead>
          <tr>
            <th>{t('common:organization.name')}</th>
            <th>{t('common:organization.kind')}</th>
            <th>{t('common:organization.region')}</th>
            <th>{t('common:organization.members')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {organizations.map((o) => (
            <tr key={o.id}>
              <td>
                <Link to={`/organizations/${o.id}`}>{o.name}</Link>
              </td>
              <td>
                {t(`common:organization_kinds.${o.kind}`)}
                {o.massOrgSubtype ? ` · ${t(`common:mass_org_subtypes.${o.massOrgSubtype}`)}` : ''}
              </td>
              <td>{o.region}</td>
              <td>{o.memberCount}</td>
              <td>{o.verifiedAt ? <span className="badge ok">{t('listings:profile.verified')}</span> : <span className="badge warn">{t('listings:profile.unverified')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
