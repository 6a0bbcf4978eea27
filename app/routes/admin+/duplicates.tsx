import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { DuplicateFlags } from '~/components/duplicate-flags'
import { decideDuplicateFlag, listDuplicateFlags } from '~/models/listing-duplicates.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:duplicates.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'admin')
  return json({ flags: await listDuplicateFlags(user) })
}

const Decision = z.object({ flagId: z.string().uuid(), decision: z.enum(['distinct', 'coordinate']) })

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'admin')
  const parsed = Decision.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false }, { status: 400 })
  const result = await decideDuplicateFlag(user, parsed.data.flagId, parsed.data.decision)
  return json({ ok: Boolean(result) }, { status: result ? 200 : 404 })
}

export default function Duplicates() {
  const { t } = useTranslation(['listings'])
  const { flags } = useLoaderData<typeof loader>()
  return (
    <section className="panel">
      <h1>{t('listings:duplicates.title')}</h1>
      <p className="muted">{t('listings:duplicates.intro')}</p>
      <DuplicateFlags flags={flags} />
    </section>
  )
}
