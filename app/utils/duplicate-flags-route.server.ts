import { json } from '@remix-run/node'
import { z } from 'zod'
import { decideDuplicateFlag, listDuplicateFlags } from '~/models/listing-duplicates.server'
import { requireRole } from './auth.server'

// The duplicate-flag page exists twice (an organization's own flags, and every flag for admins); the
// model scopes the rows to the user, so both routes' loader and action call these two functions.
// They are plain functions called from inside `loader`/`action`, never at a route module's top level:
// the browser bundle replaces `.server` modules with empty stubs, so a top-level call would throw there.

export type DuplicateFlagsRole = 'admin' | 'org_member'

const Decision = z.object({ flagId: z.string().uuid(), decision: z.enum(['distinct', 'coordinate']) })

export async function loadDuplicateFlags(request: Request, role: DuplicateFlagsRole) {
  const user = await requireRole(request, role)
  return json({ flags: await listDuplicateFlags(user) })
}

export async function decideDuplicateFlagFromForm(request: Request, role: DuplicateFlagsRole) {
  const user = await requireRole(request, role)
  const parsed = Decision.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false }, { status: 400 })
  const result = await decideDuplicateFlag(user, parsed.data.flagId, parsed.data.decision)
  return json({ ok: Boolean(result) }, { status: result ? 200 : 404 })
}
