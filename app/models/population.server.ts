// Loads households straight into the typed-array population of matching-encoded.server.ts:
// five queries ordered by household id, merged in one pass, no per-household objects.
import { sql, type SQL } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Executor } from '@db/client'
import { groupBy } from '~/utils/group-by'
import { activeAssistanceStatuses, type EmploymentStatus } from '@db/schema'
import { EncodingDictionary, PopulationBuilder, type Population } from './matching-encoded.server'
import type { ScoringContext } from './matching.server'

const unavailable: EmploymentStatus[] = ['student', 'retired', 'unable']

export function ageOn(birthDate: string, now: Date) {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number]
  let age = now.getUTCFullYear() - y
  if (now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d)) age--
  return age
}

/** A date as the integer yyyymmdd, so an age is one subtraction (see ageFrom). */
export const ymd = (date: string) => Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10))
const utcYmd = (now: Date) => now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate()
/** Whole years between two yyyymmdd dates: the same as ageOn, without parsing. */
export const ageFrom = (birthYmd: number, todayYmd: number) => Math.floor((todayYmd - birthYmd) / 10000)

/**
 * Whether a village-level statistical code (12 digits) is rural, by its last three digits (NBS coding
 * rules): 200–399 villagers' committees (村民委员会) and 500–599 village-like areas (类似村委会, e.g.
 * farms) are rural; 001–199 residents' committees (居民委员会) and 400–499 residents'-committee-like areas are urban.
 */
export function isRuralVillage(regionCode: string) {
  if (!/^\d{12}$/.test(regionCode)) return false
  const committee = Number(regionCode.slice(9))
  return (committee >= 200 && committee <= 399) || (committee >= 500 && committee <= 599)
}

/** Target groups a household belongs to, from its flags and its members (one rule for both loaders). */
export function householdTargetGroups(
  h: { regionCode: string; riskTier: string; singleParent: boolean; leftBehindChild: boolean; leftBehindElderly: boolean },
  m: { disabled: boolean; woman: boolean; over45Unemployed: boolean },
): string[] {
  const groups: string[] = []
  if (m.disabled) groups.push('disabled_persons')
  if (h.singleParent && m.woman) groups.push('single_mothers')
  if (h.leftBehindChild) groups.push('left_behind_children')
  if (h.leftBehindElderly) groups.push('left_behind_elderly')
  if (m.over45Unemployed) groups.push('unemployed_over_45')
  if (isRuralVillage(h.regionCode) && h.riskTier !== 'C') groups.push('rural_low_income')
  return groups
}

/**
 * Which households: the given ids; every consenting household with at least one need (the
 * universe of a full rescore); or the households a condition on `households h` selects (a
 * listing's candidate rule, so candidates and their rows come in one query).
 */
export type PopulationFilter = { ids: string[] } | { allConsenting: true } | { where: SQL }

type HRow = { id: string; version: number; region_code: string; risk_tier: 'A' | 'B' | 'C'; single_parent: boolean; left_behind_child: boolean; left_behind_elderly: boolean }
type MRow = {
  household_id: string; id: string; birth_date: string; gender: 'female' | 'male'; education: string; disability_grade: number | null
  uses_wheelchair: boolean; work_radius: string; remote_only: boolean; needs_childcare_hours: boolean; employment_status: EmploymentStatus
}
type SRow = { household_id: string; member_id: string; skill_code: string; level: string }
type NRow = { household_id: string; category: string; priority: number }
type ARow = { household_id: string; n: number }

/**
 * Members, skills and needs of a household as of `version`. Every change to them goes through
 * a versioned save that bumps households.version in the same transaction (household.server.ts
 * insertHouseholds, updateHousehold, applySystemChange for feeds; setConsent and redeemInvitation bump it too), so a cached entry is valid exactly while the household's
 * current version equals its own. The household row itself (region, risk tier, flags) and the
 * active-assistance count are always read fresh; ages are computed from birth dates on each load.
 */
type CachedMember = Omit<MRow, 'birth_date'> & { birthYmd: number; skills: Array<{ code: string; level: string }> }
type CachedInputs = { version: number; members: CachedMember[]; needs: Array<{ category: string; priority: number }> }
const inputCache = new Map<string, CachedInputs>()
/** About 2 KB per household (181 MB for 92k measured): at most ~400 MB per worker process. */
const MAX_CACHED_HOUSEHOLDS = 200_000
export const populationCacheStats = { hits: 0, misses: 0 }

/** Forgets every cached household (tests; or when memory matters more than speed). */
export function clearPopulationCache() {
  inputCache.clear()
  populationCacheStats.hits = 0
  populationCacheStats.misses = 0
}

