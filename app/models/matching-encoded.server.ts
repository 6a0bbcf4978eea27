// Compact typed-array encoding of scoring inputs and a hot loop over it (ADR 020).
// Households live in a struct-of-arrays "population": region prefixes as interned ints per
// admin level, needs / target groups / member skill domains as bitsets, members and skills
// as flat ranges. `scoreEncoded` returns exactly the score and eligibility of `scorePair`
// (and the same winning member); reasons are materialised only for the stored top N by
// decoding the few winners back into `Subject`s and calling `scorePair` on them, so the
// reasons cannot drift from the reference scorer. Proved by tests/unit/scoring-encoded.test.ts.
import { educationLevels, riskTiers, skillLevels, workRadii, type WorkRadius } from '@db/schema'
import { weights, type MatchListing, type ScoringContext, type Subject, type SubjectMember } from './matching.server'

const prefixLevels = [2, 4, 6, 9, 12] as const
const LEVELS = prefixLevels.length
const proximityValue = [0.1, 0.3, 0.55, 0.8, 0.92, 1]
const riskValue = [1, 0.6, 0.25] // A, B, C (riskTiers order)
const priorityValue = [0, 1, 0.75, 0.5]
/** Index into prefixLevels of a member's work radius; -1: anywhere. */
const radiusLevel: Record<WorkRadius, number> = { village: 4, township: 3, county: 2, city: 1, province: 0, anywhere: -1 }
const radiusLevels = workRadii.map((r) => radiusLevel[r])
const kinds = ['job', 'training', 'donation', 'project'] as const
const GENDER_FEMALE = 1
const GENDER_MALE = 2

/** Interns strings to small ints; bitset-backed dictionaries refuse more than 32 values. */
class Interner {
  readonly values: string[] = []
  private readonly ids = new Map<string, number>()
  constructor(private readonly name: string, private readonly maxBits = Infinity) {}
  id(value: string): number {
    let id = this.ids.get(value)
    if (id === undefined) {
      id = this.values.length
      if (id >= this.maxBits) throw new Error(`matching encoding: more than ${this.maxBits} distinct ${this.name}`)
      this.ids.set(value, id)
      this.values.push(value)
    }
    return id
  }
  peek(value: string): number {
    return this.ids.get(value) ?? -1
  }
  mask(values: readonly string[]): number {
    let m = 0
    for (const v of values) m |= 1 << this.id(v)
    return m >>> 0
  }
}

/** Shared vocabulary of one encoding: households and listings must be encoded with the same one. */
export class EncodingDictionary {
  readonly categories = new Interner('need categories', 32)
  readonly groups = new Interner('target groups', 32)
  readonly domains = new Interner('skill domains', 32)
  readonly skills = new Interner('skill codes')
  readonly prefixes = prefixLevels.map((l) => new Interner(`region prefixes of length ${l}`))
  constructor(readonly ctx: ScoringContext) {}
  /** Domain bit of a skill code (0: no domain in the taxonomy). */
  domainBit(code: string): number {
    const d = this.ctx.skillDomains.get(code)
    return d === undefined ? 0 : (1 << this.domains.id(d)) >>> 0
  }
  regionPrefix(code: string, level: number): number {
    const len = prefixLevels[level]!
    return code.length < len ? -1 : this.prefixes[level]!.id(code.slice(0, len))
  }
}

class Grow {
  constructor(public a: Int32Array = new Int32Array(1024), public n = 0) {}
  push(v: number) {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.n++] = v
  }
  done() {
    return this.a.slice(0, this.n)
  }
}
class GrowF {
  constructor(public a: Float64Array = new Float64Array(1024), public n = 0) {}
  push(v: number) {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.n++] = v
  }
  done() {
    return this.a.slice(0, this.n)
  }
}

export type HouseholdInput = Omit<Subject, 'members' | 'needs'>
export type MemberInput = Omit<SubjectMember, 'skills'>

/**
 * Builds a population household by household: `addHousehold`, then its `addNeed`s and
 * `addMember`s (each member followed by its `addSkill`s). Loaders fill it straight from SQL
 * rows without building `Subject` objects; `encodeSubjects` fills it from objects.
 */
