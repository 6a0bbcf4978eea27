// Plain values (browser-safe). Catalog keys: households:<group>.<code>.

export const riskTiers = ['A', 'B', 'C'] as const
export type RiskTier = (typeof riskTiers)[number]

export const incomeSources = ['wages', 'farming', 'business', 'pension', 'dibao', 'transfers', 'none'] as const
export type IncomeSource = (typeof incomeSources)[number]

export const housingTypes = ['owned_safe', 'owned_unsafe', 'rented', 'relatives', 'none'] as const
export type HousingType = (typeof housingTypes)[number]

export const savingsBands = ['none', 'under_5k', '5k_20k', '20k_50k', 'over_50k'] as const
export type SavingsBand = (typeof savingsBands)[number]

export const healthStatuses = ['healthy', 'chronic_illness', 'serious_illness'] as const
export type HealthStatus = (typeof healthStatuses)[number]

export const disabilityTypes = ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'] as const
export type DisabilityType = (typeof disabilityTypes)[number]

export const employmentStatuses = ['employed', 'underemployed', 'unemployed', 'farming', 'student', 'retired', 'unable'] as const
export type EmploymentStatus = (typeof employmentStatuses)[number]

/** How far a member will travel for work, as an administrative level (village … anywhere). */
export const workRadii = ['village', 'township', 'county', 'city', 'province', 'anywhere'] as const
export type WorkRadius = (typeof workRadii)[number]

export const hoursPreferences = ['full_time', 'part_time', 'flexible'] as const
export type HoursPreference = (typeof hoursPreferences)[number]

/** 1 urgent … 3 would help. */
export const needPriorities = [1, 2, 3] as const
export type NeedPriority = (typeof needPriorities)[number]

/** Review cadence per tier in months (seed 000 §5.1: A quarterly, B half-yearly, C yearly). */
export const reviewMonthsByTier: Record<RiskTier, number> = { A: 3, B: 6, C: 12 }
