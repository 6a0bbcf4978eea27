import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DuplicateFlags, type Flag } from './duplicate-flags'

export function DuplicateFlagsPage() {
  const { t } = useTranslation(['listings'])
  const { flags } = useLoaderData<{ flags: Flag[] }>()
  return (
    <section className="panel">
      <h1>{t('listings:duplicates.title')}</h1>
      <p className="muted">{t('listings:duplicates.intro')}</p>
      <DuplicateFlags flags={flags} />
    </section>
  )
}
