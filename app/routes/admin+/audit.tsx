import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { searchAudit } from '~/models/audit.server'
import { requireRole } from '~/utils/auth.server'
import { PageParam, queryInput } from '~/utils/query'

export const handle = { i18n: ['common', 'admin'], titleKey: 'admin:audit.title' }

const PAGE_SIZE = 50

const AuditFilters = z.object({
  entityType: z.string().trim().max(32).optional(),
  action: z.string().trim().max(64).optional(),
  q: z.string().trim().max(100).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  page: PageParam.default(1),
})

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const parsed = AuditFilters.safeParse(queryInput(new URL(request.url).searchParams))
  const filters = parsed.success ? parsed.data : { page: 1 }
  const entries = await searchAudit({
    entityType: filters.entityType,
    action: filters.action,
    text: filters.q,
    from: filters.from ? new Date(`${filters.from}T00:00:00+08:00`) : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59.999+08:00`) : undefined,
    limit: PAGE_SIZE + 1,
    offset: (filters.page - 1) * PAGE_SIZE,
  })
  return json({
    invalidFilters: !parsed.success,
    page: filters.page,
    hasMore: entries.length > PAGE_SIZE,
    entries: entries.slice(0, PAGE_SIZE).map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
  }, { status: parsed.success ? 200 : 400 })
}

export default function AuditLogPage() {
  const { t, i18n } = useTranslation(['admin', 'common'])
  const { entries, page, hasMore, invalidFilters } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params)
    next.set('page', String(p))
    return `?${next}`
  }
  return (
    <div>
      <h1>{t('admin:audit.title')}</h1>
      <p className="muted">{t('admin:audit.lead')}</p>
      <Form method="get" className="panel filters">
        <label>
          {t('admin:audit.entity_type')}
          <input name="entityType" defaultValue={params.get('entityType') ?? ''} placeholder="listing / household / ledger" />
        </label>
        <label>
          {t('admin:audit.action')}
          <input name="action" defaultValue={params.get('action') ?? ''} placeholder="listing.publish" />
        </label>
        <label>
          {t('admin:audit.text')}
          <input name="q" defaultValue={params.get('q') ?? ''} />
        </label>
        <label>
          {t('admin:audit.from')}
          <input type="date" name="from" defaultValue={params.get('from') ?? ''} />
        </label>
        <label>
          {t('admin:audit.to')}
          <input type="date" name="to" defaultValue={params.get('to') ?? ''} />
        </label>
        <button type="submit" className="button">
          {t('admin:audit.search')}
        </button>
      </Form>
      {invalidFilters ? <p className="notice">{t('admin:audit.invalid_filters')}</p> : null}
      {entries.length === 0 ? (
        <p className="muted">{t('admin:audit.empty')}</p>
      ) : (
        <table data-testid="audit-entries">
          <thead>
            <tr>
              <th>{t('admin:audit.time')}</th>
              <th>{t('admin:audit.actor')}</th>
              <th>{t('admin:audit.action')}</th>
              <th>{t('admin:audit.entity')}</th>
              <th>{t('admin:audit.change')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.occurredAt).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai' })}</td>
                <td>
                  {e.actorId ? (
                    <span title={e.actorId}>
                      {e.actorName ? t('admin:audit.actor_named', { name: e.actorName, username: e.actorUsername, role: t(`common:roles.${e.actorRole}`) }) : <code>{e.actorId.slice(0, 8)}</code>}
                    </span>
                  ) : (
                    t('admin:audit.system', { label: e.actorLabel ?? '' })
                  )}
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.entityType} <code>{e.entityId.slice(0, 12)}</code>
                </td>
                <td>
                  <details>
                    <summary>{t('admin:audit.details')}</summary>
                    <pre className="json">{JSON.stringify({ before: e.before, after: e.after, note: e.note }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="pager">
        {page > 1 ? <Link to={pageLink(page - 1)}>{t('common:pager.previous')}</Link> : null}
        {hasMore ? <Link to={pageLink(page + 1)}>{t('common:pager.next')}</Link> : null}
      </p>
    </div>
  )
}
