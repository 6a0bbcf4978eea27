import {
  json,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { feedDepartment, feedTypes, type FeedType } from '@db/schema/feeds/constants'
import { useErrorText } from '~/components/forms'
import { createFeedApiKey, listFeedApiKeys, revokeFeedApiKey } from '~/models/feeds/api-keys.server'
import { freshness, listDeliveries, progressOf } from '~/models/feeds/dashboard.server'
import { decodeUtf8, receiveDelivery } from '~/models/feeds/intake.server'
import { requireRole } from '~/utils/auth.server'
import { controlCharsMessage, withoutControlChars } from '@db/schema/messages'

export const handle = { i18n: ['common', 'feeds'], titleKey: 'feeds:admin.title' }

const MAX_UPLOAD = 20 * 1024 * 1024

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const [deliveries, keys, fresh] = await Promise.all([listDeliveries(), listFeedApiKeys(), freshness()])
  return json({ deliveries: deliveries.map((d) => ({ ...d, progress: progressOf(d) })), keys, freshness: fresh })
}

const FeedTypeField = z.enum(feedTypes, { required_error: 'feeds:admin.choose_feed', invalid_type_error: 'feeds:admin.choose_feed' })
const CreateKey = z.object({ feedType: FeedTypeField, label: z.string().trim().min(2, 'feeds:admin.label_required').max(80).refine(withoutControlChars, controlCharsMessage) })

type ActionData = { intent: string; error?: string; deliveryId?: string; key?: string }

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'admin')
  const isMultipart = (request.headers.get('content-type') ?? '').startsWith('multipart/form-data')
  let form: FormData
  try {
    form = isMultipart
      ? await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD }))
      : await request.formData()
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return json<ActionData>({ intent: 'upload', error: 'feeds:admin.file_too_large' }, { status: 413 })
    throw error
  }
  const intent = String(form.get('intent') ?? '')
  if (intent === 'upload') {
    const feedType = FeedTypeField.safeParse(form.get('feedType'))
    if (!feedType.success) return json<ActionData>({ intent, error: 'feeds:admin.choose_feed' }, { status: 400 })
    const file = form.get('file')
    if (!(file instanceof File) || file.size === 0) return json<ActionData>({ intent, error: 'feeds:admin.choose_file' }, { status: 400 })
    const name = file.name.toLowerCase()
    const format = name.endsWith('.json') ? 'json' : name.endsWith('.csv') ? 'csv' : null
    if (!format) return json<ActionData>({ intent, error: 'feeds:admin.file_type' }, { status: 400 })
    const text = decodeUtf8(new Uint8Array(await file.arrayBuffer()))
    if (text === null) return json<ActionData>({ intent, error: 'feeds:admin.not_utf8' }, { status: 400 })
    const receipt = await receiveDelivery({ feedType: feedType.data, source: 'upload', fileName: file.name, format, text, deliveredById: user.id })
    if (receipt.refused) return json<ActionData>({ intent, error: receipt.refusal, deliveryId: receipt.deliveryId }, { status: 422 })
    return json<ActionData>({ intent, deliveryId: receipt.deliveryId })
  }
  if (intent === 'create_key') {
    const parsed = CreateKey.safeParse(Object.fromEntries(form))
    if (!parsed.success) return json<ActionData>({ intent, error: parsed.error.issues[0]!.message }, { status: 400 })
    const { key } = await createFeedApiKey({ department: feedDepartment[parsed.data.feedType], feedTypes: [parsed.data.feedType], label: parsed.data.label, createdById: user.id })
    return json<ActionData>({ intent, key })
  }
  if (intent === 'revoke_key') {
    const keyId = z.string().uuid().safeParse(form.get('keyId'))
    if (!keyId.success) return json<ActionData>({ intent, error: 'feeds:admin.key_not_found' }, { status: 400 })
    await revokeFeedApiKey(keyId.data, user.id)
    return json<ActionData>({ intent })
  }
  return json<ActionData>({ intent, error: 'feeds:admin.unknown_action' }, { status: 400 })
}

