// POST /api/feeds/:feedType — a department system delivers a feed file with its API key.
// Body: text/csv or application/json. 202 with the delivery id; errors are JSON with a code.
import { json, type ActionFunctionArgs } from '@remix-run/node'
import { feedTypes, type FeedType } from '@db/schema/feeds/constants'
import { splitMessage } from '@db/schema/messages'
import { authenticateFeedKey } from '~/models/feeds/api-keys.server'
import { decodeUtf8, receiveDelivery } from '~/models/feeds/intake.server'

const MAX_BYTES = 20 * 1024 * 1024

const authErrors = {
  missing: { status: 401, message: 'Send the department API key as "Authorization: Bearer <key>".' },
  unknown: { status: 401, message: 'This API key is not known.' },
  revoked: { status: 401, message: 'This API key has been revoked.' },
  out_of_scope: { status: 403, message: 'This API key may not deliver this feed type.' },
} as const

export async function loader() {
  return json({ error: 'method_not_allowed', message: 'POST a CSV or JSON file to this address.' }, { status: 405, headers: { Allow: 'POST' } })
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return loader()
  const feedType = params.feedType as FeedType
  if (!feedTypes.includes(feedType)) return json({ error: 'unknown_feed_type', message: `Unknown feed type; use one of ${feedTypes.join(', ')}.` }, { status: 404 })
  const auth = await authenticateFeedKey(request.headers.get('authorization'), feedType)
  if (!auth.ok) return json({ error: auth.reason, message: authErrors[auth.reason].message }, { status: authErrors[auth.reason].status, headers: auth.reason === 'out_of_scope' ? {} : { 'WWW-Authenticate': 'Bearer' } })
  const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const format = contentType === 'text/csv' ? 'csv' : contentType === 'application/json' ? 'json' : null
  if (!format) return json({ error: 'unsupported_media_type', message: 'Send the file as text/csv or application/json.' }, { status: 415 })
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > MAX_BYTES) return json({ error: 'too_large', message: `The file is larger than ${MAX_BYTES} bytes; split it.` }, { status: 413 })
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (bytes.byteLength > MAX_BYTES) return json({ error: 'too_large', message: `The file is larger than ${MAX_BYTES} bytes; split it.` }, { status: 413 })
  // Decoded strictly: a GBK export read as UTF-8 would otherwise import names as replacement characters.
  const text = decodeUtf8(bytes)
  if (text === null) return json({ error: 'not_utf8', message: 'The file is not valid UTF-8; re-encode it as UTF-8.' }, { status: 415 })
  if (Buffer.byteLength(text) > MAX_BYTES) return json({ error: 'too_large', message: `The file is larger than ${MAX_BYTES} bytes; split it.` }, { status: 413 })
  const receipt = await receiveDelivery({ feedType, source: 'api', fileName: `api.${format}`, format, text, apiKeyId: auth.keyId })
  if (receipt.refused) {
    const { key, params: refusalParams } = splitMessage(receipt.refusal)
    return json({ error: 'refused', deliveryId: receipt.deliveryId, refusal: { code: key, params: refusalParams } }, { status: 422 })
  }
  return json(
    {
      deliveryId: receipt.deliveryId,
      rowsTotal: receipt.rowsTotal,
      rowsRejected: receipt.rowsRejected,
      rejected: receipt.issues.map((i) => ({ line: i.line, field: i.field, ...splitMessage(i.message) })),
    },
    { status: 202 },
  )
}
