import { z } from 'zod'

export const ScoreListingPayload = z.object({ listingId: z.string().uuid(), version: z.number().int().positive() }).strict()
export const ScoreHouseholdPayload = z.object({ householdId: z.string().uuid(), version: z.number().int().positive() }).strict()
export const RemoveListingMatchesPayload = z.object({ listingId: z.string().uuid() }).strict()
export const RescoreAllPayload = z.object({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), batchSize: z.number().int().positive().max(1000).optional() }).strict()
export const RescoreChunkPayload = z.object({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), chunk: z.number().int().min(0) }).strict()
