// The typed-array scorer must agree with the reference `scorePair` on every pair: same score,
// same eligibility, same winning member; and a decoded household scores (reasons, blockers and
// all) exactly like the original, which is how reasons are materialised for the stored top N.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { educationLevels, skillLevels, workRadii } from '@db/schema'
import {
  decodeSubject,
  encodeListing,
  encodeSubjects,
  EncodingDictionary,
  isCandidate,
  lastMember,
  provinceOf,
  scoreEncoded,
  topN,
} from '~/models/matching-encoded.server'
import { isEligible, scorePair, type MatchListing, type ScoringContext, type Subject, type SubjectMember } from '~/models/matching.server'

const ctx: ScoringContext = {
  skillDomains: new Map([
    ['welding', 'manufacturing'],
    ['electronics_assembly', 'manufacturing'],
    ['sewing', 'manufacturing'],
    ['miao_embroidery', 'handicraft'],
    ['batik', 'handicraft'],
    ['elderly_care', 'care'],
    // 'driving' and 'cooking' have no domain in this taxonomy on purpose.
  ]),
}
const skillCodes = ['welding', 'electronics_assembly', 'sewing', 'miao_embroidery', 'batik', 'elderly_care', 'driving', 'cooking']
const categories = ['employment', 'skills_training', 'medical_aid', 'housing', 'material_aid', 'childcare']
const groups = ['disabled_persons', 'single_mothers', 'left_behind_children', 'unemployed_over_45', 'rural_low_income']
const accommodations = ['accessible_workplace', 'childcare_compatible_hours', 'remote_possible', 'dormitory']

// Region codes built from few digits per level, so pairs share 0–5 levels often.
const digits = (n: number, choices: string[]) => fc.constantFrom(...choices.map((c) => c.repeat(n).slice(0, n)))
const fullRegion = fc
  .tuple(fc.constantFrom('52', '62', '41'), digits(2, ['26', '11']), digits(2, ['34', '01']), digits(3, ['101', '102']), digits(3, ['001', '002']))
  .map((p) => p.join(''))
const listingRegion = fc.oneof(
  fc.tuple(fullRegion, fc.constantFrom(2, 4, 6, 9, 12)).map(([r, n]) => r.slice(0, n)),
  // Odd lengths and the empty code exercise the string fall-back.
  fc.tuple(fullRegion, fc.constantFrom(0, 3, 5, 10)).map(([r, n]) => r.slice(0, n)),
)
const householdRegion = fc.oneof({ weight: 9, arbitrary: fullRegion }, { weight: 1, arbitrary: fc.tuple(fullRegion, fc.constantFrom(2, 6, 9)).map(([r, n]) => r.slice(0, n)) })

// Blockers are drawn rarely enough that most pairs stay eligible and their scores get compared.
const rarely = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })

const memberArb: fc.Arbitrary<SubjectMember> = fc.record({
  id: fc.uuid(),
  age: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 18, max: 55 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 90 }) }),
  gender: fc.constantFrom('female' as const, 'male' as const),
  education: fc.constantFrom(...educationLevels),
  disabilityGrade: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  usesWheelchair: rarely,
  workRadius: fc.oneof(fc.constantFrom(...workRadii), fc.constant('anywhere' as const)),
  remoteOnly: rarely,
  needsChildcareHours: fc.boolean(),
  available: rarely.map((b) => !b),
  skills: fc.array(fc.record({ code: fc.constantFrom(...skillCodes), level: fc.constantFrom(...skillLevels) }), { maxLength: 4 }),
})

const subjectArb: fc.Arbitrary<Subject> = fc.record({
  id: fc.uuid(),
  version: fc.integer({ min: 1, max: 50 }),
  regionCode: householdRegion,
  riskTier: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
  needs: fc.array(fc.record({ category: fc.constantFrom(...categories), priority: fc.integer({ min: 0, max: 4 }) }), { maxLength: 4 }),
  targetGroups: fc.uniqueArray(fc.constantFrom(...groups), { maxLength: 3 }),
  activeAssistance: fc.integer({ min: 0, max: 6 }),
  members: fc.array(memberArb, { maxLength: 5 }),
})

