import { json, type LinksFunction, type LoaderFunctionArgs } from '@remix-run/node'
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import type { UserRole } from '@db/schema/identity/constants'
import { fallbackLng } from './i18n'
import stylesheet from './styles/app.css'
import { getUser, type ForbiddenData } from './utils/auth.server'
import { i18next } from './utils/i18n.server'
import { useNonce } from './utils/nonce'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const handle = { i18n: ['common'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, locale] = await Promise.all([getUser(request), i18next.getLocale(request)])
  return json({ user, locale })
}


const navByRole: Record<UserRole, Array<{ to: string; key: string }>> = {
  resident: [{ to: '/me', key: 'nav.my_household' }, { to: '/me/offers', key: 'matching:nav.offers' }, { to: '/me/receipts', key: 'ledger:nav.receipts' }, { to: '/listings', key: 'listings:browse.title' }],
  caseworker: [{ to: '/caseworker', key: 'nav.caseworker_desk' }, { to: '/caseworker/households', key: 'matching:nav.households' }, { to: '/caseworker/alerts', key: 'monitoring:nav.alerts' }, { to: '/caseworker/reviews', key: 'monitoring:nav.reviews' }, { to: '/caseworker/receipts', key: 'ledger:nav.confirm_receipts' }, { to: '/caseworker/feed-review', key: 'feeds:nav.review' }, { to: '/listings', key: 'listings:browse.title' }],
  org_member: [{ to: '/org', key: 'nav.my_organization' }, { to: '/org/listings', key: 'listings:org.title' }, { to: '/org/matches', key: 'matching:nav.candidates' }, { to: '/org/ledger', key: 'ledger:nav.org_ledger' }, { to: '/org/claims', key: 'ledger:nav.claims' }, { to: '/org/evaluation', key: 'evaluation:nav.org_evaluation' }],
  donor: [{ to: '/donor', key: 'nav.my_donations' }, { to: '/donor/gifts', key: 'ledger:nav.gifts' }, { to: '/listings', key: 'listings:browse.title' }],
  admin: [{ to: '/admin', key: 'nav.admin' }, { to: '/admin/audit', key: 'nav.audit' }, { to: '/admin/organizations', key: 'listings:admin.organizations' }, { to: '/admin/duplicates', key: 'listings:duplicates.title' }, { to: '/admin/ledger-alerts', key: 'ledger:nav.alerts' }, { to: '/admin/feeds', key: 'feeds:nav.feeds' }, { to: '/admin/evaluation', key: 'evaluation:nav.admin_evaluation' }],
}

function LocaleSwitch({ locale }: { locale: string }) {
  const { t } = useTranslation()
  const location = useLocation()
  const next = locale === 'en' ? 'zh-CN' : 'en'
  return (
    <Form method="post" action="/resources/locale" className="locale-switch">
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" className="link-button" lang={next}>
        {t('nav.switch_locale')}
      </button>
    </Form>
  )
}

function Header() {
  const { t } = useTranslation()
  const data = useRouteLoaderData<typeof loader>('root')
  const user = data?.user ?? null
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        <span className="brand-mark">{t('app.mark')}</span>
        <span className="brand-name">{t('app.name')}</span>
      </Link>
      <nav aria-label={t('nav.label')}>
        <NavLink to="/" end>
          {t('nav.home')}
        </NavLink>
        {user ? navByRole[user.role].map((item) => <NavLink key={item.to} to={item.to}>{t(item.key)}</NavLink>) : null}
        {!user ? <NavLink to="/listings">{t('listings:browse.title')}</NavLink> : null}
      </nav>
      <div className="header-actions">
        <LocaleSwitch locale={data?.locale ?? fallbackLng} />
        {user ? (
          <>
            <span className="whoami" data-testid="whoami">
              {user.displayName} · {t(`roles.${user.role}`)}
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="button secondary">
                {t('nav.logout')}
              </button>
            </Form>
          </>
        ) : (
          <>
            <Link to="/login" className="button secondary">
              {t('nav.login')}
            </Link>
            <Link to="/signup" className="button">
              {t('nav.signup')}
            </Link>
          </>
        )}
      </div>
    </header>
  )
}

/** Routes name their page with `handle.titleKey`; the deepest one wins. Titles come from the catalogs. */
function usePageTitle() {
  const { t } = useTranslation()
  const matches = useMatches()
  type TitleHandle = { titleKey?: string; pageTitle?: (data: unknown) => string | undefined }
  // A route may name its page from its data (a listing's title); otherwise from a catalog key.
  for (const match of [...matches].reverse()) {
    const handle = match.handle as TitleHandle | undefined
    const fromData = handle?.pageTitle?.(match.data)
    if (fromData) return `${fromData} · ${t('app.mark')}`
    if (handle?.titleKey) return `${t(handle.titleKey)} · ${t('app.mark')}`
  }
  return t('app.name')
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root')
  const locale = data?.locale ?? fallbackLng
  useChangeLanguage(locale)
  const title = usePageTitle()
  const nonce = useNonce()
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <Meta />
        <Links />
      </head>
      <body>
        <Header />
        <main className="container">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  if (isRouteErrorResponse(error) && error.status === 403) {
    const data = (error.data ?? {}) as Partial<ForbiddenData>
    return (
      <section className="panel error-panel" data-testid="forbidden">
        <h1>{t('errors.forbidden_title')}</h1>
        <p>{t(`errors.forbidden_reason.${data.reason ?? 'role'}`)}</p>
        {data.roles?.length ? (
          <p>{t('errors.forbidden_roles', { roles: data.roles.map((r) => t(`roles.${r}`)).join(t('list_separator')) })}</p>
        ) : null}
        <p>
          <Link to="/">{t('errors.back_home')}</Link>
        </p>
      </section>
    )
  }
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="panel error-panel">
        <h1>{t('errors.not_found_title')}</h1>
        <p>{t('errors.not_found_body')}</p>
        <Link to="/">{t('errors.back_home')}</Link>
      </section>
    )
  }
  return (
    <section className="panel error-panel">
      <h1>{t('errors.unexpected_title')}</h1>
      <p>{t('errors.unexpected_body')}</p>
      <Link to="/">{t('errors.back_home')}</Link>
    </section>
  )
}
