import { createCookieSessionStorage } from '@remix-run/node'
import { getEnv } from './env.server'

export function cookieIsSecure() {
  const env = getEnv()
  return env.SECURE_COOKIES ?? env.NODE_ENV === 'production'
}

type SessionData = { sid: string }
type FlashData = { flash: string }

let storage: ReturnType<typeof createCookieSessionStorage<SessionData, FlashData>> | undefined

/**
 * Signed cookie that only carries the server-side session id (and one-shot flash
 * messages). Everything about the user is read from the database per request.
 */
export function sessionStorage() {
  storage ??= createCookieSessionStorage<SessionData, FlashData>({
    cookie: {
      name: '__gj_session',
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: cookieIsSecure(),
      secrets: [getEnv().SESSION_SECRET],
    },
  })
  return storage
}

export function getSession(request: Request) {
  return sessionStorage().getSession(request.headers.get('Cookie'))
}
