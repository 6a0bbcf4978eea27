import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { browseListings, parseBrowseQuery, type BrowseQuery } from '~/models/listing-search.server'
import { getOrganization } from '~/models/organization.server'
import { getUser } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:browse.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  const { query, ignored } = parseBrowseQuery(new URL(request.url))
  // Viewer's region for proximity: an organization member's seat (households come with their own issue).
  const user = await getUser(request)
  const org = user?.organizationId ? await getOrganization(user.organizationId) : null
  const result = await browseListings(query, org?.regionCode)
  // Like the KPI dashboard: the page still answers (without the bad conditions), says so, and is a 400.
  return json({ query, result, ignored }, { status: ignored.length ? 400 : 200 })
}

/** The query string ('' or '?…') for the current query with some fields changed. */
function search(query: BrowseQuery, change: Partial<BrowseQuery>) {
  const next = { ...query, page: 1, ...change }
  const params = new URLSearchParams()
  if (next.q) params.set('q', next.q)
  for (const k of next.kind) params.append('kind', k)
  for (const c of next.category) params.append('category', c)
  for (const g of next.group) params.append('group', g)
  for (const o of next.orgKind) params.append('orgKind', o)
  if (next.region) params.set('region', next.region)
  if (next.sort !== 'relevance') params.set('sort', next.sort)
  if (next.page > 1) params.set('page', String(next.page))
  const s = params.toString()
  return s ? `?${s}` : ''
}

const href = (query: BrowseQuery, change: Partial<BrowseQuery>) => `/listings${search(query, change)}`

export default function Browse() {
  const { t, i18n } = useTranslation(['listings', 'common'])
  const { query, result, ignored } = useLoaderData<typeof loader>()
  const facet = (name: 'kind' | 'category' | 'targetGroup' | 'organizationKind', param: 'kind' | 'category' | 'group' | 'orgKind', labels: string) => {
    const counts = result.facets[name]
    const chosen = new Set<string>(query[param])
    const values = [...new Set([...Object.keys(counts), ...chosen])]
    if (!values.length) return null
    return (
      <fieldset className="facet" key={name}>
        <legend>{t(`listings:${name === 'kind' ? 'fields.kind' : name === 'category' ? 'fields.categories' : name === 'targetGroup' ? 'fields.target_groups' : 'browse.organization_kind'}`)}</legend>
        {values.map((v) => (
          <label key={v} className="check">
            <input type="checkbox" name={param} value={v} defaultChecked={chosen.has(v)} /> {t(`listings:${labels}.${v}`)} <small className="muted">({counts[v] ?? 0})</small>
          </label>
        ))}
      </fieldset>
    )
  }
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso))
  // The export links carry the filters the page used (never a value the export would refuse).
  const exportSearch = search(query, {})
  const filtered = query.kind.length + query.category.length + query.group.length + query.orgKind.length + (query.region ? 1 : 0) > 0
  return (
    <div className="browse" data-testid="browse">
      <h1>{t('listings:browse.title')}</h1>
      <Form method="get" className="search-form" role="search">
        <input type="search" name="q" defaultValue={query.q ?? ''} placeholder={t('listings:browse.placeholder')} aria-label={t('listings:browse.search')} />
        <select name="sort" defaultValue={query.sort} aria-label={t('listings:browse.sort')}>
          <option value="relevance">{t('listings:browse.sort_relevance')}</option>
          <option value="newest">{t('listings:browse.sort_newest')}</option>
        </select>
        <button type="submit" className="button">
          {t('listings:browse.search')}
        </button>
        <div className="facets">
          <h2>{t('listings:browse.filters')}</h2>
          {facet('kind', 'kind', 'kinds')}
          {facet('category', 'category', 'categories')}
          {facet('targetGroup', 'group', 'target_groups')}
          {facet('organizationKind', 'orgKind', 'organization_kinds')}
          <fieldset className="facet">
            <legend>{t('listings:browse.region')}</legend>
            <label className="check">
              <input type="radio" name="region" value="" defaultChecked={!query.region} /> {t('listings:hints.any')}
            </label>
            {query.region && !(query.region in result.regionNames) ? (
              <label className="check">
                <input type="radio" name="region" value={query.region} defaultChecked /> {result.regionName}
              </label>
            ) : null}
            {Object.entries(result.facets.region).map(([code, n]) => (
              <label key={code} className="check">
                <input type="radio" name="region" value={code} defaultChecked={query.region === code} /> {result.regionNames[code]} <small className="muted">({n})</small>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button secondary">
            {t('listings:browse.apply')}
          </button>{' '}
          <Link to="/listings">{t('listings:browse.clear')}</Link>
        </div>
      </Form>
      <section className="results" aria-live="polite">
        <p data-testid="result-count">{t('listings:browse.results', { count: result.total })}</p>
        {/* The same filters as the page, as files (resource routes: a plain link, not client navigation). */}
        <p className="muted" data-testid="export-links">
          {/* The files take the filters only (exports read listings, not the search engine): say so when words were searched. */}
          {t(query.q ? 'listings:browse.export_without_words' : 'listings:browse.export')}
          {t('common:label_separator')}
          <a href={`/listings.csv${exportSearch}`} download>
            CSV
          </a>
          {' · '}
          <a href={`/listings.hsds.json${exportSearch}`}>HSDS JSON</a>
        </p>
        {ignored.length ? (
          <p className="notice" role="alert" data-testid="ignored-conditions">
            {t('listings:browse.ignored', { params: ignored.map((p) => t(`listings:browse.params.${p}`)).join(t('common:list_separator')) })}
          </p>
        ) : null}
        {result.fuzzy ? <p className="notice">{t('listings:browse.fuzzy')}</p> : null}
        {result.total === 0 ? (
          <div className="empty" data-testid="empty-results">
            <h2>{t('listings:browse.empty_title')}</h2>
            <p>{t('listings:browse.empty_help')}</p>
            <ul>
              {result.broaderRegion ? (
                <li>
                  <Link to={href(query, { region: result.broaderRegion.code })}>{t('listings:browse.broaden_region', { region: result.broaderRegion.name })}</Link>
                </li>
              ) : null}
              {filtered ? (
                <li>
                  <Link to={href(query, { kind: [], category: [], group: [], orgKind: [], region: undefined })}>{t('listings:browse.remove_filters')}</Link>
                </li>
              ) : null}
            </ul>
          </div>
        ) : (
          <ol className="hits">
            {result.hits.map((h) => (
              <li key={h.id} data-testid="hit">
                <h3>
                  <Link to={`/listings/${h.id}`}>{h.title}</Link>
                </h3>
                <p className="muted">
                  <span className="badge">{t(`listings:kinds.${h.kind}`)}</span> {h.organizationName} · {h.regionName} · {t('listings:browse.published_on', { date: date(h.publishedAt) })}
                </p>
                <p>{h.categories.map((c) => t(`listings:categories.${c}`)).join(t('common:list_separator'))}</p>
              </li>
            ))}
          </ol>
        )}
        {result.pages > 1 ? (
          <nav className="pagination">
            {query.page > 1 ? <Link to={href(query, { page: query.page - 1 })}>{t('listings:browse.previous')}</Link> : null}{' '}
            <span>{t('listings:browse.page', { page: query.page, pages: result.pages })}</span>{' '}
            {query.page < result.pages ? <Link to={href(query, { page: query.page + 1 })}>{t('listings:browse.next')}</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  )
}
