import { z } from 'zod'

export const SyncListingPayload = z.object({ listingId: z.string().uuid(), version: z.number().int().positive() }).strict()
export type SyncListingPayload = z.infer<typeof SyncListingPayload>

export const DetectDuplicatesPayload = z.object({ listingId: z.string().uuid(), version: z.number().int().positive() }).strict()
export type DetectDuplicatesPayload = z.infer<typeof DetectDuplicatesPayload>

export const WithdrawEndedListingsPayload = z.object({}).strict()
export type WithdrawEndedListingsPayload = z.infer<typeof WithdrawEndedListingsPayload>
