import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { ImportUpload } from '~/components/imports'
import { requireRole } from '~/utils/auth.server'
import { handleUpload, uploadLoaderData } from '~/utils/import-routes.server'

export const handle = { i18n: ['common', 'imports', 'listings'], titleKey: 'imports:titles.listings' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'org_member')
  return json(uploadLoaderData('listings'))
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  return handleUpload(request, 'listings', user, '/org/listings/import')
}

export default function ListingImportUpload() {
  const info = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return <ImportUpload info={info} error={result?.error} backTo="/org/listings" />
}
