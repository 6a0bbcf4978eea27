// Risk tier (风险等级) of a household: a transparent, configurable rule set. Pure functions:
// the caller supplies the household's indicators and its region's minimum living standard.
import Decimal from 'decimal.js'
import { reviewMonthsByTier, type Reason, type RiskTier } from '@db/schema'

export type RiskInput = {
  memberCount: number
  incomePerCapitaMonthly: string
  medicalMonthly: string
  schoolingMonthly: string
  housingMonthly: string
  careMonthly: string
  debtYuan: string
  seriousIllness: boolean
  disasterAffected: boolean
  singleParent: boolean
  leftBehindChild: boolean
  leftBehindElderly: boolean
  recentJobLoss: boolean
  /** Disability grades of members (1 most severe … 4). */
  disabilityGrades: number[]
  /** Local minimum living standard (低保标准), monthly yuan per person. */
  minimumLivingStandard: string
}

/** Thresholds are data: a region or a later policy can pass its own. */
export type RiskConfig = {
  /** Seed 000 §5.1: per-capita income below this multiple of the local standard … */
  incomeMultiple: string
  /** … together with rigid expenditure above this share of household income. */
  rigidShare: string
  /** Debt above this many months of household income is a risk. */
  debtMonths: number
  /** Disability grades counted as severe. */
  severeDisabilityMaxGrade: number
  /** This many medium-risk reasons together make a household high-risk. */
  mediumReasonsForHigh: number
}

export const defaultRiskConfig: RiskConfig = {
  incomeMultiple: '1.5',
  rigidShare: '0.5',
  debtMonths: 12,
  severeDisabilityMaxGrade: 2,
  mediumReasonsForHigh: 3,
}

export type RiskAssessment = { tier: RiskTier; reasons: Reason[] }

function pct(d: Decimal) {
  return d.times(100).toDecimalPlaces(0).toNumber()
}

export function rigidExpenditure(input: Pick<RiskInput, 'medicalMonthly' | 'schoolingMonthly' | 'housingMonthly' | 'careMonthly'>) {
  return new Decimal(input.medicalMonthly).plus(input.schoolingMonthly).plus(input.housingMonthly).plus(input.careMonthly)
}

/** Applies the rule set: every rule that fires is a reason; the tier is the highest any rule gives. */
export function assessRisk(input: RiskInput, config: RiskConfig = defaultRiskConfig): RiskAssessment {
  const high: Reason[] = []
  const medium: Reason[] = []
  const members = Math.max(1, input.memberCount)
  const perCapita = new Decimal(input.incomePerCapitaMonthly)
  const standard = new Decimal(input.minimumLivingStandard)
  const householdIncome = perCapita.times(members)
  const rigid = rigidExpenditure(input)
  const line = standard.times(config.incomeMultiple)
  const lowIncome = perCapita.lessThan(line)
  // Rigid expenditure share of income; no income at all with any rigid cost counts as over any share.
  const rigidHigh = rigid.greaterThan(0) && (householdIncome.isZero() || rigid.dividedBy(householdIncome).greaterThan(config.rigidShare))
  const sharePercent = householdIncome.isZero() ? 100 : Math.min(999, pct(rigid.dividedBy(householdIncome)))

  if (perCapita.lessThan(standard)) {
    high.push({ code: 'below_minimum_standard', params: { income: perCapita.toFixed(2), standard: standard.toFixed(2) } })
  } else if (lowIncome && rigidHigh) {
    high.push({
      code: 'low_income_high_expenditure',
      params: { income: perCapita.toFixed(2), line: line.toFixed(2), multiple: config.incomeMultiple, share: sharePercent },
    })
  } else if (lowIncome) {
    medium.push({ code: 'low_income', params: { income: perCapita.toFixed(2), line: line.toFixed(2), multiple: config.incomeMultiple } })
  } else if (rigidHigh) {
    medium.push({ code: 'high_rigid_expenditure', params: { share: sharePercent } })
  }
  if (input.seriousIllness) high.push({ code: 'serious_illness' })
  if (input.disasterAffected) high.push({ code: 'disaster_affected' })
  const severe = input.disabilityGrades.filter((g) => g <= config.severeDisabilityMaxGrade)
  if (severe.length) high.push({ code: 'severe_disability', params: { grade: Math.min(...severe) } })
  else if (input.disabilityGrades.length) medium.push({ code: 'disability', params: { grade: Math.min(...input.disabilityGrades) } })
  if (input.singleParent) medium.push({ code: 'single_parent' })
  if (input.leftBehindChild) medium.push({ code: 'left_behind_child' })
  if (input.leftBehindElderly) medium.push({ code: 'left_behind_elderly' })
  if (input.recentJobLoss) medium.push({ code: 'recent_job_loss' })
  const debt = new Decimal(input.debtYuan)
  if (debt.greaterThan(0) && debt.greaterThan(householdIncome.times(config.debtMonths))) {
    medium.push({ code: 'heavy_debt', params: { debt: debt.toFixed(0), months: config.debtMonths } })
  }
  if (high.length === 0 && medium.length >= config.mediumReasonsForHigh) {
    high.push({ code: 'multiple_risks', params: { count: medium.length } })
  }
  const tier: RiskTier = high.length ? 'A' : medium.length ? 'B' : 'C'
  return { tier, reasons: [...high, ...medium] }
}

/** Next review (复核) date: A quarterly, B half-yearly, C yearly from the given day (YYYY-MM-DD). */
export function nextReviewDate(tier: RiskTier, from: Date): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()))
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + reviewMonthsByTier[tier])
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, lastDay))
  return d.toISOString().slice(0, 10)
}

/** The standard that applies to a region: the row with the longest code prefix of it. */
export function standardFor(regionCode: string, standards: Array<{ regionCode: string; monthlyYuan: string }>): string | undefined {
  let best: { regionCode: string; monthlyYuan: string } | undefined
  for (const s of standards) {
    if (regionCode.startsWith(s.regionCode) && (!best || s.regionCode.length > best.regionCode.length)) best = s
  }
  return best?.monthlyYuan
}
