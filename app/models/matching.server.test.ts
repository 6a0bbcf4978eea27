// Labelled scenarios: orderings and blockers a caseworker would agree with, not exact numbers.
import i18next from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import { resources } from '~/i18n'
import { describeReason } from '~/utils/reasons'
import { scorePair, type MatchListing, type ScoringContext, type Subject, type SubjectMember } from './matching.server'

const ctx: ScoringContext = {
  skillDomains: new Map([
    ['welding', 'manufacturing'],
    ['electronics_assembly', 'manufacturing'],
    ['sewing', 'manufacturing'],
    ['miao_embroidery', 'handicraft'],
    ['elderly_care', 'care'],
  ]),
}

const leishanVillage = '522634101001' // 黔东南州雷山县 丹江镇 …
function member(over: Partial<SubjectMember> = {}): SubjectMember {
  return {
    id: 'm1',
    age: 38,
    gender: 'male',
    education: 'junior_high',
    disabilityGrade: null,
    usesWheelchair: false,
    workRadius: 'anywhere',
    remoteOnly: false,
    needsChildcareHours: false,
    available: true,
    skills: [{ code: 'welding', level: 'intermediate' }],
    ...over,
  }
}
function household(over: Partial<Subject> = {}): Subject {
  return {
    id: 'h1',
    version: 1,
    regionCode: leishanVillage,
    riskTier: 'B',
    needs: [{ category: 'employment', priority: 1 }],
    targetGroups: [],
    activeAssistance: 0,
    members: [member()],
    ...over,
  }
}
function job(over: Partial<MatchListing> = {}): MatchListing {
  return {
    id: 'l1',
    version: 1,
    kind: 'job',
    regionCode: '522634',
    categories: ['employment'],
    targetGroups: [],
    capacity: 5,
    taken: 0,
    ageMin: 18,
    ageMax: 55,
    minEducation: null,
    eligibleGender: null,
    accommodations: [],
    remote: false,
    skills: [{ code: 'welding', role: 'required', level: 'intermediate' }],
    ...over,
  }
}

describe('scenario: a mid-level welder in 黔东南', () => {
  const welder = household()
  const sameCounty = scorePair(welder, job({ regionCode: '522634101' }), ctx)
  const otherProvince = scorePair(welder, job({ regionCode: '410225' }), ctx)
  const degree = scorePair(welder, job({ regionCode: '522634101', minEducation: 'bachelor' }), ctx)

  it('ranks a same-county welding job above an other-province welding job above a degree-required job', () => {
    expect(sameCounty.blockers).toEqual([])
    expect(otherProvince.blockers).toEqual([])
    expect(sameCounty.score).toBeGreaterThan(otherProvince.score)
    expect(otherProvince.score).toBeGreaterThan(degree.score)
    expect(degree.blockers).toContainEqual({ code: 'education', params: { required: 'bachelor' } })
  })

  it('explains the match with the skill and the proximity', () => {
    expect(sameCounty.reasons).toContainEqual({ code: 'skill_match', params: { skill: 'welding', level: 'intermediate' } })
    expect(sameCounty.reasons.map((r) => r.code)).toContain('same_township')
    expect(scorePair(welder, job({ regionCode: '522634' }), ctx).reasons.map((r) => r.code)).toContain('same_county')
    expect(scorePair(welder, job({ regionCode: '5226' }), ctx).reasons.map((r) => r.code)).toContain('in_service_area')
    expect(scorePair(welder, job({ regionCode: '522601001' }), ctx).reasons.map((r) => r.code)).toContain('same_city')
  })

  it('prefers a welding job over an unrelated one in the same place, and a related skill over none', () => {
    const welding = scorePair(welder, job(), ctx).score
    const assembly = scorePair(welder, job({ skills: [{ code: 'electronics_assembly', role: 'required', level: 'beginner' }] }), ctx).score
    const care = scorePair(welder, job({ skills: [{ code: 'elderly_care', role: 'required', level: 'beginner' }] }), ctx).score
    expect(welding).toBeGreaterThan(assembly)
    expect(assembly).toBeGreaterThan(care)
  })

  it('respects the member radius: a county-bound welder is blocked from a job in another county', () => {
    const bound = household({ members: [member({ workRadius: 'county' })] })
    expect(scorePair(bound, job({ regionCode: '522601' }), ctx).blockers.map((b) => b.code)).toContain('outside_radius')
    expect(scorePair(bound, job({ regionCode: '522601', remote: true }), ctx).blockers).toEqual([])
  })
})

