// Pure, data-oriented scoring of (household, listing) pairs (ADR 020). No I/O here:
// candidate generation and storage live in app/models/matches.server.ts. Inputs are flat
// records of small integers and short strings, so a typed-array encoding can replace them later.
import {
  educationLevels,
  skillLevels,
  type EducationLevel,
  type Reason,
  type RiskTier,
  type SkillLevel,
  type WorkRadius,
} from '@db/schema'

export type SubjectMember = {
  id: string
  age: number
  gender: 'female' | 'male'
  education: EducationLevel
  disabilityGrade: number | null
  usesWheelchair: boolean
  workRadius: WorkRadius
  remoteOnly: boolean
  needsChildcareHours: boolean
  /** Working-age and not a student/retired/unable: a candidate for jobs. */
  available: boolean
  skills: Array<{ code: string; level: SkillLevel }>
}

export type Subject = {
  id: string
  version: number
  regionCode: string
  riskTier: RiskTier
  needs: Array<{ category: string; priority: number }>
  /** Target groups the household belongs to (disabled_persons, single_mothers …). */
  targetGroups: string[]
  /** Listings it is actively receiving (accepted or completed in the last 12 months). */
  activeAssistance: number
  members: SubjectMember[]
}

export type MatchListing = {
  id: string
  version: number
  kind: 'job' | 'training' | 'donation' | 'project'
  /** Where the work/training/delivery happens (workplace for jobs, else the listing region). */
  regionCode: string
  categories: string[]
  targetGroups: string[]
  capacity: number | null
  /** Places already taken (accepted or completed). */
  taken: number
  ageMin: number | null
  ageMax: number | null
  minEducation: EducationLevel | null
  eligibleGender: 'female' | 'male' | null
  accommodations: string[]
  /** Remote jobs / remote trainings need no travel. */
  remote: boolean
  skills: Array<{ code: string; role: 'required' | 'taught' | 'prerequisite'; level: SkillLevel }>
}

/** Taxonomy context: skill code → domain, so related skills earn partial credit. */
export type ScoringContext = { skillDomains: Map<string, string> }

export type PairScore = { score: number; memberId: string | null; reasons: Reason[]; blockers: Reason[] }

/** Feature weights; they add up to 100. */
export const weights = { need: 25, skill: 25, proximity: 20, suitability: 10, risk: 10, fairness: 10 } as const

const radiusPrefix: Record<WorkRadius, number> = { village: 12, township: 9, county: 6, city: 4, province: 2, anywhere: 0 }
const proximityNames = ['other_province', 'same_province', 'same_city', 'same_county', 'same_township', 'same_village'] as const
const proximityValue = [0.1, 0.3, 0.55, 0.8, 0.92, 1]
const prefixLevels = [2, 4, 6, 9, 12]
const riskValue: Record<RiskTier, number> = { A: 1, B: 0.6, C: 0.25 }
const priorityValue = [0, 1, 0.75, 0.5]

const eduRank = (e: EducationLevel) => educationLevels.indexOf(e)
const levelRank = (l: SkillLevel) => skillLevels.indexOf(l)

/** How many administrative levels two codes share: 0 none … 5 same village. */
export function sharedLevels(a: string, b: string): number {
  let n = 0
  for (const len of prefixLevels) {
    if (a.length < len || b.length < len) break
    if (a.slice(0, len) !== b.slice(0, len)) break
    n++
  }
  return n
}

/**
 * Proximity of a household to a listing. A listing addressed to a whole area (a city,
 * a county) contains every household in it: that counts as the household's own level.
 */
function proximity(householdRegion: string, listingRegion: string): { level: number; contained: boolean } {
  if (householdRegion.startsWith(listingRegion)) {
    const level = prefixLevels.indexOf(listingRegion.length) + 1
    return { level: Math.max(level, 0), contained: true }
  }
  return { level: sharedLevels(householdRegion, listingRegion), contained: false }
}

function withinRadius(householdRegion: string, listingRegion: string, radius: WorkRadius) {
  const len = radiusPrefix[radius]
  if (len === 0) return true
  if (listingRegion.length < len) return householdRegion.startsWith(listingRegion)
  return householdRegion.slice(0, len) === listingRegion.slice(0, len)
}

