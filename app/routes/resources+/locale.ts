import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { supportedLngs } from '~/i18n'
import { safeRedirect } from '~/utils/auth.server'
import { localeCookie } from '~/utils/i18n.server'

const LocaleForm = z.object({ locale: z.enum(supportedLngs), redirectTo: z.string().optional() })

/** Stores the chosen language in a cookie and goes back to the page it was chosen on. */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = LocaleForm.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return new Response('unsupported locale', { status: 400 })
  return redirect(safeRedirect(parsed.data.redirectTo), {
    headers: { 'Set-Cookie': await localeCookie.serialize(parsed.data.locale) },
  })
}

export async function loader() {
  return redirect('/')
}
