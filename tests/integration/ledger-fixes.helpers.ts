// Helpers for the ledger defect tests: calling route loaders without a build, a second
// connection that holds row locks to line concurrent transactions up, and the app's catalogs.
import { createInstance } from 'i18next'
import postgres from 'postgres'
import { i18nConfig } from '~/i18n'
import { logIn } from '~/utils/auth.server'

export const actor = (u: { id: string; organizationId: string | null }, role: string) => ({ id: u.id, role, organizationId: u.organizationId })

/** A signed session cookie for the user, as the log-in form would set it. */
export async function sessionCookie(userId: string) {
  const res = await logIn(new Request('http://localhost/login'), userId, '/')
  return res.headers.get('Set-Cookie')!.split(';')[0]!
}

type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response
/** Runs a route's loader as Remix would (GET, optional cookie) and returns its JSON data. */
export async function loaderData(loader: unknown, url: string, params: Record<string, string> = {}, cookie?: string) {
  const headers = new Headers(cookie ? { Cookie: cookie } : {})
  const res = await (loader as Loader)({ request: new Request(`http://localhost${url}`, { headers }), params, context: {} })
  return { status: res.status, data: (await res.json()) as Record<string, unknown> }
}

/** The app's own catalogs, rendered as the pages render them. */
export async function translator(lng: 'zh-CN' | 'en' = 'zh-CN') {
  const i18n = createInstance()
  await i18n.init({ ...i18nConfig, lng })
  return (key: string, params: Record<string, unknown> = {}) => i18n.t(key, params) as string
}

/** A second connection holding row locks in an open transaction until released. */
export async function holdLocks(statement: string) {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  const conn = await sql.reserve()
  await conn.unsafe('begin')
  await conn.unsafe(statement)
  return async () => {
    await conn.unsafe('commit')
    conn.release()
    await sql.end()
  }
}

/** Waits until `n` other sessions of this database wait on a lock (the overlapping transactions are lined up). */
export async function lockWaiters(n: number, timeoutMs = 10_000) {
  const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
  try {
    const until = Date.now() + timeoutMs
    for (;;) {
      const [row] = await sql<{ n: number }[]>`select count(*)::int n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
      if (row!.n >= n) return row!.n
      if (Date.now() > until) throw new Error(`expected ${n} lock waiters, saw ${row!.n}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await sql.end()
  }
}

/** Settles a promise into a value or the error, so a test can start it now and look later. */
export function settle<T>(p: Promise<T>) {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )
}
