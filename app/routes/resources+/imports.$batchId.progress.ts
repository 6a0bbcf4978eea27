import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { ImportError, importProgress } from '~/models/imports/imports.server'
import { requireRole } from '~/utils/auth.server'

/** What the import preview page polls while the worker runs: { status, progress, importedCount, failure }. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker', 'org_member')
  try {
    return json(await importProgress(user, params.batchId ?? ''), { headers: { 'Cache-Control': 'no-store' } })
  } catch (error) {
    if (error instanceof ImportError) return json({ error: error.key }, { status: error.status })
    throw error
  }
}
