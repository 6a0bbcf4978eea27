import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { logOut } from '~/utils/auth.server'

// Log-out is a POST (a link could be triggered by any page); a GET just goes home.
export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  return logOut(request)
}
