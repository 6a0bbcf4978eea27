import { z } from 'zod'

export const ProcessDeliveryPayload = z.object({ deliveryId: z.string().uuid() }).strict()
