// Loads households straight into the typed-array population of matching-encoded.server.ts:
// five queries ordered by household id, merged in one pass, no per-household objects.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '@db/client'
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
  if (h.regionCode.slice(9, 10) === '2' || h.riskTier !== 'C') groups.push('rural_low_income')
  return groups
}

export type PopulationFilter = { ids: string[] } | { allConsenting: true }

type HRow = { id: string; version: number; region_code: string; risk_tier: 'A' | 'B' | 'C'; single_parent: boolean; left_behind_child: boolean; left_behind_elderly: boolean }
type MRow = {
  household_id: string; id: string; birth_date: string; gender: 'female' | 'male'; education: string; disability_grade: number | null
  uses_wheelchair: boolean; work_radius: string; remote_only: boolean; needs_childcare_hours: boolean; employment_status: EmploymentStatus
}
type SRow = { household_id: string; member_id: string; skill_code: string; level: string }
type NRow = { household_id: string; category: string; priority: number }
type ARow = { household_id: string; n: number }

/**
 * Scoring inputs of many households as a `Population`: either the given ids, or every
 * consenting household with at least one need (the universe of a full rescore).
 */
export async function loadPopulation(executor: Executor, ctx: ScoringContext, filter: PopulationFilter, now = new Date()): Promise<Population> {
  const dict = new EncodingDictionary(ctx)
  const b = new PopulationBuilder(dict)
  if ('ids' in filter && filter.ids.length === 0) return b.build()
  const where: SQL =
    'ids' in filter
      ? sql`h.id = any(${sql.param(filter.ids)}::uuid[])`
      : sql`h.consent_given and exists (select 1 from household_needs n0 where n0.household_id = h.id)`
  const [hs, ms, ss, ns, as] = await Promise.all([
    executor.execute<HRow>(sql`select h.id, h.version, h.region_code, h.risk_tier, h.single_parent, h.left_behind_child, h.left_behind_elderly
      from households h where ${where} order by h.id`),
    executor.execute<MRow>(sql`select m.household_id, m.id, m.birth_date::text as birth_date, m.gender, m.education, m.disability_grade,
        m.uses_wheelchair, m.work_radius, m.remote_only, m.needs_childcare_hours, m.employment_status
      from household_members m join households h on h.id = m.household_id where ${where} order by m.household_id, m.id`),
    executor.execute<SRow>(sql`select m.household_id, s.member_id, s.skill_code, s.level
      from member_skills s join household_members m on m.id = s.member_id join households h on h.id = m.household_id
      where ${where} order by m.household_id, s.member_id, s.skill_code`),
    executor.execute<NRow>(sql`select n.household_id, n.category, n.priority
      from household_needs n join households h on h.id = n.household_id where ${where} order by n.household_id, n.category`),
    executor.execute<ARow>(sql`select a.household_id, count(*)::int as n
      from applications a join households h on h.id = a.household_id
      where ${where} and a.status::text = any(${sql.param([...activeAssistanceStatuses])}::text[])
        and coalesce(a.completed_at, a.accepted_at) > now() - interval '12 months'
      group by a.household_id`),
  ])
  const active = new Map<string, number>()
  for (const a of as) active.set(a.household_id, a.n)
  // Merge walk: every result is ordered by household id, members by member id.
  let mi = 0
  let si = 0
  let ni = 0
  for (const h of hs) {
    while (mi < ms.length && ms[mi]!.household_id < h.id) mi++
    while (si < ss.length && ss[si]!.household_id < h.id) si++
    while (ni < ns.length && ns[ni]!.household_id < h.id) ni++
    const m0 = mi
    let disabled = false
    let woman = false
    let over45Unemployed = false
    while (mi < ms.length && ms[mi]!.household_id === h.id) {
      const m = ms[mi++]!
      const age = ageOn(m.birth_date, now)
      if (m.disability_grade !== null) disabled = true
      if (m.gender === 'female') woman = true
      if (age > 45 && m.employment_status === 'unemployed') over45Unemployed = true
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
    while (ni < ns.length && ns[ni]!.household_id === h.id) {
      const n = ns[ni++]!
      b.addNeed(n.category, n.priority)
    }
    for (let k = m0; k < mi; k++) {
      const m = ms[k]!
      const age = ageOn(m.birth_date, now)
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
      while (si < ss.length && ss[si]!.household_id === h.id && ss[si]!.member_id < m.id) si++
      while (si < ss.length && ss[si]!.household_id === h.id && ss[si]!.member_id === m.id) {
        const s = ss[si++]!
        b.addSkill(s.skill_code, s.level)
      }
    }
  }
  return b.build()
}
