import { z } from 'zod'

export const RunImportPayload = z.object({ batchId: z.string().uuid() }).strict()
