import type { Job } from 'bullmq'
import { scoreHousehold } from '~/models/matches.server'
import { ScoreHouseholdPayload } from '../../schemas/matching'
import { parsePayload } from '../payload'

export async function processScoreHousehold(job: Job) {
  const { householdId } = parsePayload(ScoreHouseholdPayload, job)
  return scoreHousehold(householdId)
}