const listingArb: fc.Arbitrary<MatchListing> = fc.record({
    id: fc.uuid(),
    version: fc.integer({ min: 1, max: 9 }),
    kind: fc.constantFrom('job' as const, 'training' as const, 'donation' as const, 'project' as const),
    regionCode: listingRegion,
    categories: fc.uniqueArray(fc.constantFrom(...categories), { minLength: 1, maxLength: 3 }),
    targetGroups: fc.uniqueArray(fc.constantFrom(...groups), { maxLength: 2 }),
    capacity: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
    taken: fc.integer({ min: 0, max: 10 }),
    ageMin: fc.option(fc.integer({ min: 14, max: 40 }), { nil: null }),
    ageMax: fc.option(fc.integer({ min: 35, max: 70 }), { nil: null }),
    minEducation: sometimes(fc.constantFrom(...educationLevels)),
    eligibleGender: sometimes(fc.constantFrom('female' as const, 'male' as const)),
    accommodations: fc.uniqueArray(fc.constantFrom(...accommodations), { maxLength: 3 }),
    remote: rarely,
    skills: fc.array(
      fc.record({
        code: fc.constantFrom(...skillCodes),
        role: fc.constantFrom('required' as const, 'required' as const, 'taught' as const, 'taught' as const, 'prerequisite' as const),
        level: fc.constantFrom(...skillLevels),
      }),
      { maxLength: 4 },
    ),
  })

function expectSameAsReference(subjects: Subject[], listing: MatchListing) {
  const dict = new EncodingDictionary(ctx)
  const pop = encodeSubjects(subjects, dict)
  const el = encodeListing(listing, dict)
  subjects.forEach((s, i) => {
    const ref = scorePair(s, listing, ctx)
    const encoded = scoreEncoded(pop, i, el)
    expect(encoded >= 0, 'eligibility').toBe(isEligible(ref))
    if (isEligible(ref)) {
      expect(encoded, 'score').toBe(ref.score)
      expect(lastMember === -1 ? null : pop.memberIds[lastMember], 'winning member').toBe(ref.memberId)
    }
    // Decoding is lossless for scoring: reasons, blockers, member all identical.
    expect(scorePair(decodeSubject(pop, i), listing, ctx)).toEqual(ref)
  })
}

