import { z } from 'zod'

export const PurgeExpiredSessionsPayload = z.object({}).strict()
export type PurgeExpiredSessionsPayload = z.infer<typeof PurgeExpiredSessionsPayload>
