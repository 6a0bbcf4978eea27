import { z } from 'zod'

/** runKey names the run: alerts raised by one run are unique per kind (a retry raises nothing twice). */
export const ReconcileLedgerPayload = z.object({ runKey: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() }).strict()
export type ReconcileLedgerPayload = z.infer<typeof ReconcileLedgerPayload>

export const VoidExpiredHoldsPayload = z.object({}).strict()
export type VoidExpiredHoldsPayload = z.infer<typeof VoidExpiredHoldsPayload>
