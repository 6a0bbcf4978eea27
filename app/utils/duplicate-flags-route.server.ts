import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { decideDuplicateFlag, listDuplicateFlags } from '~/models/listing-duplicates.server'
import { requireRole } from './auth.server'

const Decision = z.object({ flagId: z.string().uuid(), decision: z.enum(['distinct', 'coordinate']) })

/**
 * The duplicate-flag page exists twice (an organization's own flags, and every flag for
 * admins); the model scopes the rows to the user, so both routes share one loader and action.
 */
export function duplicateFlagsRoute(role: 'admin' | 'org_member') {
  return {
    loader: async ({ request }: LoaderFunctionArgs) => {
      const user = await requireRole(request, role)
      return json({ flags: await listDuplicateFlags(user) })
    },
    action: async ({ request }: ActionFunctionArgs) => {
      const user = await requireRole(request, role)
      const parsed = Decision.safeParse(Object.fromEntries(await request.formData()))
      if (!parsed.success) return json({ ok: false }, { status: 400 })
      const result = await decideDuplicateFlag(user, parsed.data.flagId, parsed.data.decision)
      return json({ ok: Boolean(result) }, { status: result ? 200 : 404 })
    },
  }
}
