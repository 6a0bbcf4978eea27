import { json, redirect } from '@remix-run/node'
import type { UserRole } from '@db/schema'
import { createSession, deleteSession, getSessionUser, SESSION_TTL_MS, type SessionUser } from '~/models/user.server'
import { getSession, sessionStorage } from './session.server'

const SESSION_KEY = 'sid'

/** The body every 403 carries; the forbidden page renders `reason` from the catalog. */
export type ForbiddenData = { forbidden: true; reason: 'role' | 'organization_unverified' | 'not_owner' | 'scope'; roles?: UserRole[] }

export function forbidden(data: Omit<ForbiddenData, 'forbidden'>): never {
  throw json({ forbidden: true, ...data } satisfies ForbiddenData, { status: 403 })
}

export async function getUser(request: Request): Promise<SessionUser | null> {
  const session = await getSession(request)
  const sessionId = session.get(SESSION_KEY)
  if (typeof sessionId !== 'string') return null
  return getSessionUser(sessionId)
}

/** Only allow same-site relative paths, so `redirectTo` cannot send people elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  return to
}

export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request)
  if (!user) {
    const url = new URL(request.url)
    const redirectTo = `${url.pathname}${url.search}`
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`)
  }
  return user
}

/** Route guard: the signed-in user must have one of `roles`, otherwise a 403 that says which roles may enter. */
export async function requireRole(request: Request, ...roles: UserRole[]): Promise<SessionUser> {
  const user = await requireUser(request)
  if (!roles.includes(user.role)) forbidden({ reason: 'role', roles })
  return user
}

export async function requireAnonymous(request: Request) {
  const user = await getUser(request)
  if (user) throw redirect(homePathFor(user.role))
}

export function homePathFor(role: UserRole) {
  switch (role) {
    case 'resident':
      return '/me'
    case 'caseworker':
      return '/caseworker'
    case 'org_member':
      return '/org'
    case 'donor':
      return '/donor'
    case 'admin':
      return '/admin'
  }
}

/**
 * Starts a fresh server-side session (a new id every log-in, so a fixed or stolen
 * pre-login cookie is worthless) and redirects with the cookie set.
 */
export async function logIn(request: Request, userId: string, redirectTo: string) {
  const cookieSession = await getSession(request)
  const previous = cookieSession.get(SESSION_KEY)
  if (typeof previous === 'string') await deleteSession(previous)
  const { id, expiresAt } = await createSession(userId)
  cookieSession.set(SESSION_KEY, id)
  return redirect(redirectTo, {
    headers: { 'Set-Cookie': await sessionStorage().commitSession(cookieSession, { expires: expiresAt, maxAge: SESSION_TTL_MS / 1000 }) },
  })
}

export async function logOut(request: Request) {
  const cookieSession = await getSession(request)
  const sessionId = cookieSession.get(SESSION_KEY)
  if (typeof sessionId === 'string') await deleteSession(sessionId)
  return redirect('/', { headers: { 'Set-Cookie': await sessionStorage().destroySession(cookieSession) } })
}
