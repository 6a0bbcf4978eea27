// A listing is offered while it is published and its end date (ends_on, a calendar date in China)
// has not passed: after that it is no longer searched, matched, exported or open to applications,
// pledges or claims, though it stays published (its organization still completes open loops).
import { sql, type SQL } from 'drizzle-orm'

/** Today's date in China (yyyy-mm-dd): end dates are calendar dates where the listing runs. */
export function chinaToday(now = new Date()) {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)
}

/** Whether a listing's end date has passed (an open-ended listing never ends). */
export function hasEnded(endsOn: string | null | undefined, now = new Date()) {
  return Boolean(endsOn) && endsOn! < chinaToday(now)
}

/** SQL: today's date in China. */
export const chinaTodaySql = sql`(now() at time zone 'Asia/Shanghai')::date`

/** SQL: the listing behind `endsOn` (a column or expression) has not ended. */
export function notEnded(endsOn: SQL | unknown): SQL {
  return sql`(${endsOn} is null or ${endsOn} >= ${chinaTodaySql})`
}
