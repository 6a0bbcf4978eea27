import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { listingKinds } from '@db/schema/listings/constants'
import { listDuplicateFlags } from '~/models/listing-duplicates.server'
import { hasEnded } from '~/models/listing-dates'
import { allowedActions, canPublish, changeListingStatus, ListingError, listingActions, listOrganizationListings } from '~/models/listing.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings', 'imports'], titleKey: 'listings:org.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const [rows, publishable, flags] = await Promise.all([listOrganizationListings(user), canPublish(user), listDuplicateFlags(user, { status: 'open' })])
  return json({
    // Past its end date a listing is offered to nobody: it says so, and it cannot be published or resumed.
    listings: rows.map((l) => ({
      ...l,
      ended: hasEnded(l.endsOn),
      actions: allowedActions(l.status).filter((a) => (publishable || (a !== 'publish' && a !== 'resume')) && !(hasEnded(l.endsOn) && (a === 'publish' || a === 'resume'))),
    })),
    canPublish: publishable,
    organizationId: user.organizationId,
    openDuplicates: flags.length,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  // Built here, not at module level: `listingActions` comes from a `.server` module, which is an empty stub in the browser bundle.
  const StatusForm = z.object({ listingId: z.string().uuid(), intent: z.enum(listingActions) })
  const user = await requireRole(request, 'org_member')
  const parsed = StatusForm.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ error: 'common:errors.bad_request' }, { status: 400 })
  try {
    const result = await changeListingStatus(user, parsed.data.listingId, parsed.data.intent)
    return redirect(`/org/listings?status=${result.status}`)
  } catch (error) {
    if (error instanceof ListingError) return json({ error: `listings:errors.${error.reason}` }, { status: error.reason === 'not_found' ? 404 : 409 })
    throw error
  }
}

export default function OrganizationListings() {
  const { t } = useTranslation(['listings', 'common'])
  const { listings, canPublish, organizationId, openDuplicates } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const changed = params.get('status')
  return (
    <div data-testid="org-listings">
      <h1>{t('listings:org.title')}</h1>
      <p>
        <Link to={`/organizations/${organizationId}`}>{t('listings:org.public_profile')}</Link>
        {' · '}
        <Link to="/org/duplicates">
          {t('listings:org.duplicates')} ({openDuplicates})
        </Link>
      </p>
      {!canPublish ? <p className="notice">{t('listings:errors.organization_unverified')}</p> : null}
      {changed ? <p className="notice ok" role="status">{t('listings:org.status_changed', { status: t(`listings:statuses.${changed}`) })}</p> : null}
      {actionData?.error ? (
        <p className="error-list" role="alert">
          {t(actionData.error)}
        </p>
      ) : null}
      <nav className="button-row">
        {listingKinds.map((kind) => (
          <Link key={kind} to={`/org/listings/new?kind=${kind}`} className="button secondary">
            {t('listings:org.new_kind', { kind: t(`listings:kinds.${kind}`) })}
          </Link>
        ))}
        <Link to="/org/listings/import" className="button secondary">
          {t('imports:link.listings')}
        </Link>
      </nav>
      {listings.length === 0 ? (
        <p className="muted">{t('listings:org.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('listings:fields.title')}</th>
              <th>{t('listings:fields.kind')}</th>
              <th>{t('listings:fields.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listings.map((l) => (
              <tr key={l.id} data-testid="org-listing-row">
                <td>
                  {l.status !== 'closed' ? <Link to={`/org/listings/${l.id}`}>{l.title}</Link> : l.title}{' '}
                  <small className="muted">{t('listings:org.version', { version: l.version })}</small>
                </td>
                <td>{t(`listings:kinds.${l.kind}`)}</td>
                <td>
                  <span className={`badge status-${l.status}`}>{t(`listings:statuses.${l.status}`)}</span>
                  {l.ended && l.status !== 'closed' ? (
                    <span className="badge status-ended" title={t('listings:org.ended_hint')}>
                      {t('listings:org.ended', { date: l.endsOn })}
                    </span>
                  ) : null}
                </td>
                <td>
                  <div className="button-row">
                    {l.actions.map((a) => (
                      <Form method="post" key={a}>
                        <input type="hidden" name="listingId" value={l.id} />
                        <button type="submit" name="intent" value={a} className={`button small ${a === 'close' ? 'secondary' : ''}`}>
                          {t(`listings:actions.${a}`)}
                        </button>
                      </Form>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
