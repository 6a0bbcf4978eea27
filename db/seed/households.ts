// Minimum living standards (reference data) and generated demo households.
// Households are inserted in batches with plain multi-row inserts, so 100 000 take seconds.
import { randomUUID } from 'node:crypto'
import { eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../client'
import {
  caseworkerRegions,
  householdMembers,
  householdNeeds,
  households,
  householdVersions,
  memberSkills,
  minimumLivingStandards,
  regions,
  skills,
  users,
  type DisabilityType,
  type EducationLevel,
  type EmploymentStatus,
  type HousingType,
  type NeedCategory,
  type SkillLevel,
  type WorkRadius,
} from '../schema'
import { assessRisk, nextReviewDate, standardFor } from '../../app/models/risk.server'

/**
 * Monthly 低保 standards in yuan, close to the published 2024–2025 figures for these
 * areas (rural standards at province/city level, urban districts higher). Data, not code:
 * a county row overrides its city's, a later effective date overrides an earlier one.
 */
export const minimumStandardRows = [
  { regionCode: '52', monthlyYuan: '560.00', source: '贵州省农村低保标准（示例，接近2025年公布值）' },
  { regionCode: '5226', monthlyYuan: '580.00', source: '黔东南州农村低保标准（示例）' },
  { regionCode: '522601', monthlyYuan: '780.00', source: '凯里市城乡低保标准（示例）' },
  { regionCode: '62', monthlyYuan: '520.00', source: '甘肃省农村低保标准（示例）' },
  { regionCode: '6211', monthlyYuan: '530.00', source: '定西市农村低保标准（示例）' },
  { regionCode: '621102', monthlyYuan: '700.00', source: '安定区城乡低保标准（示例）' },
  { regionCode: '41', monthlyYuan: '450.00', source: '河南省农村低保标准（示例）' },
  { regionCode: '410225', monthlyYuan: '470.00', source: '兰考县农村低保标准（示例）' },
]

export async function seedMinimumLivingStandards(db: Database) {
  await db
    .insert(minimumLivingStandards)
    .values(minimumStandardRows.map((r) => ({ ...r, effectiveFrom: '2025-01-01' })))
    .onConflictDoUpdate({
      target: [minimumLivingStandards.regionCode, minimumLivingStandards.effectiveFrom],
      set: { monthlyYuan: sql`excluded.monthly_yuan`, source: sql`excluded.source` },
    })
  return minimumStandardRows.length
}

// A small deterministic PRNG so a seed run is reproducible.
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const surnames = ['王', '李', '张', '刘', '陈', '杨', '吴', '潘', '龙', '石', '欧', '邰', '马', '牛', '赵', '孙', '何', '罗', '田', '姚']
const maleGiven = ['光明', '建国', '志强', '永平', '德胜', '国华', '海军', '文斌', '金山', '小龙', '正荣', '明亮']
const femaleGiven = ['春花', '秀英', '桂芳', '玉兰', '小梅', '丽娟', '金凤', '红梅', '翠兰', '美玲', '晓燕', '芳']
const skillsByArea: Record<string, string[]> = {
  '52': ['miao_embroidery', 'batik', 'silversmithing', 'welding', 'electronics_assembly', 'tea_growing', 'chinese_cooking', 'masonry', 'housekeeping'],
  '62': ['potato_growing', 'chinese_herbs', 'livestock', 'driving', 'masonry', 'welding', 'elderly_care', 'vegetable_greenhouse'],
  '41': ['instrument_making', 'paulownia_processing', 'carpentry', 'sewing', 'forklift', 'parcel_sorting', 'welding', 'pastry'],
}
const needPool: NeedCategory[] = ['employment', 'employment', 'employment', 'skills_training', 'skills_training', 'medical_aid', 'education', 'material_aid', 'elderly_care', 'childcare', 'housing', 'rehabilitation', 'industry_support']
const educations: EducationLevel[] = ['none', 'primary', 'junior_high', 'junior_high', 'junior_high', 'senior_high', 'vocational', 'college']
const levels: SkillLevel[] = ['beginner', 'intermediate', 'intermediate', 'advanced']
const housingPool: HousingType[] = ['owned_safe', 'owned_safe', 'owned_unsafe', 'rented', 'relatives']
const radii: WorkRadius[] = ['township', 'county', 'county', 'city', 'province', 'anywhere']
const disabilities: DisabilityType[] = ['physical', 'visual', 'hearing', 'intellectual']

type Pick = <T>(a: readonly T[]) => T

/** The demo residents' households (linked to the `resident` and `resident2` accounts). */
const demoHouseholds = [
  { username: 'resident', head: '王光明', gender: 'male' as const, region: '522634100200', skill: 'welding', skillLevel: 'intermediate' as const, caseworker: 'caseworker' },
  { username: 'resident2', head: '李春花', gender: 'female' as const, region: '621102101201', skill: 'potato_growing', skillLevel: 'advanced' as const, caseworker: 'caseworker2' },
]

export async function seedCaseworkerRegions(db: Database) {
  const pairs = [
    ['caseworker', '5226'],
    ['caseworker2', '6211'],
  ] as const
  for (const [username, code] of pairs) {
    const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, username))
    if (u) await db.insert(caseworkerRegions).values({ userId: u.id, regionCode: code }).onConflictDoNothing()
  }
}

