// Plain values (browser-safe).
export const listingKinds = ['job', 'training', 'donation', 'project'] as const
export type ListingKind = (typeof listingKinds)[number]

/** draft → published ⇄ paused → closed. Closed is final. */
export const listingStatuses = ['draft', 'published', 'paused', 'closed'] as const
export type ListingStatus = (typeof listingStatuses)[number]

export const wagePeriods = ['month', 'day', 'hour', 'piece'] as const
export type WagePeriod = (typeof wagePeriods)[number]

export const trainingDeliveries = ['on_site', 'remote', 'hybrid'] as const
export type TrainingDelivery = (typeof trainingDeliveries)[number]

export const donationTypes = ['money', 'in_kind'] as const
export type DonationType = (typeof donationTypes)[number]

export const itemConditions = ['new', 'like_new', 'used_good'] as const
export type ItemCondition = (typeof itemConditions)[number]

/** How a listing relates to a skill: a job requires it, a training teaches it or expects it beforehand. */
export const listingSkillRoles = ['required', 'taught', 'prerequisite'] as const
export type ListingSkillRole = (typeof listingSkillRoles)[number]

/** A flagged near-duplicate pair: open until the posting organization or an admin decides. */
export const duplicateFlagStatuses = ['open', 'distinct', 'coordinate'] as const
export type DuplicateFlagStatus = (typeof duplicateFlagStatuses)[number]
