import { useTranslation } from 'react-i18next'
import type { SessionUser } from '~/models/user.server'

export function AccountSummary({ user }: { user: Pick<SessionUser, 'username' | 'displayName' | 'role'> }) {
  const { t } = useTranslation()
  return (
    <section className="panel">
      <h2>{t('account.title')}</h2>
      <dl className="facts">
        <dt>{t('account.display_name')}</dt>
        <dd>{user.displayName}</dd>
        <dt>{t('account.username')}</dt>
        <dd>{user.username}</dd>
        <dt>{t('account.role')}</dt>
        <dd>{t(`roles.${user.role}`)}</dd>
      </dl>
    </section>
  )
}
