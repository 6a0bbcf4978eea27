// Each early-warning rule on its own, with the national default thresholds.
import { describe, expect, it } from 'vitest'
import { dueDate, evaluateRules, thresholdsFor, windowStates, type FileView, type Thresholds, type VersionView } from '~/models/warnings.server'

const t: Thresholds = { medicalShare: '0.5', medicalGrowthFactor: '2', incomeDropShare: '0.3', debtYuan: '50000', lookbackMonths: 3, highDueDays: 3, mediumDueDays: 7, lowDueDays: 14 }
const now = new Date('2026-06-15T00:00:00Z')
const member = { fullName: '王光明', birthDate: '1988-03-15', employmentStatus: 'employed' }
const base: FileView = { incomePerCapitaMonthly: '1000', medicalMonthly: '100', debtYuan: '0', disasterAffected: false, recentJobLoss: false, members: [member, { ...member, fullName: '李秀英', birthDate: '1990-01-01' }] }
const v = (version: number, daysAgo: number, over: Partial<FileView> = {}): VersionView => ({ ...base, ...over, version, changedAt: new Date(now.getTime() - daysAgo * 86_400_000) })
const rules = (current: FileView, history: VersionView[] = []) => evaluateRules({ ...current, version: 99 }, history, t, now).map((w) => w.rule)

describe('early-warning rules', () => {
  it('raises nothing for a stable household', () => {
    expect(rules(base, [v(1, 200), v(2, 30)])).toEqual([])
  })

  it('medical_share: medical costs over half of household income (and any medical cost with no income)', () => {
    expect(rules({ ...base, medicalMonthly: '1000' })).toEqual([]) // exactly 50% of 2000
    const [w] = evaluateRules({ ...base, medicalMonthly: '1000.01', version: 2 }, [], t, now)
    expect(w).toMatchObject({ rule: 'medical_share', severity: 'high', params: { share: 50, limit: 50 } })
    expect(rules({ ...base, incomePerCapitaMonthly: '0', medicalMonthly: '10' })).toContain('medical_share')
  })

  it('medical_doubled: doubled against any level within three months, not against older ones', () => {
    expect(rules({ ...base, medicalMonthly: '200' }, [v(1, 60, { medicalMonthly: '100' })])).toEqual(['medical_doubled'])
    expect(rules({ ...base, medicalMonthly: '199' }, [v(1, 60, { medicalMonthly: '100' })])).toEqual([])
    // The version in effect when the window opened counts; one replaced before that does not.
    expect(rules({ ...base, medicalMonthly: '200' }, [v(1, 300, { medicalMonthly: '50' }), v(2, 120, { medicalMonthly: '100' })])).toEqual(['medical_doubled'])
    expect(rules({ ...base, medicalMonthly: '200' }, [v(1, 300, { medicalMonthly: '50' }), v(2, 120, { medicalMonthly: '150' })])).toEqual([])
  })

  it('income_drop: household income more than 30% below its level within three months', () => {
    const [w] = evaluateRules({ ...base, incomePerCapitaMonthly: '690', version: 3 }, [v(1, 80), v(3, 0)], t, now)
    expect(w).toMatchObject({ rule: 'income_drop', severity: 'high', params: { from: '2000.00', to: '1380.00', drop: 31 } })
    expect(rules({ ...base, incomePerCapitaMonthly: '700' }, [v(1, 80)])).toEqual([]) // exactly 30%
    expect(rules({ ...base, incomePerCapitaMonthly: '500' }, [v(1, 200), v(2, 100, { incomePerCapitaMonthly: '500' })])).toEqual([])
    // Household income, not per capita: a member leaving with the same per-capita figure is a drop.
    expect(rules({ ...base, members: [member] }, [v(1, 10)])).toEqual(['income_drop'])
  })

  it('job_loss: a member working in the window is now unemployed, or the job-loss flag is set', () => {
    const out = evaluateRules({ ...base, members: [{ ...member, employmentStatus: 'unemployed' }, base.members[1]!], version: 2 }, [v(1, 20)], t, now)
    expect(out.map((w) => w.rule)).toEqual(['job_loss'])
    expect(out[0]!.params).toMatchObject({ count: 1, members: '王光明' })
    // Unemployed throughout the window: nothing new to warn about.
    const jobless = [{ ...member, employmentStatus: 'unemployed' }, base.members[1]!]
    expect(rules({ ...base, members: jobless }, [v(1, 200, { members: jobless })])).toEqual([])
    expect(rules({ ...base, recentJobLoss: true })).toEqual(['job_loss'])
  })

  it('disaster: the disaster flag', () => {
    expect(evaluateRules({ ...base, disasterAffected: true, version: 1 }, [], t, now)).toEqual([{ rule: 'disaster', severity: 'high', params: {}, dedupeKey: 'disaster' }])
  })

  it('debt: above the threshold in yuan', () => {
    expect(rules({ ...base, debtYuan: '50000' })).toEqual([])
    expect(rules({ ...base, debtYuan: '50000.01' })).toEqual(['debt'])
  })

  it('the window holds the version in effect at its start plus later ones, never the current', () => {
    const states = windowStates([v(1, 300), v(2, 120), v(3, 60), v(4, 0)], 4, now, 3)
    expect(states.map((s) => s.version)).toEqual([2, 3])
  })

  it('due dates follow severity; the longest region prefix wins over the national default', () => {
    expect(dueDate('high', t, now)).toBe('2026-06-18')
    expect(dueDate('medium', t, now)).toBe('2026-06-22')
    expect(dueDate('low', t, now)).toBe('2026-06-29')
    const rows = [{ regionCode: null, n: 0 }, { regionCode: '52', n: 1 }, { regionCode: '522634', n: 2 }, { regionCode: '53', n: 3 }]
    expect(thresholdsFor('522634101001', rows)?.n).toBe(2)
    expect(thresholdsFor('522601101001', rows)?.n).toBe(1)
    expect(thresholdsFor('110101001001', rows)?.n).toBe(0)
  })
})