const personal = (l: MatchListing) => l.kind === 'job' || l.kind === 'training'

/** Blockers for one member (jobs and trainings are taken up by a person). */
function memberBlockers(m: SubjectMember, l: MatchListing, householdRegion: string): Reason[] {
  const out: Reason[] = []
  if (l.kind === 'job' && !m.available) out.push({ code: 'not_available_for_work' })
  if (l.ageMin !== null && m.age < l.ageMin) out.push({ code: 'age_below', params: { min: l.ageMin } })
  if (l.ageMax !== null && m.age > l.ageMax) out.push({ code: 'age_above', params: { max: l.ageMax } })
  if (l.minEducation && eduRank(m.education) < eduRank(l.minEducation)) out.push({ code: 'education', params: { required: l.minEducation } })
  if (l.eligibleGender && m.gender !== l.eligibleGender) out.push({ code: 'gender_programme', params: { gender: l.eligibleGender } })
  if (!l.remote) {
    if (m.remoteOnly) out.push({ code: 'remote_only' })
    if (m.usesWheelchair && !l.accommodations.includes('accessible_workplace')) out.push({ code: 'not_accessible' })
    if (!withinRadius(householdRegion, l.regionCode, m.workRadius)) out.push({ code: 'outside_radius', params: { radius: m.workRadius } })
  }
  const missing = l.skills.find(
    (s) => s.role === 'prerequisite' && !m.skills.some((ms) => ms.code === s.code && levelRank(ms.level) >= levelRank(s.level)),
  )
  if (missing) out.push({ code: 'missing_prerequisite', params: { skill: missing.code, level: missing.level } })
  return out
}

/** Skill fit 0…1 with the reasons behind it. */
function skillFit(m: SubjectMember, l: MatchListing, ctx: ScoringContext, reasons: Reason[]): number {
  if (l.kind === 'job') {
    const required = l.skills.filter((s) => s.role === 'required')
    if (required.length === 0) return 0.5
    let sum = 0
    for (const r of required) {
      const own = m.skills.find((s) => s.code === r.code)
      if (own) {
        const gap = levelRank(r.level) - levelRank(own.level)
        sum += gap <= 0 ? 1 : gap === 1 ? 0.6 : 0.3
        reasons.push({ code: gap <= 0 ? 'skill_match' : 'skill_partial', params: { skill: r.code, level: own.level } })
        continue
      }
      const domain = ctx.skillDomains.get(r.code)
      const related = domain ? m.skills.find((s) => ctx.skillDomains.get(s.code) === domain) : undefined
      if (related) {
        sum += 0.3
        reasons.push({ code: 'skill_related', params: { skill: related.code, level: related.level } })
      }
    }
    return sum / required.length
  }
  if (l.kind === 'training') {
    const taught = l.skills.filter((s) => s.role === 'taught')
    if (taught.length === 0) return 0.5
    let sum = 0
    for (const t of taught) {
      const own = m.skills.find((s) => s.code === t.code)
      if (!own || levelRank(own.level) < levelRank(t.level)) {
        sum += 1
        reasons.push({ code: 'skill_to_learn', params: { skill: t.code, level: t.level } })
      } else sum += 0.2
    }
    return sum / taught.length
  }
  return 0.5
}

/** Needs the listing serves, weighted by the household's priority (1 urgent … 3). */
function needFit(s: Subject, l: MatchListing, reasons: Reason[]): number {
  let best = 0
  for (const n of s.needs) {
    if (!l.categories.includes(n.category)) continue
    const v = priorityValue[n.priority] ?? 0.5
    reasons.push({ code: 'need_match', params: { category: n.category, priority: n.priority } })
    if (v > best) best = v
  }
  return best
}