export class PopulationBuilder {
  private ids: string[] = []
  private version = new Grow()
  private regionStr: string[] = []
  private prefix = new Grow()
  private risk = new Grow()
  private active = new Grow()
  private groupMask = new Grow()
  private needMaskH = new Grow()
  private genderMask = new Grow()
  private anywhere = new Grow()
  private needStart = new Grow()
  private needCat = new Grow()
  private needPriority = new Grow()
  private needVal = new GrowF()
  private memberStart = new Grow()
  private memberIds: string[] = []
  private mAge = new Grow()
  private mGender = new Grow()
  private mEdu = new Grow()
  private mDisability = new Grow()
  private mFlags = new Grow()
  private mRadius = new Grow()
  private mDomains = new Grow()
  private skillStart = new Grow()
  private skillCode = new Grow()
  private skillLevel = new Grow()
  constructor(readonly dict: EncodingDictionary) {}

  get count() {
    return this.ids.length
  }

  addHousehold(h: HouseholdInput) {
    this.ids.push(h.id)
    this.version.push(h.version)
    this.regionStr.push(h.regionCode)
    for (let k = 0; k < LEVELS; k++) this.prefix.push(this.dict.regionPrefix(h.regionCode, k))
    this.risk.push(riskTiers.indexOf(h.riskTier))
    this.active.push(h.activeAssistance)
    this.groupMask.push(this.dict.groups.mask(h.targetGroups))
    this.needMaskH.push(0)
    this.genderMask.push(0)
    this.anywhere.push(0)
    this.needStart.push(this.needCat.n)
    this.memberStart.push(this.memberIds.length)
  }

  addNeed(category: string, priority: number) {
    const h = this.ids.length - 1
    const c = this.dict.categories.id(category)
    this.needCat.push(c)
    this.needPriority.push(priority)
    this.needVal.push(priorityValue[priority] ?? 0.5)
    this.needMaskH.a[h] = (this.needMaskH.a[h]! | (1 << c)) >>> 0
  }

  addMember(m: MemberInput) {
    const h = this.ids.length - 1
    this.memberIds.push(m.id)
    this.mAge.push(m.age)
    const g = m.gender === 'female' ? GENDER_FEMALE : GENDER_MALE
    this.mGender.push(g)
    this.genderMask.a[h] = this.genderMask.a[h]! | g
    this.mEdu.push(educationLevels.indexOf(m.education))
    this.mDisability.push(m.disabilityGrade === null ? -1 : m.disabilityGrade)
    this.mFlags.push((m.usesWheelchair ? 1 : 0) | (m.remoteOnly ? 2 : 0) | (m.needsChildcareHours ? 4 : 0) | (m.available ? 8 : 0))
    this.mRadius.push(workRadii.indexOf(m.workRadius))
    if (m.workRadius === 'anywhere') this.anywhere.a[h] = 1
    this.mDomains.push(0)
    this.skillStart.push(this.skillCode.n)
  }

  addSkill(code: string, level: string) {
    const m = this.memberIds.length - 1
    this.skillCode.push(this.dict.skills.id(code))
    this.skillLevel.push(skillLevels.indexOf(level as (typeof skillLevels)[number]))
    this.mDomains.a[m] = (this.mDomains.a[m]! | this.dict.domainBit(code)) | 0
  }

  build(): Population {
    const start = (g: Grow, end: number) => {
      g.push(end)
      return g.done()
    }
    return {
      dict: this.dict,
      count: this.ids.length,
      ids: this.ids,
      version: this.version.done(),
      regionStr: this.regionStr,
      prefix: this.prefix.done(),
      risk: this.risk.done(),
      active: this.active.done(),
      groupMask: this.groupMask.done(),
      needMask: this.needMaskH.done(),
      genderMask: this.genderMask.done(),
      anywhere: this.anywhere.done(),
      needStart: start(this.needStart, this.needCat.n),
      needCat: this.needCat.done(),
      needPriority: this.needPriority.done(),
      needVal: this.needVal.done(),
      memberStart: start(this.memberStart, this.memberIds.length),
      memberIds: this.memberIds,
      mAge: this.mAge.done(),
      mGender: this.mGender.done(),
      mEdu: this.mEdu.done(),
      mDisability: this.mDisability.done(),
      mFlags: this.mFlags.done(),
      mRadius: this.mRadius.done(),
      mDomains: this.mDomains.done(),
      skillStart: start(this.skillStart, this.skillCode.n),
      skillCode: this.skillCode.done(),
      skillLevel: this.skillLevel.done(),
    }
  }
}