describe('typed-array scorer', () => {
  it('agrees with scorePair on random households and listings (score, eligibility, member, reasons)', () => {
    fc.assert(
      fc.property(fc.array(subjectArb, { minLength: 1, maxLength: 8 }), listingArb, (subjects, listing) => expectSameAsReference(subjects, listing)),
      { numRuns: 3000 },
    )
  })

  it('agrees with scorePair on the labelled scenarios of matching.server.test.ts', () => {
    const member = (over: Partial<SubjectMember> = {}): SubjectMember => ({
      id: 'm1', age: 38, gender: 'male', education: 'junior_high', disabilityGrade: null, usesWheelchair: false, workRadius: 'anywhere',
      remoteOnly: false, needsChildcareHours: false, available: true, skills: [{ code: 'welding', level: 'intermediate' }], ...over,
    })
    const household = (over: Partial<Subject> = {}): Subject => ({
      id: 'h1', version: 1, regionCode: '522634101001', riskTier: 'B', needs: [{ category: 'employment', priority: 1 }], targetGroups: [],
      activeAssistance: 0, members: [member()], ...over,
    })
    const job = (over: Partial<MatchListing> = {}): MatchListing => ({
      id: 'l1', version: 1, kind: 'job', regionCode: '522634', categories: ['employment'], targetGroups: [], capacity: 5, taken: 0,
      ageMin: 18, ageMax: 55, minEducation: null, eligibleGender: null, accommodations: [], remote: false,
      skills: [{ code: 'welding', role: 'required', level: 'intermediate' }], ...over,
    })
    const households = [
      household(),
      household({ members: [member({ workRadius: 'county' })] }),
      household({ targetGroups: ['disabled_persons'], members: [member({ usesWheelchair: true, disabilityGrade: 2 })] }),
      household({ members: [member(), member({ id: 'm2', gender: 'female', skills: [] })] }),
      household({ needs: [{ category: 'material_aid', priority: 1 }] }),
      household({ riskTier: 'A' }),
      household({ riskTier: 'C' }),
      household({ activeAssistance: 4 }),
      household({ needs: [{ category: 'employment', priority: 3 }] }),
    ]
    const donation = job({ kind: 'donation', regionCode: '6211', categories: ['material_aid'], skills: [], ageMin: null, ageMax: null })
    const listings = [
      job({ regionCode: '522634101' }),
      job({ regionCode: '410225' }),
      job({ regionCode: '522634101', minEducation: 'bachelor' }),
      job({ regionCode: '5226' }),
      job({ regionCode: '522601001' }),
      job(),
      job({ skills: [{ code: 'electronics_assembly', role: 'required', level: 'beginner' }] }),
      job({ skills: [{ code: 'elderly_care', role: 'required', level: 'beginner' }] }),
      job({ regionCode: '522601' }),
      job({ regionCode: '522601', remote: true }),
      job({ accommodations: ['accessible_workplace'], targetGroups: ['disabled_persons'] }),
      job({ ageMax: 35 }),
      job({ eligibleGender: 'female' }),
      job({ capacity: 2, taken: 2 }),
      job({ kind: 'training', eligibleGender: 'female', categories: ['skills_training', 'employment'], skills: [{ code: 'miao_embroidery', role: 'taught', level: 'beginner' }] }),
      donation,
      { ...donation, regionCode: '5226' },
    ]
    let eligible = 0
    for (const l of listings) {
      expectSameAsReference(households, l)
      eligible += households.filter((h) => isEligible(scorePair(h, l, ctx))).length
    }
    // The scenarios cover both sides of the blockers.
    expect(eligible).toBeGreaterThan(20)
    expect(eligible).toBeLessThan(households.length * listings.length)
  })

  it('finds the same candidates as the SQL rule and ranks the top N like the object path', () => {
    fc.assert(
      fc.property(fc.array(subjectArb, { minLength: 1, maxLength: 30 }), listingArb, (subjects, listing) => {
        const dict = new EncodingDictionary(ctx)
        const pop = encodeSubjects(subjects, dict)
        const el = encodeListing(listing, dict)
        const province = listing.regionCode.slice(0, 2)
        subjects.forEach((s, i) => {
          const sqlRule =
            s.needs.some((n) => listing.categories.includes(n.category)) &&
            (listing.remote || s.regionCode.startsWith(province) || (listing.kind === 'job' && s.members.some((m) => m.workRadius === 'anywhere')))
          if (province.length === 2) expect(isCandidate(pop, i, el, provinceOf(el))).toBe(sqlRule)
        })
        const scores = new Int32Array(subjects.length)
        const idx = new Int32Array(subjects.length)
        let n = 0
        subjects.forEach((_, i) => {
          const sc = scoreEncoded(pop, i, el)
          if (sc >= 0) {
            scores[n] = sc
            idx[n++] = i
          }
        })
        const top = topN(pop, scores, idx, n, 5).map((i) => subjects[i]!.id)
        const reference = subjects
          .map((s) => ({ id: s.id, r: scorePair(s, listing, ctx) }))
          .filter((x) => isEligible(x.r))
          .sort((a, b) => b.r.score - a.r.score || (a.id < b.id ? -1 : 1))
          .slice(0, 5)
          .map((x) => x.id)
        expect(top).toEqual(reference)
      }),
      { numRuns: 500 },
    )
  })
})
