// Demo listings of all four kinds from templates (zh-CN), spread over the demo organizations
// and the regions under each one's seat. Repeatable: ids are deterministic (derived from the
// listing's seed number), so a second run inserts nothing that is already there. Batched.
import { createHash } from 'node:crypto'
import { and, inArray, like, or, sql } from 'drizzle-orm'
import type { Database } from '../client'
import {
  donationDetails,
  jobDetails,
  listings,
  listingSkills,
  listingVersions,
  organizations,
  projectDetails,
  projectMilestones,
  regions,
  skills,
  trainingDetails,
  type ListingKind,
  type ListingStatus,
} from '../schema'
import type { NeedCategory, TargetGroup } from '../schema/taxonomy/constants'

/** Deterministic UUID (version-4 layout) from a seed key. */
export function seedUuid(key: string) {
  const h = createHash('sha1').update(`gongjian-seed:${key}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** A small deterministic PRNG (mulberry32), so every run generates the same listings. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Skill = { code: string; nameZh: string; domain: string }

const jobTemplates = [
  (s: Skill, place: string, org: string) => ({ title: `${place}招聘${s.nameZh}`, description: `${org}现招聘${s.nameZh}岗位，有经验者优先，无经验可带薪培训。工作地点在${place}，按时足额发放工资，缴纳社会保险。` }),
  (s: Skill, place: string, org: string) => ({ title: `${s.nameZh}岗位（${place}）`, description: `因生产需要，${org}招收${s.nameZh}若干名。欢迎农村低收入人口、大龄失业人员报名，岗前免费培训，提供工作餐。` }),
  (s: Skill, place: string) => ({ title: `${place}就近就业：${s.nameZh}`, description: `在家门口就业，${s.nameZh}工作时间灵活，可兼顾照顾家庭，适合留守妇女和单亲母亲。` }),
]
const trainingTemplates = [
  (s: Skill, place: string, org: string) => ({ title: `${s.nameZh}技能培训班`, description: `${org}在${place}开办${s.nameZh}技能培训，理论与实操结合，结业颁发培训合格证书，优秀学员推荐就业。` }),
  (s: Skill, place: string) => ({ title: `${place}${s.nameZh}免费培训`, description: `面向困难家庭劳动力的${s.nameZh}免费培训，提供午餐和交通补贴，培训结束后组织专场招聘会。` }),
  (s: Skill, place: string) => ({ title: `${s.nameZh}提升培训（${place}）`, description: `为已有基础的学员开设${s.nameZh}提升课程，帮助考取职业技能等级证书，提高收入。` }),
]
const donationTemplates = [
  { item: '棉被', unit: '条', title: (p: string) => `${p}冬季棉被捐赠`, description: '为留守老人和困难家庭捐赠全新棉被，由村（社区）统一登记发放。', category: 'material_aid' as NeedCategory },
  { item: '书包文具', unit: '套', title: (p: string) => `${p}留守儿童书包文具捐赠`, description: '为留守儿童捐赠书包和文具套装，开学前送到学校。', category: 'education' as NeedCategory },
  { item: '轮椅', unit: '台', title: (p: string) => `${p}残疾人轮椅捐赠`, description: '为行动不便的残疾人捐赠轮椅，残联协助评估适配。', category: 'rehabilitation' as NeedCategory },
  { item: '大米', unit: '千克', title: (p: string) => `${p}困难家庭粮油捐赠`, description: '节日前为低保、特困家庭捐赠大米和食用油。', category: 'material_aid' as NeedCategory },
  { item: null, unit: null, title: (p: string) => `${p}困难学生助学金募捐`, description: '募集助学金，资助困难家庭学生完成学业，资金全程托管、按学期拨付。', category: 'education' as NeedCategory },
  { item: null, unit: null, title: (p: string) => `${p}大病救助募捐`, description: '为因病致贫家庭募集医疗救助资金，经核实后拨付。', category: 'medical_aid' as NeedCategory },
]
const projectTemplates = [
  { title: (p: string) => `${p}留守儿童关爱服务项目`, description: '在村（社区）设立儿童之家，开展课后托管、心理疏导和亲情连线服务。', categories: ['childcare', 'psychological_support'] as NeedCategory[], groups: ['left_behind_children'] as TargetGroup[] },
  { title: (p: string) => `${p}居家养老探访项目`, description: '组织志愿者定期探访留守老人和独居老人，提供助餐、助洁和健康监测。', categories: ['elderly_care'] as NeedCategory[], groups: ['left_behind_elderly'] as TargetGroup[] },
  { title: (p: string) => `${p}特色产业帮扶项目`, description: '扶持合作社发展特色种养殖，提供技术指导和销售渠道，带动困难家庭增收。', categories: ['industry_support', 'employment'] as NeedCategory[], groups: ['rural_low_income'] as TargetGroup[] },
  { title: (p: string) => `${p}残疾人社区康复项目`, description: '建设社区康复站，为残疾人提供康复训练、辅具适配和家庭支持。', categories: ['rehabilitation'] as NeedCategory[], groups: ['disabled_persons'] as TargetGroup[] },
]

const kindsByOrg: Record<string, ListingKind[]> = {
  enterprise: ['job', 'job', 'job', 'training', 'donation'],
  social_org: ['project', 'project', 'training', 'donation'],
  mass_org: ['training', 'training', 'donation', 'project', 'job'],
}

const iso = (d: Date) => d.toISOString().slice(0, 10)

export async function seedListings(db: Database, count: number, log: (msg: string) => void = () => {}) {
  if (count <= 0) return { created: 0 }
  const orgs = await db.select({ id: organizations.id, name: organizations.name, kind: organizations.kind, regionCode: organizations.regionCode, verifiedAt: organizations.verifiedAt }).from(organizations).orderBy(organizations.name)
  if (!orgs.length) return { created: 0 }
  const skillRows: Skill[] = await db.select({ code: skills.code, nameZh: skills.nameZh, domain: skills.domain }).from(skills).orderBy(skills.code)
  const regionRows = await db
    .select({ code: regions.code, name: regions.name, level: regions.level })
    .from(regions)
    .where(and(inArray(regions.level, ['county', 'township']), or(...orgs.map((o) => like(regions.code, `${o.regionCode}%`)))))
  const placesByOrg = new Map(orgs.map((o) => [o.id, regionRows.filter((r) => r.code.startsWith(o.regionCode))]))
  const rand = random(20261124)
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!
  // Dates hang off the first day of the current month: a fresh database always gets listings
  // that are open now (no seed that silently expires), and reruns within a month are identical.
  // Rows are keyed by deterministic ids, so a later rerun never duplicates them either way.
  const now = new Date()
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  let created = 0
  const batchSize = 250
  for (let start = 0; start < count; start += batchSize) {
    const rows: Array<typeof listings.$inferInsert> = []
    const jobs: Array<typeof jobDetails.$inferInsert> = []
    const trainings: Array<typeof trainingDetails.$inferInsert> = []
    const donations: Array<typeof donationDetails.$inferInsert> = []
    const projects: Array<typeof projectDetails.$inferInsert> = []
    const milestones: Array<typeof projectMilestones.$inferInsert> = []
    const skillLinks: Array<typeof listingSkills.$inferInsert> = []
    const versions: Array<typeof listingVersions.$inferInsert> = []
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const id = seedUuid(`listing-${i}`)
      const org = orgs[i % orgs.length]!
      const places = placesByOrg.get(org.id)!
      const place = places.length ? pick(places) : { code: org.regionCode, name: '' }
      const placeName = place.name
      const kind = pick(kindsByOrg[org.kind]!)
      const skill = pick(skillRows)
      const startsOn = new Date(today.getTime() + Math.floor(rand() * 240 - 60) * 86400000)
      const endsOn = new Date(startsOn.getTime() + (kind === 'project' ? 365 : 30 + Math.floor(rand() * 300)) * 86400000)
      const roll = rand()
      const status: ListingStatus = !org.verifiedAt ? 'draft' : roll < 0.8 ? 'published' : roll < 0.88 ? 'draft' : roll < 0.94 ? 'paused' : 'closed'
      const publishedAt = status === 'draft' ? null : new Date(today.getTime() - Math.floor(rand() * 120) * 86400000)
      const groups = [pick(['rural_low_income', 'unemployed_over_45', 'single_mothers', 'disabled_persons', 'left_behind_elderly', 'left_behind_children'] as TargetGroup[])]
      let text: { title: string; description: string }
      let categories: NeedCategory[]
      let capacity: number | null = null
      if (kind === 'job') {
        text = pick(jobTemplates)(skill, placeName, org.name)
        categories = ['employment']
        capacity = 1 + Math.floor(rand() * 30)
        const wageMin = 2200 + Math.floor(rand() * 30) * 100
        jobs.push({ listingId: id, position: skill.nameZh, wageMin: wageMin.toFixed(2), wageMax: (wageMin + 500 + Math.floor(rand() * 20) * 100).toFixed(2), wagePeriod: 'month', hoursPerWeek: 40 + Math.floor(rand() * 5), hoursDescription: '', workplaceRegionCode: place.code })
        skillLinks.push({ listingId: id, skillCode: skill.code, role: 'required', level: pick(['beginner', 'intermediate'] as const) })
      } else if (kind === 'training') {
        text = pick(trainingTemplates)(skill, placeName, org.name)
        categories = ['skills_training']
        capacity = 10 + Math.floor(rand() * 40)
        trainings.push({ listingId: id, schedule: pick(['每周六、日全天，共 4 周', '工作日晚上 19:00-21:00，共 6 周', '集中培训 15 天']), costYuan: rand() < 0.85 ? '0.00' : '300.00', certificate: '培训合格证书', delivery: pick(['on_site', 'on_site', 'hybrid', 'remote'] as const), prerequisites: '', placementPartner: null })
        skillLinks.push({ listingId: id, skillCode: skill.code, role: 'taught', level: 'beginner' })
      } else if (kind === 'donation') {
        const t = pick(donationTemplates)
        text = { title: t.title(placeName), description: t.description }
        categories = [t.category]
        capacity = 20 + Math.floor(rand() * 200)
        donations.push(
          t.item
            ? { listingId: id, donationType: 'in_kind', itemKind: t.item, itemUnit: t.unit!, quantity: (50 + Math.floor(rand() * 500)).toFixed(3), condition: 'new', eligibility: '低保、特困及监测户优先', deliveryRegionCode: place.code }
            : { listingId: id, donationType: 'money', targetAmount: (10000 + Math.floor(rand() * 90) * 1000).toFixed(2), eligibility: '经村委会和社工核实的困难家庭', deliveryRegionCode: place.code },
        )
      } else {
        const t = pick(projectTemplates)
        text = { title: t.title(placeName), description: t.description }
        categories = t.categories
        groups.splice(0, groups.length, ...t.groups)
        capacity = 30 + Math.floor(rand() * 100)
        projects.push({ listingId: id, durationMonths: 12, budget: (50000 + Math.floor(rand() * 40) * 5000).toFixed(2), claimOpen: true })
        const shares = ['30.00', '40.00', '30.00']
        const titles = ['启动与需求评估', '服务开展中期评估', '结项评估']
        shares.forEach((share, k) =>
          milestones.push({ listingId: id, seq: k + 1, title: titles[k]!, dueOn: iso(new Date(startsOn.getTime() + (k + 1) * 120 * 86400000)), budgetSharePercent: share, evidenceRequired: '服务台账、照片和受益人签收' }),
        )
      }
      rows.push({
        id,
        organizationId: org.id,
        kind,
        status,
        title: text.title.slice(0, 120),
        description: text.description,
        regionCode: place.code,
        categories,
        targetGroups: groups,
        startsOn: iso(startsOn),
        endsOn: iso(endsOn),
        capacity,
        contactMethod: `电话 0855-${String(3000000 + i).slice(-7)}`,
        publishedAt,
        closedAt: status === 'closed' ? today : null,
      })
      versions.push({ listingId: id, version: 1, status, snapshot: { seeded: true, title: text.title }, changedFields: [] })
    }
    await db.transaction(async (tx) => {
      const inserted = await tx.insert(listings).values(rows).onConflictDoNothing().returning({ id: listings.id })
      const fresh = new Set(inserted.map((r) => r.id))
      created += fresh.size
      const only = <T extends { listingId: string }>(items: T[]) => items.filter((r) => fresh.has(r.listingId))
      if (only(jobs).length) await tx.insert(jobDetails).values(only(jobs))
      if (only(trainings).length) await tx.insert(trainingDetails).values(only(trainings))
      if (only(donations).length) await tx.insert(donationDetails).values(only(donations))
      if (only(projects).length) await tx.insert(projectDetails).values(only(projects))
      if (only(milestones).length) await tx.insert(projectMilestones).values(only(milestones))
      if (only(skillLinks).length) await tx.insert(listingSkills).values(only(skillLinks))
      if (only(versions).length) await tx.insert(listingVersions).values(only(versions))
    })
  }
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(listings)
  log(`listings: ${created} created (${n} in total)`)
  return { created }
}