/**
 * Generates households until `count` exist (repeatable: a second run adds nothing).
 * Multi-row inserts of 1 000 households at a time, members/skills/needs alike.
 */
export async function seedHouseholds(db: Database, count: number, log: (msg: string) => void = () => {}) {
  await seedCaseworkerRegions(db)
  if (count === 0) return { created: 0, total: 0 }
  const [{ existing } = { existing: 0 }] = await db.select({ existing: sql<number>`count(*)::int` }).from(households)
  const villages = (await db.select({ code: regions.code }).from(regions).where(eq(regions.level, 'village'))).map((r) => r.code)
  const standards = await db.select({ regionCode: minimumLivingStandards.regionCode, monthlyYuan: minimumLivingStandards.monthlyYuan }).from(minimumLivingStandards)
  const caseworkers = await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.username, ['caseworker', 'caseworker2']))
  const cwFor = (region: string) => caseworkers.find((c) => (region.startsWith('5226') && c.username === 'caseworker') || (region.startsWith('6211') && c.username === 'caseworker2'))?.id ?? null
  const knownSkills = new Set((await db.select({ code: skills.code }).from(skills)).map((s) => s.code))
  const random = rng(20261124 + existing)
  const pick: Pick = (a) => a[Math.floor(random() * a.length)]!
  const today = new Date()
  let created = 0

  // Demo residents first, so their accounts always have a file.
  for (const d of demoHouseholds) {
    const [u] = await db.select({ id: users.id }).from(users).where(eq(users.username, d.username))
    if (!u) continue
    const [linked] = await db.select({ id: households.id }).from(households).where(eq(households.residentUserId, u.id))
    if (linked) continue
    const cw = caseworkers.find((c) => c.username === d.caseworker)?.id ?? null
    const risk = assessRisk({
      memberCount: 3, incomePerCapitaMonthly: '620', medicalMonthly: '500', schoolingMonthly: '300', housingMonthly: '0', careMonthly: '200',
      debtYuan: '15000', seriousIllness: false, disasterAffected: false, singleParent: d.gender === 'female', leftBehindChild: false,
      leftBehindElderly: d.gender === 'male', recentJobLoss: true, disabilityGrades: [], minimumLivingStandard: standardFor(d.region, standards) ?? '500',
    })
    const id = randomUUID()
    await db.transaction(async (tx) => {
      await tx.insert(households).values({
        id, regionCode: d.region, caseworkerId: cw, residentUserId: u.id, consentGiven: true, consentChangedAt: today,
        incomePerCapitaMonthly: '620', incomeSources: ['farming', 'wages'], housingType: 'owned_safe', landMu: '2.5', savingsBand: 'under_5k',
        medicalMonthly: '500', schoolingMonthly: '300', careMonthly: '200', debtYuan: '15000', singleParent: d.gender === 'female',
        leftBehindElderly: d.gender === 'male', recentJobLoss: true, riskTier: risk.tier, riskReasons: risk.reasons, nextReviewOn: nextReviewDate(risk.tier, today),
      })
      const headId = randomUUID()
      await tx.insert(householdMembers).values([
        { id: headId, householdId: id, fullName: d.head, isHead: true, birthDate: '1986-04-12', gender: d.gender, education: 'junior_high', employmentStatus: 'unemployed', workRadius: 'city' },
        { householdId: id, fullName: d.head.slice(0, 1) + '小宝', birthDate: '2015-09-01', gender: 'male', education: 'primary', employmentStatus: 'student' },
        { householdId: id, fullName: d.gender === 'male' ? '王老汉' : '李大娘', birthDate: '1952-02-20', gender: d.gender === 'male' ? 'male' : 'female', education: 'none', employmentStatus: 'retired', health: 'chronic_illness' },
      ])
      await tx.insert(memberSkills).values({ memberId: headId, skillCode: d.skill, level: d.skillLevel })
      await tx.insert(householdNeeds).values([
        { householdId: id, category: 'employment', priority: 1, note: '希望在家附近找到稳定工作' },
        { householdId: id, category: 'skills_training', priority: 2, note: '' },
        { householdId: id, category: 'education', priority: 3, note: '孩子上学费用' },
      ])
      await tx.insert(householdVersions).values({ householdId: id, version: 1, snapshot: { seeded: true }, changedFields: [] })
    })
    created++
  }

  const target = count - existing - created
  const batch = 1000
  for (let done = 0; done < target; done += batch) {
    const n = Math.min(batch, target - done)
    const hRows: Array<typeof households.$inferInsert> = []
    const mRows: Array<typeof householdMembers.$inferInsert> = []
    const sRows: Array<typeof memberSkills.$inferInsert> = []
    const nRows: Array<typeof householdNeeds.$inferInsert> = []
    const vRows: Array<typeof householdVersions.$inferInsert> = []
    for (let i = 0; i < n; i++) {
      const id = randomUUID()
      const region = pick(villages)
      const area = region.slice(0, 2)
      const surname = pick(surnames)
      const size = 1 + Math.floor(random() * 5)
      const income = (200 + Math.floor(random() * 1600)).toFixed(2)
      const grades: number[] = []
      const seriousIllness = random() < 0.08
      const single = random() < 0.1
      const members: Array<typeof householdMembers.$inferInsert> = []
      for (let k = 0; k < size; k++) {
        const gender = k === 0 ? (single || random() < 0.3 ? 'female' : 'male') : random() < 0.5 ? 'female' : 'male'
        const age = k === 0 ? 25 + Math.floor(random() * 35) : Math.floor(random() * 80)
        const disabled = random() < 0.07
        const grade = disabled ? 1 + Math.floor(random() * 4) : null
        if (grade) grades.push(grade)
        const memberId = randomUUID()
        const employment: EmploymentStatus = age < 16 ? 'student' : age > 62 ? 'retired' : pick(['unemployed', 'underemployed', 'farming', 'employed', 'unemployed'] as const)
        members.push({
          id: memberId, householdId: id, fullName: surname + pick(gender === 'female' ? femaleGiven : maleGiven), isHead: k === 0,
          birthDate: `${today.getUTCFullYear() - age}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
          gender, education: age < 7 ? 'none' : pick(educations), health: seriousIllness && k === 0 ? 'serious_illness' : random() < 0.15 ? 'chronic_illness' : 'healthy',
          disabilityType: disabled ? pick(disabilities) : null, disabilityGrade: grade, usesWheelchair: disabled && grade! <= 2 && random() < 0.5,
          employmentStatus: employment, workRadius: pick(radii), hoursPreference: pick(['full_time', 'full_time', 'part_time', 'flexible'] as const),
          remoteOnly: false, needsChildcareHours: single && k === 0,
        })
        if (age >= 16 && age <= 62) {
          const pool = skillsByArea[area] ?? skillsByArea['52']!
          const taken = new Set<string>()
          for (let s = Math.floor(random() * 3); s > 0; s--) {
            const code = pick(pool)
            if (taken.has(code) || !knownSkills.has(code)) continue
            taken.add(code)
            sRows.push({ memberId, skillCode: code, level: pick(levels) })
          }
        }
      }
      const needs = new Map<string, number>()
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) needs.set(pick(needPool), 1 + Math.floor(random() * 3))
      const rigid = { medicalMonthly: (seriousIllness ? 600 + random() * 1500 : random() * 300).toFixed(2), schoolingMonthly: (random() * 400).toFixed(2), housingMonthly: (random() < 0.2 ? random() * 600 : 0).toFixed(2), careMonthly: (random() * 200).toFixed(2) }
      const flags = { disasterAffected: random() < 0.03, leftBehindChild: random() < 0.12, leftBehindElderly: random() < 0.15, recentJobLoss: random() < 0.1 }
      const debt = (random() < 0.4 ? Math.floor(random() * 50000) : 0).toFixed(2)
      const risk = assessRisk({ memberCount: size, incomePerCapitaMonthly: income, ...rigid, debtYuan: debt, seriousIllness, singleParent: single, ...flags, disabilityGrades: grades, minimumLivingStandard: standardFor(region, standards) ?? '500' })
      hRows.push({
        id, regionCode: region, caseworkerId: cwFor(region), consentGiven: random() < 0.92, consentChangedAt: today, incomePerCapitaMonthly: income,
        incomeSources: [pick(['farming', 'wages', 'dibao', 'transfers'] as const)], housingType: pick(housingPool), landMu: (random() * 5).toFixed(2),
        vehicleCount: random() < 0.2 ? 1 : 0, savingsBand: pick(['none', 'none', 'under_5k', '5k_20k'] as const), ...rigid, seriousIllness, singleParent: single, ...flags,
        debtYuan: debt, riskTier: risk.tier, riskReasons: risk.reasons, nextReviewOn: nextReviewDate(risk.tier, new Date(today.getTime() - Math.floor(random() * 300) * 86_400_000)),
      })
      mRows.push(...members)
      for (const [category, priority] of needs) nRows.push({ householdId: id, category, priority })
      vRows.push({ householdId: id, version: 1, snapshot: { seeded: true }, changedFields: [] })
    }
    await db.transaction(async (tx) => {
      await tx.insert(households).values(hRows)
      for (let i = 0; i < mRows.length; i += 2000) await tx.insert(householdMembers).values(mRows.slice(i, i + 2000))
      for (let i = 0; i < sRows.length; i += 5000) await tx.insert(memberSkills).values(sRows.slice(i, i + 5000))
      for (let i = 0; i < nRows.length; i += 5000) await tx.insert(householdNeeds).values(nRows.slice(i, i + 5000))
      await tx.insert(householdVersions).values(vRows)
    })
    created += n
    if ((done / batch) % 10 === 9) log(`  households: ${existing + created} …`)
  }
  return { created, total: existing + created }
}
