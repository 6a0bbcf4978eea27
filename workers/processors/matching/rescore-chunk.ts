import type { Job } from 'bullmq'
import { rescoreChunk } from '~/models/matches.server'
import { RescoreChunkPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

// Idempotent: a chunk already done is skipped; matches are upserted only when they changed.
export async function processRescoreChunk(job: Job) {
  const { runId, chunk } = parsePayload(RescoreChunkPayload, job)
  return rescoreChunk(runId, chunk)
}
