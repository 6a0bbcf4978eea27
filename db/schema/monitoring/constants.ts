// Plain values (browser-safe). Catalog keys: monitoring:<group>.<code>.

/**
 * Early-warning rules (返贫预警规则), and `resident_correction`: the resident corrected their own file,
 * which a caseworker should check (居民自行更正，社工核实).
 */
export const warningRules = ['medical_share', 'medical_doubled', 'income_drop', 'job_loss', 'disaster', 'debt', 'resident_correction'] as const
export type WarningRule = (typeof warningRules)[number]

export const alertSeverities = ['high', 'medium', 'low'] as const
export type AlertSeverity = (typeof alertSeverities)[number]

/** open → acknowledged → resolved (with a note). */
export const alertStates = ['open', 'acknowledged', 'resolved'] as const
export type AlertState = (typeof alertStates)[number]

/** Default severity of each rule. */
export const ruleSeverity: Record<WarningRule, AlertSeverity> = {
  medical_share: 'high',
  medical_doubled: 'medium',
  income_drop: 'high',
  job_loss: 'medium',
  disaster: 'high',
  debt: 'medium',
  resident_correction: 'low',
}
