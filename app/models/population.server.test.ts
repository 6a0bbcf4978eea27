import { describe, expect, it } from 'vitest'
import { householdTargetGroups, isRuralVillage } from './population.server'

const flags = { singleParent: false, leftBehindChild: false, leftBehindElderly: false }
const nobody = { disabled: false, woman: false, over45Unemployed: false }

describe('rural low-income target group', () => {
  it('reads rural or urban from the village-level code (NBS: 200–399 and 500–599 rural)', () => {
    expect(['522634101201', '522634101399', '522634101501'].map(isRuralVillage)).toEqual([true, true, true])
    expect(['522634101001', '522634101199', '522634101401', '522634101600', '522634', 'x22634101201'].map(isRuralVillage)).toEqual([false, false, false, false, false, false])
  })

  it('is a rural household at risk (tier A or B), never an urban one or a rural one at low risk', () => {
    const groups = (regionCode: string, riskTier: string) => householdTargetGroups({ ...flags, regionCode, riskTier }, nobody)
    expect(groups('522634101201', 'A')).toEqual(['rural_low_income'])
    expect(groups('522634101305', 'B')).toEqual(['rural_low_income'])
    expect(groups('522634101201', 'C')).toEqual([])
    expect(groups('522601001001', 'A')).toEqual([])
  })
})
