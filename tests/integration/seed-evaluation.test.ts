import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applicationOutcomes, feedback, outcomeCodes } from '@db/schema'
import { seed } from '@db/seed'
import { evaluationBy, evaluationSummary } from '~/models/evaluation.server'
import { db } from '~/utils/db.server'

const counts = async () => ({
  outcomes: (await db.select({ n: sql<number>`count(*)::int` }).from(applicationOutcomes))[0]!.n,
  feedback: (await db.select({ n: sql<number>`count(*)::int` }).from(feedback))[0]!.n,
})

describe('evaluation seed', () => {
  it('records closed loops with every outcome code and feedback once, giving non-trivial figures', async () => {
    await seed(db, { households: 60, listings: 300, quiet: true })
    const first = await counts()
    const codes = await db.select({ outcome: applicationOutcomes.outcome, n: sql<number>`count(*)::int` }).from(applicationOutcomes).groupBy(applicationOutcomes.outcome)
    expect(codes.map((c) => c.outcome).sort()).toEqual([...outcomeCodes].sort())
    expect(first.feedback).toBeGreaterThanOrEqual(10)
    const summary = await evaluationSummary()
    expect(summary.count).toBe(first.feedback)
    expect(Number(summary.combined)).toBeGreaterThan(1)
    expect(Number(summary.combined)).toBeLessThan(5)
    expect((await evaluationBy('organization')).length).toBeGreaterThan(1)
    await seed(db, { households: 60, listings: 300, quiet: true })
    expect(await counts()).toEqual(first)
  })
})
