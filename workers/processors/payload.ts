import { UnrecoverableError, type Job } from 'bullmq'
import type { z } from 'zod'

/** A payload that does not validate will never validate: fail the job without retrying it. */
export function parsePayload<S extends z.ZodTypeAny>(schema: S, job: Job): z.infer<S> {
  const result = schema.safeParse(job.data)
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new UnrecoverableError(`invalid payload for ${job.queueName}/${job.name}: ${detail}`)
  }
  return result.data
}
