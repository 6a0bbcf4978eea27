import { addJob } from './deferred'

export const FEEDS_QUEUE = 'feeds'

export const feedsJobs = {
  processDelivery: 'process-delivery',
} as const

/** A delivery was received: match and apply its pending records. One job per delivery. */
export async function enqueueProcessDelivery(deliveryId: string, tag?: string) {
  const jobId = `process-delivery-${deliveryId}${tag ? `-${tag}` : ''}`
  return addJob(FEEDS_QUEUE, feedsJobs.processDelivery, { deliveryId }, jobId)
}
