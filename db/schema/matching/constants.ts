// Plain values (browser-safe).

/**
 * The closed loop of one (household, listing) pair: suggested (a match) → viewed →
 * applied / invited → accepted / rejected (declined by the resident) → completed.
 */
export const applicationStatuses = ['applied', 'invited', 'accepted', 'rejected', 'declined', 'completed', 'withdrawn'] as const
export type ApplicationStatus = (typeof applicationStatuses)[number]

/** Statuses that count as assistance a household is actively receiving (fairness feature). */
export const activeAssistanceStatuses = ['accepted', 'completed'] as const satisfies readonly ApplicationStatus[]