/** Struct-of-arrays households. Household i's members are memberStart[i] … memberStart[i+1]-1. */
export type Population = {
  dict: EncodingDictionary
  count: number
  ids: string[]
  version: Int32Array
  regionStr: string[]
  /** LEVELS interned region prefixes per household (-1: code too short). */
  prefix: Int32Array
  risk: Int32Array
  active: Int32Array
  groupMask: Int32Array
  /** Bitset of need categories. */
  needMask: Int32Array
  /** Bit 1 some female member, bit 2 some male member. */
  genderMask: Int32Array
  /** 1 when a member would work anywhere (job candidates beyond the province). */
  anywhere: Int32Array
  needStart: Int32Array
  needCat: Int32Array
  needPriority: Int32Array
  needVal: Float64Array
  memberStart: Int32Array
  memberIds: string[]
  mAge: Int32Array
  mGender: Int32Array
  mEdu: Int32Array
  mDisability: Int32Array
  /** 1 wheelchair, 2 remote only, 4 needs childcare hours, 8 available for work. */
  mFlags: Int32Array
  mRadius: Int32Array
  mDomains: Int32Array
  skillStart: Int32Array
  skillCode: Int32Array
  skillLevel: Int32Array
}

export function encodeSubjects(subjects: Subject[], dict: EncodingDictionary): Population {
  const b = new PopulationBuilder(dict)
  for (const s of subjects) {
    b.addHousehold(s)
    for (const n of s.needs) b.addNeed(n.category, n.priority)
    for (const m of s.members) {
      b.addMember(m)
      for (const k of m.skills) b.addSkill(k.code, k.level)
    }
  }
  return b.build()
}

/** Household i back as a `Subject` (target groups in dictionary order; scoring ignores their order). */
export function decodeSubject(p: Population, i: number): Subject {
  const needs: Subject['needs'] = []
  for (let n = p.needStart[i]!; n < p.needStart[i + 1]!; n++) needs.push({ category: p.dict.categories.values[p.needCat[n]!]!, priority: p.needPriority[n]! })
  const members: SubjectMember[] = []
  for (let m = p.memberStart[i]!; m < p.memberStart[i + 1]!; m++) {
    const skills: SubjectMember['skills'] = []
    for (let k = p.skillStart[m]!; k < p.skillStart[m + 1]!; k++) skills.push({ code: p.dict.skills.values[p.skillCode[k]!]!, level: skillLevels[p.skillLevel[k]!]! })
    const f = p.mFlags[m]!
    members.push({
      id: p.memberIds[m]!,
      age: p.mAge[m]!,
      gender: p.mGender[m] === GENDER_FEMALE ? 'female' : 'male',
      education: educationLevels[p.mEdu[m]!]!,
      disabilityGrade: p.mDisability[m] === -1 ? null : p.mDisability[m]!,
      usesWheelchair: (f & 1) !== 0,
      workRadius: workRadii[p.mRadius[m]!]!,
      remoteOnly: (f & 2) !== 0,
      needsChildcareHours: (f & 4) !== 0,
      available: (f & 8) !== 0,
      skills,
    })
  }
  const groups: string[] = []
  p.dict.groups.values.forEach((g, bit) => {
    if (p.groupMask[i]! & (1 << bit)) groups.push(g)
  })
  return {
    id: p.ids[i]!,
    version: p.version[i]!,
    regionCode: p.regionStr[i]!,
    riskTier: riskTiers[p.risk[i]!]!,
    needs,
    targetGroups: groups,
    activeAssistance: p.active[i]!,
    members,
  }
}

/** A listing prepared for the hot loop (encode once, score against every household). */
export type EncodedListing = {
  kind: number
  personal: boolean
  capacityFull: boolean
  ageMin: number
  ageMax: number
  hasAgeRule: boolean
  minEdu: number
  /** 0 any, else GENDER_FEMALE / GENDER_MALE. */
  gender: number
  accessible: boolean
  childcareOk: boolean
  remote: boolean
  regionCode: string
  prefix: Int32Array
  /** Index into prefixLevels of the code's own length; -1 when it is not one of them. */
  ownLevel: number
  categoryMask: number
  groupMask: number
  /** Job: required skills; training: taught skills (skill id, level rank, domain bit). */
  fitSkill: Int32Array
  fitLevel: Int32Array
  fitDomain: Int32Array
  prereqSkill: Int32Array
  prereqLevel: Int32Array
}

