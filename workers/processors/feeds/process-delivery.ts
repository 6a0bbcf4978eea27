import type { Job } from 'bullmq'
import { processDelivery } from '~/models/feeds/process.server'
import { ProcessDeliveryPayload } from '../../schemas/feeds'
import { parsePayload } from '../payload'

export async function processProcessDelivery(job: Job) {
  const { deliveryId } = parsePayload(ProcessDeliveryPayload, job)
  return processDelivery(deliveryId, (pct) => job.updateProgress(pct))
}
