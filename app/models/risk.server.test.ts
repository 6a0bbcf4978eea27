import { describe, expect, it } from 'vitest'
import { assessRisk, nextReviewDate, standardFor, type RiskInput } from './risk.server'

const base: RiskInput = {
  memberCount: 4,
  incomePerCapitaMonthly: '2000',
  medicalMonthly: '0',
  schoolingMonthly: '0',
  housingMonthly: '0',
  careMonthly: '0',
  debtYuan: '0',
  seriousIllness: false,
  disasterAffected: false,
  singleParent: false,
  leftBehindChild: false,
  leftBehindElderly: false,
  recentJobLoss: false,
  disabilityGrades: [],
  minimumLivingStandard: '800',
}

describe('risk tier', () => {
  it('is C with no reasons for a household above the line and without special circumstances', () => {
    expect(assessRisk(base)).toEqual({ tier: 'C', reasons: [] })
  })

  it("is A under seed 000's rule: income below 1.5 × standard and rigid expenditure over half of income", () => {
    // 4 × 1000 = 4000 household income; rigid 2100 = 52.5 %
    const r = assessRisk({ ...base, incomePerCapitaMonthly: '1000', medicalMonthly: '1500', schoolingMonthly: '600' })
    expect(r.tier).toBe('A')
    expect(r.reasons[0]).toMatchObject({ code: 'low_income_high_expenditure', params: { line: '1200.00', share: 53 } })
  })

  it('is only B when income is low but rigid expenditure is exactly half (not over)', () => {
    const r = assessRisk({ ...base, incomePerCapitaMonthly: '1000', medicalMonthly: '2000' })
    expect(r.tier).toBe('B')
    expect(r.reasons.map((x) => x.code)).toEqual(['low_income'])
  })

  it('is A for serious illness, disaster, severe disability (grade 1–2), below the standard', () => {
    expect(assessRisk({ ...base, seriousIllness: true }).tier).toBe('A')
    expect(assessRisk({ ...base, disasterAffected: true }).tier).toBe('A')
    expect(assessRisk({ ...base, disabilityGrades: [2] }).reasons).toEqual([{ code: 'severe_disability', params: { grade: 2 } }])
    expect(assessRisk({ ...base, disabilityGrades: [3] }).tier).toBe('B')
    expect(assessRisk({ ...base, incomePerCapitaMonthly: '700' }).reasons[0]!.code).toBe('below_minimum_standard')
  })

  it('uses the configured thresholds, not constants', () => {
    const input = { ...base, incomePerCapitaMonthly: '1100' }
    expect(assessRisk(input).tier).toBe('B')
    expect(assessRisk(input, { incomeMultiple: '1.2', rigidShare: '0.5', debtMonths: 12, severeDisabilityMaxGrade: 2, mediumReasonsForHigh: 3 }).tier).toBe('C')
  })

  it('escalates three medium reasons to A', () => {
    const r = assessRisk({ ...base, singleParent: true, leftBehindElderly: true, recentJobLoss: true })
    expect(r.tier).toBe('A')
    expect(r.reasons[0]).toEqual({ code: 'multiple_risks', params: { count: 3 } })
  })
})

describe('review cadence', () => {
  it('is quarterly for A, half-yearly for B, yearly for C, clamped to month ends', () => {
    const from = new Date('2026-11-30T10:00:00Z')
    expect(nextReviewDate('A', from)).toBe('2027-02-28')
    expect(nextReviewDate('B', from)).toBe('2027-05-30')
    expect(nextReviewDate('C', from)).toBe('2027-11-30')
  })
})

describe('local standard lookup', () => {
  it('takes the longest matching region prefix', () => {
    const rows = [
      { regionCode: '5226', monthlyYuan: '760' },
      { regionCode: '522601', monthlyYuan: '860' },
      { regionCode: '6211', monthlyYuan: '690' },
    ]
    expect(standardFor('522601001001', rows)).toBe('860')
    expect(standardFor('522634101001', rows)).toBe('760')
    expect(standardFor('410225001001', rows)).toBeUndefined()
  })
})
