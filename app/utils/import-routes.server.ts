// The request handling both import pages share (households and listings): multipart upload
// with a size limit → stageImport → redirect to the preview; preview loader; confirm action.
import {
  json,
  redirect,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from '@remix-run/node'
import type { ImportKind } from '@db/schema/imports/constants'
import { m } from '@db/schema/messages'
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, importSpec, templateColumns } from '~/models/imports/formats'
import { confirmImport, getImportBatch, ImportError, stageImport, type ImportActor } from '~/models/imports/imports.server'

export type UploadActionData = { error: string }

export function uploadLoaderData(kind: ImportKind) {
  const required = [...importSpec(kind).requiredColumns] as string[]
  return { kind, required, optional: templateColumns(kind).filter((c) => !required.includes(c)), maxMb: MAX_IMPORT_BYTES / 1024 / 1024, maxRows: MAX_IMPORT_ROWS }
}

export async function handleUpload(request: Request, kind: ImportKind, actor: ImportActor, basePath: string) {
  let form: FormData
  try {
    // One byte over the limit is enough to know the file is too large.
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_IMPORT_BYTES + 1 }))
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return json<UploadActionData>({ error: m('imports:file.too_large', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }) }, { status: 413 })
    return json<UploadActionData>({ error: 'imports:file.choose' }, { status: 400 })
  }
  const file = form.get('file')
  if (!(file instanceof File) || file.size === 0 || !file.name) return json<UploadActionData>({ error: 'imports:file.choose' }, { status: 400 })
  const staged = await stageImport(actor, kind, { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
  if (!staged.ok) return json<UploadActionData>({ error: staged.refusal }, { status: 422 })
  return redirect(`${basePath}/${staged.batchId}`)
}

export async function previewLoader(kind: ImportKind, actor: ImportActor, batchId: string | undefined) {
  try {
    const batch = await getImportBatch(actor, kind, batchId ?? '')
    return json({ batch })
  } catch (error) {
    if (error instanceof ImportError) throw new Response(error.key, { status: error.status })
    throw error
  }
}

export async function handleConfirm(request: Request, kind: ImportKind, actor: ImportActor, batchId: string | undefined) {
  const form = await request.formData()
  try {
    // Someone else's batch is not found, whatever the form says.
    await getImportBatch(actor, kind, batchId ?? '')
    if (form.get('intent') !== 'confirm') return json({ error: 'common:errors.bad_request' }, { status: 400 })
    await confirmImport(actor, kind, batchId ?? '')
    return redirect(new URL(request.url).pathname)
  } catch (error) {
    if (error instanceof ImportError) return json({ error: error.key }, { status: error.status })
    throw error
  }
}
