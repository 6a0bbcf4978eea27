import { z } from 'zod'

export const ExpireStagedImportsPayload = z.object({}).strict()

export const RunImportPayload = z.object({ batchId: z.string().uuid() }).strict()