describe('scenario: accessibility and eligibility blockers', () => {
  it('never offers a wheelchair user a job without an accessible workplace', () => {
    const wheelchair = household({ targetGroups: ['disabled_persons'], members: [member({ usesWheelchair: true, disabilityGrade: 2 })] })
    const plain = scorePair(wheelchair, job(), ctx)
    expect(plain.blockers).toContainEqual({ code: 'not_accessible' })
    expect(plain.score).toBe(0)
    const accessible = scorePair(wheelchair, job({ accommodations: ['accessible_workplace'], targetGroups: ['disabled_persons'] }), ctx)
    expect(accessible.blockers).toEqual([])
    expect(accessible.reasons).toContainEqual({ code: 'target_group', params: { group: 'disabled_persons', kind: 'job' } })
  })

  it('blocks by age, gender-specific programme and a full capacity', () => {
    const h = household()
    expect(scorePair(h, job({ ageMax: 35 }), ctx).blockers).toContainEqual({ code: 'age_above', params: { max: 35 } })
    expect(scorePair(h, job({ eligibleGender: 'female' }), ctx).blockers).toContainEqual({ code: 'gender_programme', params: { gender: 'female' } })
    expect(scorePair(h, job({ capacity: 2, taken: 2 }), ctx).blockers).toContainEqual({ code: 'capacity_full' })
  })

  it('picks the eligible member of a household for a women-only training', () => {
    const h = household({ members: [member(), member({ id: 'm2', gender: 'female', skills: [] })] })
    const training = job({ kind: 'training', eligibleGender: 'female', categories: ['skills_training', 'employment'], skills: [{ code: 'miao_embroidery', role: 'taught', level: 'beginner' }] })
    const r = scorePair(h, training, ctx)
    expect(r.blockers).toEqual([])
    expect(r.memberId).toBe('m2')
    expect(r.reasons).toContainEqual({ code: 'skill_to_learn', params: { skill: 'miao_embroidery', level: 'beginner' } })
  })

  it('keeps a donation to its delivery area', () => {
    const donation = job({ kind: 'donation', regionCode: '6211', categories: ['material_aid'], skills: [], ageMin: null, ageMax: null })
    expect(scorePair(household(), donation, ctx).blockers).toContainEqual({ code: 'outside_service_area' })
    expect(scorePair(household({ needs: [{ category: 'material_aid', priority: 1 }] }), { ...donation, regionCode: '5226' }, ctx).blockers).toEqual([])
  })
})

describe('scenario: priority and fairness', () => {
  it('ranks a tier-A household above an equally suitable tier-C one', () => {
    expect(scorePair(household({ riskTier: 'A' }), job(), ctx).score).toBeGreaterThan(scorePair(household({ riskTier: 'C' }), job(), ctx).score)
  })

  it('ranks a household already receiving much assistance below an equally suitable one receiving none', () => {
    const none = scorePair(household(), job(), ctx)
    const lots = scorePair(household({ activeAssistance: 4 }), job(), ctx)
    expect(none.score).toBeGreaterThan(lots.score)
    expect(none.reasons.map((r) => r.code)).toContain('no_active_assistance')
  })

  it('ranks an urgent need above a "would help" need', () => {
    expect(scorePair(household(), job(), ctx).score).toBeGreaterThan(
      scorePair(household({ needs: [{ category: 'employment', priority: 3 }] }), job(), ctx).score,
    )
  })
})

describe('reasons render in both locales', () => {
  beforeAll(async () => {
    await i18next.init({ resources: resources as never, lng: 'zh-CN', fallbackLng: 'zh-CN', interpolation: { escapeValue: false } })
  })
  const names: Record<string, Record<string, string>> = { 'zh-CN': { welding: '焊工' }, en: { welding: 'Welding' } }
  it.each([
    ['zh-CN', '技能匹配：焊工（中级）', '同一县内', '适合残疾人就业的岗位', '学历要求：本科及以上'],
    ['en', 'Skill match: Welding (intermediate)', 'In the same county', 'A job suited to disabled persons', "Requires bachelor's degree or above"],
  ])('%s', (lng, skill, county, disabled, education) => {
    const t = i18next.getFixedT(lng)
    const name = (c: string) => names[lng]![c] ?? c
    expect(describeReason(t, { code: 'skill_match', params: { skill: 'welding', level: 'intermediate' } }, 'reasons', name)).toBe(skill)
    expect(describeReason(t, { code: 'same_county' }, 'reasons', name)).toBe(county)
    expect(describeReason(t, { code: 'target_group', params: { group: 'disabled_persons', kind: 'job' } }, 'reasons', name)).toBe(disabled)
    expect(describeReason(t, { code: 'education', params: { required: 'bachelor' } }, 'blockers', name)).toBe(education)
  })
})
