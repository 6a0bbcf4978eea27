import { json, redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getUser, homePathFor } from '~/utils/auth.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  // Signed-in people land on their own desk; visitors see what Gongjian is.
  if (user) throw redirect(homePathFor(user.role))
  return json({})
}

export default function Landing() {
  const { t } = useTranslation()
  const kinds = ['job', 'training', 'donation', 'project'] as const
  return (
    <>
      <section className="hero">
        <h1>{t('landing.title')}</h1>
        <p className="lead">{t('landing.lead')}</p>
        <p>
          <Link to="/signup" className="button">
            {t('nav.signup')}
          </Link>{' '}
          <Link to="/login" className="button secondary">
            {t('nav.login')}
          </Link>
        </p>
      </section>
      <section className="grid four">
        {kinds.map((kind) => (
          <article key={kind} className="panel">
            <h2>{t(`listing_kinds.${kind}`)}</h2>
            <p>{t(`landing.kind_help.${kind}`)}</p>
          </article>
        ))}
      </section>
      <section className="panel">
        <h2>{t('landing.who_title')}</h2>
        <ul className="who">
          {(['resident', 'caseworker', 'org_member', 'donor', 'admin'] as const).map((role) => (
            <li key={role}>
              <strong>{t(`roles.${role}`)}</strong>
              {t('label_separator')}
              {t(`landing.who.${role}`)}
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}
