import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { userRoles } from '@db/schema/identity/constants'
import { listOrganizationsForAdmin, verifyOrganization } from '~/models/organization.server'
import { regionPathNames } from '~/models/region.server'
import { countUsersByRole } from '~/models/user.server'
import { requireRole } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const [counts, pending] = await Promise.all([countUsersByRole(), listOrganizationsForAdmin({ unverifiedOnly: true })])
  const regionNames = await regionPathNames(pending.map((o) => o.regionCode))
  return json({
    counts,
    pending: pending.map((o) => ({ ...o, region: regionNames.get(o.regionCode) ?? o.regionCode })),
  })
}

const VerifyForm = z.object({ intent: z.literal('verify'), organizationId: z.string().uuid() })

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, 'admin')
  const parsed = VerifyForm.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false, error: 'errors.bad_request' }, { status: 400 })
  const row = await verifyOrganization(admin, parsed.data.organizationId)
  if (!row) return json({ ok: false, error: 'errors.not_found_title' }, { status: 404 })
  return json({ ok: true, error: null })
}

export default function AdminHome() {
  const { t } = useTranslation()
  const { counts, pending } = useLoaderData<typeof loader>()
  return (
    <div data-testid="home-admin">
      <h1>{t('home.admin.title')}</h1>
      <p>
        <Link to="/admin/kpi" className="button" data-testid="admin-kpi-link">
          {t('kpi:nav.admin_kpi')}
        </Link>
      </p>
      <section className="grid five">
        {userRoles.map((role) => (
          <div key={role} className="panel stat">
            <div className="stat-value">{counts[role] ?? 0}</div>
            <div className="stat-label">{t(`roles.${role}`)}</div>
          </div>
        ))}
      </section>
      <section className="panel">
        <h2>{t('home.admin.pending_organizations', { count: pending.length })}</h2>
        {pending.length === 0 ? (
          <p className="muted">{t('home.admin.no_pending')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('organization.name')}</th>
                <th>{t('organization.kind')}</th>
                <th>{t('organization.region')}</th>
                <th>{t('organization.members')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {pending.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>
                    {t(`organization_kinds.${o.kind}`)}
                    {o.massOrgSubtype ? ` · ${t(`mass_org_subtypes.${o.massOrgSubtype}`)}` : ''}
                  </td>
                  <td>{o.region}</td>
                  <td>{o.memberCount}</td>
                  <td>
                    <Form method="post">
                      <input type="hidden" name="intent" value="verify" />
                      <input type="hidden" name="organizationId" value={o.id} />
                      <button type="submit" className="button small">
                        {t('home.admin.verify')}
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}
