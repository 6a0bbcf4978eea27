// Plain values (browser-safe). Catalog keys: evaluation:<group>.<code>.

/**
 * How a closed loop ended (闭环结果). Every application or invitation that reached a final
 * state carries one, so resolution rates can be computed and explained.
 */
export const outcomeCodes = ['completed', 'declined_by_resident', 'unreachable', 'offer_withdrawn', 'no_capacity'] as const
export type OutcomeCode = (typeof outcomeCodes)[number]

/** What the feedback is about: a completed application, items received, a project milestone delivered. */
export const feedbackSubjects = ['application', 'distribution', 'milestone'] as const
export type FeedbackSubject = (typeof feedbackSubjects)[number]

/** Seed 000's three dimensions of evaluation (评价): 满意度, 能力提升度, 社会融入度; each 1–5. */
export const feedbackDimensions = ['satisfaction', 'capability', 'integration'] as const
export type FeedbackDimension = (typeof feedbackDimensions)[number]
export const FEEDBACK_MIN = 1
export const FEEDBACK_MAX = 5
