import { DuplicateFlagsPage } from '~/components/duplicate-flags-page'
import { duplicateFlagsRoute } from '~/utils/duplicate-flags-route.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:duplicates.title' }

export const { loader, action } = duplicateFlagsRoute('org_member')

export default DuplicateFlagsPage