function scoreForMember(s: Subject, m: SubjectMember | null, l: MatchListing, ctx: ScoringContext): PairScore {
  const reasons: Reason[] = []
  const blockers: Reason[] = []
  if (l.capacity !== null && l.taken >= l.capacity) blockers.push({ code: 'capacity_full' })
  if (m) blockers.push(...memberBlockers(m, l, s.regionCode))
  else {
    // Household-level offers: eligibility rules apply to at least one member.
    if (l.eligibleGender && !s.members.some((x) => x.gender === l.eligibleGender)) blockers.push({ code: 'gender_programme', params: { gender: l.eligibleGender } })
    if ((l.ageMin !== null || l.ageMax !== null) && !s.members.some((x) => (l.ageMin === null || x.age >= l.ageMin) && (l.ageMax === null || x.age <= l.ageMax)))
      blockers.push({ code: 'age_household', params: { min: l.ageMin ?? 0, max: l.ageMax ?? 120 } })
    if (!s.regionCode.startsWith(l.regionCode) && l.kind === 'donation') blockers.push({ code: 'outside_service_area' })
  }
  // Ineligible: no score and no reasons to compute (keeps the hot loop cheap).
  if (blockers.length) return { score: 0, memberId: m?.id ?? null, reasons: [], blockers }

  const need = needFit(s, l, reasons)
  const skill = m ? skillFit(m, l, ctx, reasons) : 0.5
  let prox: number
  if (l.remote) {
    prox = 0.8
    reasons.push({ code: 'remote' })
  } else {
    const p = proximity(s.regionCode, l.regionCode)
    prox = proximityValue[p.level]!
    reasons.push({ code: p.contained && p.level <= 2 ? 'in_service_area' : proximityNames[p.level]!, params: p.contained ? { level: p.level } : {} })
  }

  let suitability = 0
  for (const g of l.targetGroups) {
    if (s.targetGroups.includes(g)) {
      suitability = 1
      reasons.push({ code: 'target_group', params: { group: g, kind: l.kind } })
    }
  }
  if (m) {
    if (m.disabilityGrade !== null && l.accommodations.includes('accessible_workplace')) {
      suitability = 1
      reasons.push({ code: 'accommodation', params: { accommodation: 'accessible_workplace' } })
    }
    if (m.needsChildcareHours) {
      if (l.accommodations.includes('childcare_compatible_hours')) {
        suitability = 1
        reasons.push({ code: 'accommodation', params: { accommodation: 'childcare_compatible_hours' } })
      } else suitability = Math.min(suitability, 0.3)
    }
  }

  const risk = riskValue[s.riskTier]
  if (s.riskTier === 'A') reasons.push({ code: 'risk_priority', params: { tier: 'A' } })
  const fairness = 1 / (1 + s.activeAssistance)
  if (s.activeAssistance === 0) reasons.push({ code: 'no_active_assistance' })

  if (l.capacity !== null && l.capacity - l.taken > 0 && l.capacity - l.taken <= 2) reasons.push({ code: 'few_places_left', params: { left: l.capacity - l.taken } })

  const raw =
    weights.need * need +
    weights.skill * skill +
    weights.proximity * prox +
    weights.suitability * suitability +
    weights.risk * risk +
    weights.fairness * fairness
  const score = Math.max(0, Math.min(100, Math.round(raw)))
  return { score, memberId: m?.id ?? null, reasons, blockers }
}

/**
 * Scores a household (or, for jobs and trainings, its best-suited member) against a
 * listing: `{ score 0–100, reasons, blockers }`. Any blocker makes the pair ineligible (score 0).
 */
export function scorePair(subject: Subject, listing: MatchListing, ctx: ScoringContext): PairScore {
  if (!personal(listing)) return scoreForMember(subject, null, listing, ctx)
  let best: PairScore | undefined
  for (const m of subject.members) {
    const r = scoreForMember(subject, m, listing, ctx)
    if (!best || rank(r) > rank(best)) best = r
  }
  return best ?? { score: 0, memberId: null, reasons: [], blockers: [{ code: 'no_members' }] }
}

/** Eligible pairs first, then by score; among blocked pairs, fewer blockers first. */
function rank(r: PairScore) {
  return r.blockers.length ? -r.blockers.length : r.score + 1
}

export const isEligible = (r: PairScore) => r.blockers.length === 0
