import { inArray, sql } from 'drizzle-orm'
import { loginThrottles } from '@db/schema'
import { db } from '~/utils/db.server'

/** Failures allowed per window before the key is locked, and how long windows and locks last. */
export const THROTTLE_POLICY = {
  user: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 },
  ip: { maxFailures: 30, windowMinutes: 15, lockMinutes: 15 },
} as const

function keysFor(username: string, ip: string | null) {
  const keys: Array<{ key: string; policy: (typeof THROTTLE_POLICY)[keyof typeof THROTTLE_POLICY] }> = [
    { key: `user:${username.trim().toLowerCase()}`, policy: THROTTLE_POLICY.user },
  ]
  if (ip) keys.push({ key: `ip:${ip}`, policy: THROTTLE_POLICY.ip })
  return keys
}

/** Minutes until log-in may be tried again, or 0 when it may be tried now. */
export async function loginLockMinutes(username: string, ip: string | null, now = new Date()) {
  const rows = await db
    .select({ lockedUntil: loginThrottles.lockedUntil })
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, keysFor(username, ip).map((k) => k.key)))
  const until = Math.max(0, ...rows.map((r) => (r.lockedUntil ? r.lockedUntil.getTime() : 0)))
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 60_000) : 0
}

/** Counts a failure atomically (one upsert per key); locks the key when it reaches the limit. */
export async function recordLoginFailure(username: string, ip: string | null) {
  for (const { key, policy } of keysFor(username, ip)) {
    const window = sql.raw(`interval '${policy.windowMinutes} minutes'`)
    const lock = sql.raw(`interval '${policy.lockMinutes} minutes'`)
    await db.execute(sql`
      insert into login_throttles as t (key, failures, window_started_at)
      values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when t.window_started_at < now() - ${window} then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < now() - ${window} then now() else t.window_started_at end,
        locked_until = case
          when t.window_started_at >= now() - ${window} and t.failures + 1 >= ${policy.maxFailures} then now() + ${lock}
          else t.locked_until end`)
  }
}

export async function clearLoginFailures(username: string) {
  await db.delete(loginThrottles).where(inArray(loginThrottles.key, [`user:${username.trim().toLowerCase()}`]))
}