export function encodeListing(l: MatchListing, dict: EncodingDictionary): EncodedListing {
  const kind = kinds.indexOf(l.kind)
  const fitRole = l.kind === 'job' ? 'required' : l.kind === 'training' ? 'taught' : null
  const fit = l.skills.filter((s) => s.role === fitRole)
  const prereq = l.skills.filter((s) => s.role === 'prerequisite')
  const prefix = new Int32Array(LEVELS)
  for (let k = 0; k < LEVELS; k++) prefix[k] = dict.regionPrefix(l.regionCode, k)
  return {
    kind,
    personal: kind <= 1,
    capacityFull: l.capacity !== null && l.taken >= l.capacity,
    ageMin: l.ageMin ?? -Infinity,
    ageMax: l.ageMax ?? Infinity,
    hasAgeRule: l.ageMin !== null || l.ageMax !== null,
    minEdu: l.minEducation ? educationLevels.indexOf(l.minEducation) : -1,
    gender: l.eligibleGender === 'female' ? GENDER_FEMALE : l.eligibleGender === 'male' ? GENDER_MALE : 0,
    accessible: l.accommodations.includes('accessible_workplace'),
    childcareOk: l.accommodations.includes('childcare_compatible_hours'),
    remote: l.remote,
    regionCode: l.regionCode,
    prefix,
    ownLevel: prefixLevels.indexOf(l.regionCode.length as (typeof prefixLevels)[number]),
    categoryMask: dict.categories.mask(l.categories),
    groupMask: dict.groups.mask(l.targetGroups),
    fitSkill: Int32Array.from(fit, (s) => dict.skills.id(s.code)),
    fitLevel: Int32Array.from(fit, (s) => skillLevels.indexOf(s.level)),
    fitDomain: Int32Array.from(fit, (s) => dict.domainBit(s.code)),
    prereqSkill: Int32Array.from(prereq, (s) => dict.skills.id(s.code)),
    prereqLevel: Int32Array.from(prereq, (s) => skillLevels.indexOf(s.level)),
  }
}

/** Best value of the household's needs the listing serves (0 when none). */
function needOf(p: Population, i: number, l: EncodedListing): number {
  let need = 0
  for (let n = p.needStart[i]!, end = p.needStart[i + 1]!; n < end; n++) {
    if ((l.categoryMask & (1 << p.needCat[n]!)) === 0) continue
    const v = p.needVal[n]!
    if (v > need) need = v
  }
  return need
}

/** Proximity: inside the listing's area, else by how many admin levels the two codes share. */
function proximityOf(p: Population, i: number, l: EncodedListing, contained: boolean): number {
  if (l.remote) return 0.8
  if (contained) return proximityValue[l.ownLevel + 1]!
  const base = i * LEVELS
  let level = 0
  for (let k = 0; k < LEVELS; k++) {
    const a = p.prefix[base + k]!
    if (a < 0 || l.prefix[k]! < 0 || a !== l.prefix[k]) break
    level++
  }
  return proximityValue[level]!
}

/** Winning member index (into memberIds) of the last `scoreEncoded` call; -1 for household offers. */
export let lastMember = -1

/**
 * Score 0–100 of household i for the listing, or -1 when the pair is ineligible (any blocker).
 * Same arithmetic, in the same order, as `scorePair`, so results are bit-identical.
 */
