import { z } from 'zod'

export const EvaluateHouseholdPayload = z.object({ householdId: z.string().uuid(), version: z.number().int().positive() }).strict()
export const EvaluateAllPayload = z
  .object({
    runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    after: z.string().uuid().optional(),
    batchSize: z.number().int().positive().max(1000).optional(),
  })
  .strict()
export const ComputeReviewsPayload = z.object({}).strict()
/** `at`: the end of the evaluation window; the schedule sends none (the job's own time is used). */
export const EvaluateResolutionRatesPayload = z.object({ at: z.string().datetime({ offset: true }).optional() }).strict()
