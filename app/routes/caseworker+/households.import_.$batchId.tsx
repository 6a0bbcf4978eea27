import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ImportPreview } from '~/components/imports'
import { requireRole } from '~/utils/auth.server'
import { handleConfirm, previewLoader } from '~/utils/import-routes.server'

export const handle = { i18n: ['common', 'imports', 'households'], titleKey: 'imports:titles.households' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return previewLoader('households', user, params.batchId)
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return handleConfirm(request, 'households', user, params.batchId)
}

export default function HouseholdImportPreview() {
  const { batch } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return <ImportPreview batch={batch} error={result && 'error' in result ? result.error : undefined} uploadPath="/caseworker/households/import" listPath="/caseworker/households" />
}
