import type { Database } from '../client'
import { warningThresholds } from '../schema'

/** The national default early-warning thresholds (region null); regions may add their own rows. */
export const nationalWarningThresholds = {
  regionCode: null,
  medicalShare: '0.500',
  medicalGrowthFactor: '2.00',
  incomeDropShare: '0.300',
  debtYuan: '50000.00',
  lookbackMonths: 3,
  highDueDays: 3,
  mediumDueDays: 7,
  lowDueDays: 14,
}

export async function seedWarningThresholds(db: Database) {
  const rows = await db.insert(warningThresholds).values(nationalWarningThresholds).onConflictDoNothing().returning({ id: warningThresholds.id })
  return rows.length
}
