import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ImportPreview } from '~/components/imports'
import { requireRole } from '~/utils/auth.server'
import { handleConfirm, previewLoader } from '~/utils/import-routes.server'

export const handle = { i18n: ['common', 'imports', 'listings'], titleKey: 'imports:titles.listings' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  return previewLoader('listings', user, params.batchId)
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  return handleConfirm(request, 'listings', user, params.batchId)
}

export default function ListingImportPreview() {
  const { batch } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return <ImportPreview batch={batch} error={result && 'error' in result ? result.error : undefined} uploadPath="/org/listings/import" listPath="/org/listings" />
}