export function scoreEncoded(p: Population, i: number, l: EncodedListing): number {
  lastMember = -1
  if (l.capacityFull) return -1
  const base = i * LEVELS
  const prefix = p.prefix
  // Proximity: is the household inside the listing's area, else how many levels they share.
  let contained: boolean
  if (l.ownLevel >= 0) contained = prefix[base + l.ownLevel] === l.prefix[l.ownLevel]
  else contained = p.regionStr[i]!.startsWith(l.regionCode)
  if (!l.personal) {
    if (l.gender !== 0 && (p.genderMask[i]! & l.gender) === 0) return -1
    if (l.hasAgeRule) {
      let any = false
      for (let m = p.memberStart[i]!, end = p.memberStart[i + 1]!; m < end; m++) {
        const age = p.mAge[m]!
        if (age >= l.ageMin && age <= l.ageMax) {
          any = true
          break
        }
      }
      if (!any) return -1
    }
    if (!contained && l.kind === 2) return -1
  }

  if (!l.personal) {
    const raw =
      weights.need * needOf(p, i, l) +
      weights.skill * 0.5 +
      weights.proximity * proximityOf(p, i, l, contained) +
      weights.suitability * ((p.groupMask[i]! & l.groupMask) !== 0 ? 1 : 0) +
      weights.risk * riskValue[p.risk[i]!]! +
      weights.fairness * (1 / (1 + p.active[i]!))
    return Math.max(0, Math.min(100, Math.round(raw)))
  }

  // Household-level features (identical for every member) are computed once a member passes
  // the blockers: most pairs fail them, so this keeps the common path short.
  let needTerm = -1
  let proxTerm = 0
  let groupSuit = 0
  let best = -1
  const isJob = l.kind === 0
  const nFit = l.fitSkill.length
  for (let m = p.memberStart[i]!, end = p.memberStart[i + 1]!; m < end; m++) {
    // Blockers: any one makes this member ineligible.
    const flags = p.mFlags[m]!
    if (isJob && (flags & 8) === 0) continue
    const age = p.mAge[m]!
    if (age < l.ageMin || age > l.ageMax) continue
    if (p.mEdu[m]! < l.minEdu) continue
    if (l.gender !== 0 && p.mGender[m] !== l.gender) continue
    if (!l.remote) {
      if (flags & 2) continue
      if (flags & 1 && !l.accessible) continue
      const rl = radiusLevels[p.mRadius[m]!]!
      if (rl >= 0) {
        const len = prefixLevels[rl]!
        const ok = l.regionCode.length < len ? contained : prefix[base + rl]! >= 0 && prefix[base + rl] === l.prefix[rl]
        if (!ok) continue
      }
    }
    const s0 = p.skillStart[m]!
    const s1 = p.skillStart[m + 1]!
    let missing = false
    for (let q = 0; q < l.prereqSkill.length && !missing; q++) {
      let has = false
      for (let k = s0; k < s1; k++) {
        if (p.skillCode[k] === l.prereqSkill[q] && p.skillLevel[k]! >= l.prereqLevel[q]!) {
          has = true
          break
        }
      }
      missing = !has
    }
    if (missing) continue

    // Skill fit.
    let skill = 0.5
    if (nFit > 0) {
      let sum = 0
      for (let q = 0; q < nFit; q++) {
        let own = -1
        for (let k = s0; k < s1; k++) {
          if (p.skillCode[k] === l.fitSkill[q]) {
            own = p.skillLevel[k]!
            break
          }
        }
        if (isJob) {
          if (own >= 0) {
            const gap = l.fitLevel[q]! - own
            sum += gap <= 0 ? 1 : gap === 1 ? 0.6 : 0.3
          } else if (l.fitDomain[q] !== 0 && (p.mDomains[m]! & l.fitDomain[q]!) !== 0) sum += 0.3
        } else if (own < 0 || own < l.fitLevel[q]!) sum += 1
        else sum += 0.2
      }
      skill = sum / nFit
    }

    if (needTerm < 0) {
      groupSuit = (p.groupMask[i]! & l.groupMask) !== 0 ? 1 : 0
      needTerm = weights.need * needOf(p, i, l)
      proxTerm = weights.proximity * proximityOf(p, i, l, contained)
    }
    let suitability = groupSuit
    if (p.mDisability[m]! !== -1 && l.accessible) suitability = 1
    if (flags & 4) {
      if (l.childcareOk) suitability = 1
      else suitability = Math.min(suitability, 0.3)
    }
    // The terms in scorePair's order: floating-point addition must associate the same way.
    const raw = needTerm + weights.skill * skill + proxTerm + weights.suitability * suitability + weights.risk * riskValue[p.risk[i]!]! + weights.fairness * (1 / (1 + p.active[i]!))
    const score = Math.max(0, Math.min(100, Math.round(raw)))
    if (score > best) {
      best = score
      lastMember = m
    }
  }
  return best
}

/**
 * The in-memory twin of the SQL candidate query (matches.server.ts `candidateRule`): a need the
 * listing serves, and in reach (same province; anywhere for remote offers, and for jobs a
 * member willing to work anywhere). The population holds consenting households only.
 */
export function isCandidate(p: Population, i: number, l: EncodedListing, province: number): boolean {
  if ((p.needMask[i]! & l.categoryMask) === 0) return false
  if (l.remote) return true
  if (p.prefix[i * LEVELS]! === province && province >= 0) return true
  return l.kind === 0 && p.anywhere[i] === 1
}

/** Province prefix id of an encoded listing (for isCandidate). */
export const provinceOf = (l: EncodedListing) => l.prefix[0]!

/** Keeps the best n household indexes by score, ties by household id (as the object path). */
export function topN(p: Population, scores: Int32Array, idx: Int32Array, count: number, n: number): number[] {
  const order: number[] = []
  for (let k = 0; k < count; k++) order.push(k)
  order.sort((a, b) => scores[b]! - scores[a]! || (p.ids[idx[a]!]! < p.ids[idx[b]!]! ? -1 : 1))
  return order.slice(0, n).map((k) => idx[k]!)
}