/** Members, skills and needs of the given households, from the cache where their version still matches. */
async function householdInputs(executor: Executor, hs: HRow[]) {
  // Inside a transaction the rows may be uncommitted (and rolled back later): read, never cache.
  const cacheable = !(executor instanceof PgTransaction)
  const inputs = new Map<string, CachedInputs>()
  const stale: HRow[] = []
  for (const h of hs) {
    const hit = cacheable ? inputCache.get(h.id) : undefined
    if (hit && hit.version === h.version) inputs.set(h.id, hit)
    else stale.push(h)
  }
  populationCacheStats.hits += hs.length - stale.length
  populationCacheStats.misses += stale.length
  if (stale.length === 0) return inputs
  const ids = sql.param(stale.map((h) => h.id))
  const [ms, ss, ns] = await Promise.all([
    executor.execute<MRow>(sql`select m.household_id, m.id, m.birth_date::text as birth_date, m.gender, m.education, m.disability_grade,
        m.uses_wheelchair, m.work_radius, m.remote_only, m.needs_childcare_hours, m.employment_status
      from household_members m where m.household_id = any(${ids}::uuid[]) order by m.household_id, m.id`),
    executor.execute<SRow>(sql`select m.household_id, s.member_id, s.skill_code, s.level
      from member_skills s join household_members m on m.id = s.member_id
      where m.household_id = any(${ids}::uuid[]) order by m.household_id, s.member_id, s.skill_code`),
    executor.execute<NRow>(sql`select n.household_id, n.category, n.priority
      from household_needs n where n.household_id = any(${ids}::uuid[]) order by n.household_id, n.category`),
  ])
  const skillsBy = groupBy(ss, (r) => r.member_id)
  const members = ms.map(
    (m): CachedMember => ({
      household_id: m.household_id,
      id: m.id,
      birthYmd: ymd(m.birth_date),
      gender: m.gender,
      education: m.education,
      disability_grade: m.disability_grade,
      uses_wheelchair: m.uses_wheelchair,
      work_radius: m.work_radius,
      remote_only: m.remote_only,
      needs_childcare_hours: m.needs_childcare_hours,
      employment_status: m.employment_status,
      skills: (skillsBy.get(m.id) ?? []).map((k) => ({ code: k.skill_code, level: k.level })),
    }),
  )
  const mBy = groupBy(members, (m) => m.household_id)
  const nBy = groupBy(ns, (n) => n.household_id)
  for (const h of stale) {
    // Tagged with the version read before these rows: they are that version or newer, so a
    // newer household version always misses and reloads; an entry is never older than its tag.
    const entry = { version: h.version, members: mBy.get(h.id) ?? [], needs: (nBy.get(h.id) ?? []).map((n) => ({ category: n.category, priority: n.priority })) }
    inputs.set(h.id, entry)
    // At the cap, known households are still refreshed; new ones are loaded on each use instead.
    if (cacheable && (inputCache.size < MAX_CACHED_HOUSEHOLDS || inputCache.has(h.id))) inputCache.set(h.id, entry)
  }
  return inputs
}

/** Scoring inputs of many households as a `Population` (see PopulationFilter). */
export async function loadPopulation(executor: Executor, ctx: ScoringContext, filter: PopulationFilter, now = new Date()): Promise<Population> {
  const dict = new EncodingDictionary(ctx)
  const b = new PopulationBuilder(dict)
  if ('ids' in filter && filter.ids.length === 0) return b.build()
  const where: SQL =
    'ids' in filter
      ? sql`h.id = any(${sql.param(filter.ids)}::uuid[])`
      : 'where' in filter
        ? filter.where
        : sql`h.consent_given and h.id in (select n0.household_id from household_needs n0)`
  const hs = await executor.execute<HRow>(sql`select h.id, h.version, h.region_code, h.risk_tier, h.single_parent, h.left_behind_child, h.left_behind_elderly
      from households h where ${where} order by h.id`)
  if (hs.length === 0) return b.build()
  const households = sql.param(hs.map((h) => h.id))
  const [inputs, as] = await Promise.all([
    householdInputs(executor, hs),
    executor.execute<ARow>(sql`select a.household_id, count(*)::int as n
      from applications a
      where a.household_id = any(${households}::uuid[]) and a.status::text = any(${sql.param([...activeAssistanceStatuses])}::text[])
        and coalesce(a.completed_at, a.accepted_at) > now() - interval '12 months'
      group by a.household_id`),
  ])
  const active = new Map<string, number>()
  for (const a of as) active.set(a.household_id, a.n)
  const today = utcYmd(now)
  for (const h of hs) {
    const { members, needs } = inputs.get(h.id)!
    let disabled = false
    let woman = false
    let over45Unemployed = false
    for (const m of members) {
      if (m.disability_grade !== null) disabled = true
      if (m.gender === 'female') woman = true
      if (m.employment_status === 'unemployed' && ageFrom(m.birthYmd, today) > 45) over45Unemployed = true
    }
    b.addHousehold({
      id: h.id,
      version: h.version,
      regionCode: h.region_code,
      riskTier: h.risk_tier,
      targetGroups: householdTargetGroups(
        { regionCode: h.region_code, riskTier: h.risk_tier, singleParent: h.single_parent, leftBehindChild: h.left_behind_child, leftBehindElderly: h.left_behind_elderly },
        { disabled, woman, over45Unemployed },
      ),
      activeAssistance: active.get(h.id) ?? 0,
    })
    for (const n of needs) b.addNeed(n.category, n.priority)
    for (const m of members) {
      const age = ageFrom(m.birthYmd, today)
      b.addMember({
        id: m.id,
        age,
        gender: m.gender,
        education: m.education as never,
        disabilityGrade: m.disability_grade,
        usesWheelchair: m.uses_wheelchair,
        workRadius: m.work_radius as never,
        remoteOnly: m.remote_only,
        needsChildcareHours: m.needs_childcare_hours,
        available: age >= 16 && age <= 65 && !unavailable.includes(m.employment_status),
      })
      for (const s of m.skills) b.addSkill(s.code, s.level)
    }
  }
  return b.build()
}
