import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { listingKinds } from '@db/schema/listings/constants'
import { ReasonList } from '~/components/reasons'
import { ApplicationError, applyToListing, listOffersForResident, OFFERS_PER_PAGE, respondToInvitation, withdrawApplication } from '~/models/applications.server'
import { skillNames } from '~/models/matches.server'
import { requireRole } from '~/utils/auth.server'
import { i18next } from '~/utils/i18n.server'
import { pageOf } from '~/utils/query'

export const handle = { i18n: ['common', 'households', 'matching', 'evaluation'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const params = new URL(request.url).searchParams
  const kindParam = params.get('kind') || null
  const kind = listingKinds.find((k) => k === kindParam)
  const { page, invalid: invalidPage } = pageOf(params)
  // A bad link still shows the offers (page 1, every kind), says what was ignored, and is a 400.
  const ignored = [...(kindParam && !kind ? ['offers.invalid_kind'] : []), ...(invalidPage ? ['common:pager.invalid_page'] : [])]
  const [data, names] = await Promise.all([listOffersForResident(user.id, { kind, page }), skillNames(await i18next.getLocale(request))])
  return json({
    linked: Boolean(data.household),
    consent: data.household?.consentGiven ?? false,
    offers: data.offers,
    applications: data.applications,
    names,
    kind: kind ?? '',
    page: data.page,
    perPage: OFFERS_PER_PAGE,
    hasMore: data.hasMore,
    ignored,
  }, { status: ignored.length ? 400 : 200 })
}

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('apply'), listingId: z.string().uuid() }),
  z.object({ intent: z.enum(['accept', 'decline', 'withdraw']), applicationId: z.string().uuid() }),
])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false, error: 'matching:errors.not_found' }, { status: 400 })
  try {
    if (parsed.data.intent === 'apply') await applyToListing({ id: user.id }, parsed.data.listingId)
    else if (parsed.data.intent === 'withdraw') {
      await withdrawApplication({ id: user.id }, parsed.data.applicationId)
      return json({ ok: true, error: null, notice: 'evaluation:withdraw.done' })
    } else await respondToInvitation({ id: user.id }, parsed.data.applicationId, parsed.data.intent === 'accept')
    return json({ ok: true, error: null, notice: 'offers.applied_notice' })
  } catch (error) {
    if (error instanceof ApplicationError) return json({ ok: false, error: error.key }, { status: error.status })
    throw error
  }
}

export default function Offers() {
  const { t } = useTranslation(['matching', 'households', 'evaluation'])
  const { linked, consent, offers, applications, names, kind, page, perPage, hasMore, ignored } = useLoaderData<typeof loader>()
  const pageLink = (p: number) => `?${new URLSearchParams({ ...(kind ? { kind } : {}), page: String(p) })}`
  const result = useActionData<typeof action>()
  if (!linked)
    return (
      <section className="panel">
        <p>{t('offers.no_household')}</p>
        <Link to="/me/household">{t('households:resident.link_title')}</Link>
      </section>
    )
  return (
    <section className="panel" data-testid="offers">
      <h1>{t('offers.title')}</h1>
      <p className="muted">{t('offers.lead')}</p>
      {!consent ? (
        <p className="notice">
          {t('offers.no_consent')} <Link to="/me/household">{t('households:resident.give')}</Link>
        </p>
      ) : null}
      {ignored.map((key) => (
        <p key={key} className="notice" role="alert">
          {t(key)}
        </p>
      ))}
      {result?.ok && 'notice' in result ? <p className="notice">{t(result.notice)}</p> : null}
      {result?.error ? <p className="error-list">{t(result.error)}</p> : null}
      <Form method="get" className="filters">
        <label htmlFor="kind">{t('offers.filter_kind')}</label>
        <select id="kind" name="kind" defaultValue={kind}>
          <option value="">{t('offers.all_kinds')}</option>
          {listingKinds.map((k) => (
            <option key={k} value={k}>
              {t(`listing_kinds.${k}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="button secondary">
          {t('offers.filter')}
        </button>
      </Form>
      {consent && offers.length === 0 ? <p>{t('offers.none')}</p> : null}
      <ol className="offer-list" start={(page - 1) * perPage + 1}>
        {offers.map((o) => (
          <li key={o.listingId} className="offer" data-testid="offer">
            <h2>
              <Link to={`/listings/${o.listingId}`}>{o.title}</Link>
            </h2>
            <p>
              {t(`listing_kinds.${o.kind}`)} · {o.regionName} · <strong>{t('offers.score', { score: o.score })}</strong>
              {o.memberName ? ` · ${t('offers.for_member', { name: o.memberName })}` : ''}
            </p>
            <h3>{t('offers.why')}</h3>
            <ReasonList reasons={o.reasons} skillNames={names} testId="offer-reasons" />
            {o.status ? (
              <p data-testid="offer-status">{t('offers.status', { status: t(`statuses.${o.status}`) })}</p>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="apply" />
                <input type="hidden" name="listingId" value={o.listingId} />
                <button type="submit" className="button">
                  {t('offers.apply')}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ol>
      {page > 1 || hasMore ? (
        <p className="pager" data-testid="offers-pager">
          {page > 1 ? <Link to={pageLink(page - 1)}>{t('common:pager.previous')}</Link> : null}
          {hasMore ? <Link to={pageLink(page + 1)}>{t('common:pager.next')}</Link> : null}
        </p>
      ) : null}
      <h2>{t('offers.my_applications')}</h2>
      <ul data-testid="my-applications">
        {applications.map((a) => (
          <li key={a.id}>
            {a.title} · {a.status === 'completed' ? t(`completed_by_kind.${a.kind}`) : t(`statuses.${a.status}`)}
            {a.status === 'invited' ? (
              <Form method="post" className="inline">
                <input type="hidden" name="applicationId" value={a.id} />
                <button type="submit" name="intent" value="accept" className="button">
                  {t('offers.accept_invitation')}
                </button>
                <button type="submit" name="intent" value="decline" className="button secondary">
                  {t('offers.decline_invitation')}
                </button>
              </Form>
            ) : null}
            {(a.status === 'applied' || a.status === 'accepted') && !a.received ? (
              <Form method="post" className="inline">
                <input type="hidden" name="applicationId" value={a.id} />
                <button type="submit" name="intent" value="withdraw" className="button secondary">
                  {t('evaluation:withdraw.button')}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
