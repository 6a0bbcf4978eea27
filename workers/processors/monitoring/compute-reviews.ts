import type { Job } from 'bullmq'
import { computeReviews } from '~/models/warnings.server'
import { ComputeReviewsPayload } from '../../schemas/monitoring'
import { parsePayload } from '../payload'

export async function processComputeReviews(job: Job) {
  parsePayload(ComputeReviewsPayload, job)
  return computeReviews()
}