export default function AdminFeeds() {
  const { t, i18n } = useTranslation(['feeds', 'common'])
  const errorText = useErrorText()
  const { deliveries, keys, freshness: fresh } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const revalidator = useRevalidator()
  const busy = deliveries.some((d) => d.status === 'queued' || d.status === 'processing')
  // While something is importing, refresh progress every two seconds (without JS: reload the page).
  useEffect(() => {
    if (!busy) return
    const timer = setInterval(() => revalidator.state === 'idle' && revalidator.revalidate(), 2000)
    return () => clearInterval(timer)
  }, [busy, revalidator])
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : t('feeds:admin.never'))
  return (
    <>
      <section className="panel" data-testid="feed-freshness">
        <h1>{t('feeds:admin.title')}</h1>
        {result?.error && !['upload', 'create_key', 'revoke_key'].includes(result.intent) ? <ul className="error-list" role="alert"><li>{errorText(result.error)}</li></ul> : null}
        <h2>{t('feeds:admin.freshness')}</h2>
        <p data-testid="stale-share">
          {t('feeds:admin.stale_share', { percent: fresh.stalePercent, stale: fresh.staleHouseholds, total: fresh.households, days: 7 })}
        </p>
        <table>
          <thead>
            <tr>
              <th>{t('feeds:admin.feed')}</th>
              <th>{t('feeds:admin.last_delivery')}</th>
              <th>{t('feeds:admin.applied')}</th>
              <th>{t('feeds:admin.rejected')}</th>
              <th>{t('feeds:admin.awaiting_review')}</th>
            </tr>
          </thead>
          <tbody>
            {fresh.feeds.map((f) => (
              <tr key={f.feedType}>
                <td>{t(`feeds:types.${f.feedType}`)}</td>
                <td>{when(f.lastDeliveryAt)}</td>
                <td>{f.applied}</td>
                <td>{f.rejected}</td>
                <td>{f.review}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>{t('feeds:admin.upload')}</h2>
        {result?.intent === 'upload' && result.error ? <ul className="error-list" role="alert"><li>{errorText(result.error)}</li></ul> : null}
        {result?.intent === 'upload' && !result.error && result.deliveryId ? (
          <p className="notice" role="status">
            {t('feeds:admin.received')} <Link to={`/admin/feeds/${result.deliveryId}`}>{t('feeds:admin.view_delivery')}</Link>
          </p>
        ) : null}
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value="upload" />
          <label>
            {t('feeds:admin.feed')}
            <select name="feedType" required defaultValue="">
              <option value="" disabled>{t('feeds:admin.choose_feed')}</option>
              {feedTypes.map((ft: FeedType) => (
                <option key={ft} value={ft}>
                  {t(`feeds:types.${ft}`)} · {t(`feeds:departments.${feedDepartment[ft]}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('feeds:admin.file')}
            <input type="file" name="file" accept=".csv,.json,text/csv,application/json" required />
          </label>
          <button type="submit" disabled={navigation.state === 'submitting'}>{t('feeds:admin.upload_button')}</button>
        </Form>
      </section>

      <section className="panel" data-testid="feed-deliveries">
        <h2>{t('feeds:admin.deliveries')}</h2>
        {busy ? <p className="muted"><a href="/admin/feeds">{t('feeds:admin.refresh')}</a></p> : null}
        <table>
          <thead>
            <tr>
              <th>{t('feeds:admin.received_at')}</th>
              <th>{t('feeds:admin.feed')}</th>
              <th>{t('feeds:admin.status')}</th>
              <th>{t('feeds:admin.progress')}</th>
              <th>{t('feeds:admin.applied')}</th>
              <th>{t('feeds:admin.rejected')}</th>
              <th>{t('feeds:admin.awaiting_review')}</th>
              <th>{t('feeds:admin.duplicate')}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td>
                  <Link to={`/admin/feeds/${d.id}`}>{when(d.receivedAt)}</Link> · {d.fileName}
                </td>
                <td>{t(`feeds:types.${d.feedType}`)}</td>
                <td data-testid="delivery-status">{t(`feeds:status.${d.status}`)}</td>
                <td>
                  <progress max={100} value={d.progress} /> {d.progress}%
                </td>
                <td>{d.rowsApplied}</td>
                <td>{d.rowsRejected}</td>
                <td>{d.rowsReview}</td>
                <td>{d.rowsDuplicate}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel" data-testid="feed-keys">
        <h2>{t('feeds:admin.keys')}</h2>
        {result?.intent === 'create_key' && result.key ? (
          <p className="notice" role="status" data-testid="new-key">
            {t('feeds:admin.key_once')} <code>{result.key}</code>
          </p>
        ) : null}
        {(result?.intent === 'create_key' || result?.intent === 'revoke_key') && result.error ? <ul className="error-list" role="alert"><li>{errorText(result.error)}</li></ul> : null}
        <Form method="post">
          <input type="hidden" name="intent" value="create_key" />
          <label>
            {t('feeds:admin.feed')}
            <select name="feedType" required defaultValue="">
              <option value="" disabled>{t('feeds:admin.choose_feed')}</option>
              {feedTypes.map((ft: FeedType) => (
                <option key={ft} value={ft}>
                  {t(`feeds:types.${ft}`)} · {t(`feeds:departments.${feedDepartment[ft]}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('feeds:admin.key_label')}
            <input name="label" required minLength={2} maxLength={80} />
          </label>
          <button type="submit">{t('feeds:admin.create_key')}</button>
        </Form>
        <table>
          <thead>
            <tr>
              <th>{t('feeds:admin.key_label')}</th>
              <th>{t('feeds:admin.department')}</th>
              <th>{t('feeds:admin.feed')}</th>
              <th>{t('feeds:admin.key_prefix')}</th>
              <th>{t('feeds:admin.last_used')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>{k.label}</td>
                <td>{t(`feeds:departments.${k.department}`)}</td>
                <td>{k.feedTypes.map((ft) => t(`feeds:types.${ft}`)).join(t('common:list_separator'))}</td>
                <td>
                  <code>{k.keyPrefix}…</code>
                </td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="badge">{t('feeds:admin.revoked')}</span>
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="revoke_key" />
                      <input type="hidden" name="keyId" value={k.id} />
                      <button type="submit">{t('feeds:admin.revoke')}</button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}
