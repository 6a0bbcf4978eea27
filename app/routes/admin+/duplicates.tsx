import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { DuplicateFlagsPage } from '~/components/duplicate-flags-page'
import { decideDuplicateFlagFromForm, loadDuplicateFlags } from '~/utils/duplicate-flags-route.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:duplicates.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  return loadDuplicateFlags(request, 'admin')
}

export async function action({ request }: ActionFunctionArgs) {
  return decideDuplicateFlagFromForm(request, 'admin')
}

export default DuplicateFlagsPage
