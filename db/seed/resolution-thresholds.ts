import type { Database } from '../client'
import { resolutionThresholds } from '../schema'

/**
 * The national default resolution-rate threshold (region null): an organization or county whose
 * accepted applications and referrals closed in the last 90 days resolve (completed) less than
 * 60 % of the time — judged only once at least 10 loops closed — raises an administrators' alert.
 */
export const nationalResolutionThreshold = { regionCode: null, minRate: '0.600', windowDays: 90, minClosed: 10 }

/** Idempotent: the unique index on coalesce(region_code, '') keeps one national row. */
export async function seedResolutionThresholds(db: Database) {
  const rows = await db.insert(resolutionThresholds).values(nationalResolutionThreshold).onConflictDoNothing().returning({ id: resolutionThresholds.id })
  return rows.length
}
