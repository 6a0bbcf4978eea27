import { z } from 'zod'
import { controlCharsMessage, m, withoutControlChars } from '../messages'

export const alertAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('acknowledge'), alertId: z.string().trim().uuid() }),
  z.object({
    intent: z.literal('resolve'),
    alertId: z.string().trim().uuid(),
    note: z
      .string({ required_error: m('monitoring:errors.note_required') })
      .trim()
      .min(1, m('monitoring:errors.note_required'))
      .max(2000, m('validation.too_long', { max: 2000 }))
      .refine(withoutControlChars, controlCharsMessage),
  }),
])

export const reviewAction = z.object({ reviewId: z.string().trim().uuid() })
