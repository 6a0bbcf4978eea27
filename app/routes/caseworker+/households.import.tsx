import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ImportUpload } from '~/components/imports'
import { requireRole } from '~/utils/auth.server'
import { handleUpload, uploadLoaderData } from '~/utils/import-routes.server'

export const handle = { i18n: ['common', 'imports', 'households'], titleKey: 'imports:titles.households' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'caseworker')
  return json(uploadLoaderData('households'))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return handleUpload(request, 'households', user, '/caseworker/households/import')
}

export default function HouseholdImportUpload() {
  const info = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return <ImportUpload info={info} error={result?.error} backTo="/caseworker/households" />
}
