import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listCaseworkerHouseholds } from '~/models/household.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'
import { pageOf } from '~/utils/query'

export const handle = { i18n: ['common', 'households', 'matching', 'imports'] }

const PAGE_SIZE = 50

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const { page, invalid: invalidPage } = pageOf(new URL(request.url).searchParams)
  const rows = await listCaseworkerHouseholds(user.id, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE })
  const hasNext = rows.length > PAGE_SIZE
  rows.length = Math.min(rows.length, PAGE_SIZE)
  const names = await regionPathNames(rows.map((r) => r.regionCode))
  const today = new Date().toISOString().slice(0, 10)
  return json(
    { page, hasNext, invalidPage, rows: rows.map((r) => ({ ...r, regionName: names.get(r.regionCode) ?? r.regionCode, overdue: r.nextReviewOn < today })) },
    { status: invalidPage ? 400 : 200 },
  )
}

export default function CaseworkerHouseholds() {
  const { t } = useTranslation(['households'])
  const { rows, page, hasNext, invalidPage } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="caseworker-households">
      <h1>{t('list.title')}</h1>
      <p className="muted">{t('list.lead')}</p>
      {invalidPage ? (
        <p className="notice" role="alert">
          {t('common:pager.invalid_page')}
        </p>
      ) : null}
      <p>
        <Link to="/caseworker/households/new" className="button">
          {t('list.new')}
        </Link>
        {' '}
        <Link to="/caseworker/households/import" className="button secondary">
          {t('imports:link.households')}
        </Link>
      </p>
      {rows.length === 0 ? (
        <p>{t('list.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('list.head')}</th>
              <th>{t('list.region')}</th>
              <th>{t('list.tier')}</th>
              <th>{t('list.next_review')}</th>
              <th>{t('list.consent')}</th>
              <th>{t('list.matches')}</th>
              <th>{t('list.applications')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/caseworker/households/${r.id}`}>{r.headName}</Link>
                </td>
                <td>{r.regionName}</td>
                <td>{t(`tiers.${r.riskTier}`)}</td>
                <td>
                  {r.nextReviewOn} {r.overdue ? <span className="badge warn">{t('list.overdue')}</span> : null}
                </td>
                <td>{r.consentGiven ? t('list.consent_yes') : t('list.consent_no')}</td>
                <td>{r.matchCount}</td>
                <td>{r.applicationCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager">
        {page > 1 ? <Link to={`?page=${page - 1}`}>{t('list.previous')}</Link> : null} {hasNext ? <Link to={`?page=${page + 1}`}>{t('list.next')}</Link> : null}
      </nav>
    </section>
  )
}
