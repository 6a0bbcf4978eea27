import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { useErrorText } from '~/components/forms'
import { deliveryDetail, progressOf } from '~/models/feeds/dashboard.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'feeds'], titleKey: 'feeds:delivery.title' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const id = z.string().uuid().safeParse(params.deliveryId)
  const detail = id.success ? await deliveryDetail(id.data) : null
  if (!detail) throw new Response('Not found', { status: 404 })
  return json({ ...detail, progress: progressOf(detail.delivery) })
}

export default function DeliveryPage() {
  const { t, i18n } = useTranslation(['feeds', 'common'])
  const errorText = useErrorText()
  const { delivery, rejected, review, progress } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="delivery-detail">
      <p>
        <Link to="/admin/feeds">← {t('feeds:admin.title')}</Link>
      </p>
      <h1>
        {t('feeds:delivery.title')} · {t(`feeds:types.${delivery.feedType}`)}
      </h1>
      <dl>
        <dt>{t('feeds:admin.file')}</dt>
        <dd>{delivery.fileName}</dd>
        <dt>{t('feeds:admin.received_at')}</dt>
        <dd>{new Date(delivery.receivedAt).toLocaleString(i18n.language)}</dd>
        <dt>{t('feeds:admin.status')}</dt>
        <dd data-testid="delivery-status">{t(`feeds:status.${delivery.status}`)}</dd>
        <dt>{t('feeds:admin.progress')}</dt>
        <dd>
          <progress max={100} value={progress} /> {progress}%
        </dd>
        <dt>{t('feeds:delivery.counts')}</dt>
        <dd data-testid="delivery-counts">
          {t('feeds:delivery.counts_value', {
            total: delivery.rowsTotal,
            applied: delivery.rowsApplied,
            rejected: delivery.rowsRejected,
            review: delivery.rowsReview,
            duplicate: delivery.rowsDuplicate,
          })}
        </dd>
      </dl>
      {delivery.refusal ? (
        <ul className="error-list" role="alert">
          <li>{errorText(delivery.refusal)}</li>
        </ul>
      ) : null}
      <h2>{t('feeds:delivery.rejected_rows')}</h2>
      {rejected.length === 0 ? (
        <p className="muted">{t('feeds:delivery.no_rejected')}</p>
      ) : (
        <table data-testid="rejected-rows">
          <thead>
            <tr>
              <th>{t('feeds:delivery.line')}</th>
              <th>{t('feeds:delivery.record_key')}</th>
              <th>{t('feeds:delivery.reasons')}</th>
            </tr>
          </thead>
          <tbody>
            {rejected.map((r) => (
              <tr key={r.line}>
                <td>{r.line}</td>
                <td>{r.recordKey ?? ''}</td>
                <td>
                  {r.issues.map((i, n) => (
                    <div key={n}>
                      {i.field ? <code>{i.field}</code> : null} {errorText(i.message)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('feeds:delivery.review_rows')}</h2>
      {review.length === 0 ? (
        <p className="muted">{t('feeds:delivery.no_review')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('feeds:delivery.line')}</th>
              <th>{t('feeds:delivery.record_key')}</th>
              <th>{t('feeds:review.id')}</th>
              <th>{t('feeds:admin.status')}</th>
            </tr>
          </thead>
          <tbody>
            {review.map((r) => (
              <tr key={r.line}>
                <td>{r.line}</td>
                <td>{r.recordKey}</td>
                <td>{r.idMasked}</td>
                <td>{t(`feeds:record_status.${r.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
