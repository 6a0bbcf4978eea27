// Near-duplicate detection: precision on a labelled set of pairs, and the decision workflow.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, listingDuplicateFlags } from '@db/schema'
import { decideDuplicateFlag, detectDuplicates, isLikelyDuplicate, listDuplicateFlags, type ComparableListing } from '~/models/listing-duplicates.server'
import { createListing } from '~/models/listing.server'
import { db } from '~/utils/db.server'
import { listingInput } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'

let n = 0
function listing(org: string, title: string, description: string, extra: Partial<ComparableListing> = {}): ComparableListing {
  return { id: `l${++n}`, organizationId: org, kind: 'training', regionCode: '522634', categories: ['skills_training'], startsOn: '2027-03-01', endsOn: '2027-06-30', title, description, ...extra }
}

/** [a, b, is it really the same offer?] — written by hand from the kinds of overlap seed 002 §2.1.1 describes. */
const labelled: Array<[ComparableListing, ComparableListing, boolean]> = [
  [listing('union', '雷山县苗绣技能培训班', '面向农村妇女开展苗绣技能培训，结业颁发证书。'), listing('women', '雷山县苗绣技能培训班（第二期）', '组织农村妇女参加苗绣技能培训，结业发证书。'), true],
  [listing('union', '电商直播带货培训', '学习短视频拍摄与直播带货，推广雷山银饰和苗绣。'), listing('youth', '电商直播带货技能培训', '短视频拍摄、直播带货技巧，帮助推广雷山苗绣银饰。'), true],
  [listing('union', '家政服务员培训', '培训家政服务、母婴护理技能，推荐到凯里就业。'), listing('women', '家政服务员技能培训班', '家政服务与母婴护理技能培训，推荐凯里家政公司就业。'), true],
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('science', '焊工实操培训班', '电焊及氩弧焊实操培训，帮助考取特种作业操作证。'), true],
  [listing('union', '茶叶种植技术培训', '茶园管理、病虫害防治与采茶技术培训。'), listing('science', '茶叶种植与管理技术培训', '茶园管理、采茶技术及病虫害防治培训。'), true],
  [listing('disabled', '残疾人盲人按摩培训', '为视力残疾人开展保健按摩技能培训，结业推荐就业。'), listing('women', '盲人保健按摩技能培训', '视力残疾人保健按摩技能培训，结业后推荐就业。'), true],
  [listing('union', '电工上岗培训', '低压电工作业培训，考取电工操作证。'), listing('youth', '低压电工上岗证培训', '低压电工作业技能培训，帮助考取电工操作证。'), true],
  [listing('ent1', '电子厂招聘普工', '招聘电子装配普工，包吃住，月薪四千。', { kind: 'job', categories: ['employment'] }), listing('ent2', '电子厂招聘装配普工', '电子装配普工若干，包吃包住，月薪四千元。', { kind: 'job', categories: ['employment'] }), true],
  [listing('union', '育婴员培训', '科学育儿、婴幼儿照护技能培训，考取育婴员证书。'), listing('women', '育婴员技能培训班', '婴幼儿照护与科学育儿培训，帮助考取育婴员证书。'), true],
  [listing('union', '中式烹调师培训', '黔东南特色菜烹调技能培训，考取中式烹调师证。'), listing('youth', '中式烹调师技能培训', '学习黔东南特色菜烹调，考取中式烹调师证书。'), true],
  // Different offers that share words or place.
  [listing('union', '雷山县苗绣技能培训班', '面向农村妇女开展苗绣技能培训，结业颁发证书。'), listing('women', '雷山县银饰锻造技艺培训', '传授苗族银饰锻造技艺，培养非遗传承人。'), false],
  [listing('union', '电商直播带货培训', '学习短视频拍摄与直播带货，推广雷山银饰和苗绣。'), listing('youth', '计算机基础操作培训', '学习电脑基础、办公软件和网上办事。'), false],
  [listing('union', '家政服务员培训', '培训家政服务、母婴护理技能，推荐到凯里就业。'), listing('women', '养老护理员培训', '失能老人照护、康复护理技能培训，推荐到养老院就业。'), false],
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('science', '电工技能培训', '低压电工作业培训，考取电工操作证。'), false],
  [listing('union', '茶叶种植技术培训', '茶园管理、病虫害防治与采茶技术培训。'), listing('science', '食用菌种植技术培训', '香菇、木耳大棚种植与菌棒管理培训。'), false],
  [listing('union', '中式烹调师培训', '黔东南特色菜烹调技能培训，考取中式烹调师证。'), listing('youth', '中式面点师培训', '学习包子、馒头、米粉等面点制作，考取面点师证书。'), false],
  [listing('ent1', '电子厂招聘普工', '招聘电子装配普工，包吃住，月薪四千。', { kind: 'job', categories: ['employment'] }), listing('ent2', '物流公司招聘快递分拣员', '快递分拣、装卸，按件计酬，提供午餐。', { kind: 'job', categories: ['employment'] }), false],
  // The same text but structurally not a duplicate: the same organization, another county, no date overlap, another kind.
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), false],
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('women', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。', { regionCode: '522630' }), false],
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('women', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。', { startsOn: '2028-01-01', endsOn: '2028-03-01' }), false],
  [listing('union', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。'), listing('women', '焊工技能培训', '电焊、氩弧焊实操培训，考取特种作业操作证。', { kind: 'job' }), false],
  [listing('union', '育婴员培训', '科学育儿、婴幼儿照护技能培训，考取育婴员证书。'), listing('women', '育婴员培训', '科学育儿、婴幼儿照护技能培训，考取育婴员证书。', { categories: ['childcare'] }), false],
]

describe('near-duplicate detection', () => {
  it('has high precision on the labelled pairs', () => {
    let tp = 0
    let fp = 0
    let fn = 0
    for (const [a, b, truth] of labelled) {
      const { duplicate } = isLikelyDuplicate(a, b)
      if (process.env.DEBUG_DUPLICATES) console.log(a.title, '|', b.title, truth, isLikelyDuplicate(a, b).similarity.toFixed(3))
      if (duplicate && truth) tp++
      else if (duplicate && !truth) fp++
      else if (!duplicate && truth) fn++
    }
    const precision = tp / Math.max(1, tp + fp)
    const recall = tp / Math.max(1, tp + fn)
    console.log(`near-duplicate detection on ${labelled.length} labelled pairs: precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}% (tp ${tp}, fp ${fp}, fn ${fn})`)
    expect(precision).toBeGreaterThanOrEqual(0.9)
    expect(recall).toBeGreaterThanOrEqual(0.7)
  })

  it('flags once per pair, and either organization or an admin decides; others cannot', async () => {
    const orgA = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'trade_union' })
    const orgB = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
    const a = { ...(await makeUser({ role: 'org_member', organizationId: orgA.id })), role: 'org_member' as const, organizationId: orgA.id }
    const b = { ...(await makeUser({ role: 'org_member', organizationId: orgB.id })), role: 'org_member' as const, organizationId: orgB.id }
    const values = { title: '雷山县焊工技能培训', description: '电焊、氩弧焊实操培训，考取特种作业操作证，推荐就业。' }
    const first = await createListing(a, listingInput('training', values), { publish: true })
    const second = await createListing(b, listingInput('training', values), { publish: true })
    if (!first.ok || !second.ok) throw new Error('create failed')
    expect(await detectDuplicates(second.id)).toHaveLength(1)
    // Running again (a retried job, or the other side's publish) flags nothing new.
    expect(await detectDuplicates(second.id)).toHaveLength(0)
    expect(await detectDuplicates(first.id)).toHaveLength(0)
    const flags = await listDuplicateFlags(b)
    expect(flags).toHaveLength(1)
    const outsider = await makeUser({ role: 'org_member' })
    expect(await decideDuplicateFlag({ id: outsider.id, role: 'org_member', organizationId: outsider.organizationId }, flags[0]!.id, 'distinct')).toBeNull()
    expect(await decideDuplicateFlag(a, flags[0]!.id, 'coordinate')).toEqual({ id: flags[0]!.id, status: 'coordinate' })
    const admin = await makeUser({ role: 'admin' })
    expect((await listDuplicateFlags({ role: 'admin', organizationId: null })).map((f) => f.status)).toContain('coordinate')
    expect(await decideDuplicateFlag({ id: admin.id, role: 'admin', organizationId: null }, flags[0]!.id, 'distinct')).toMatchObject({ status: 'distinct' })
    const [row] = await db.select().from(listingDuplicateFlags).where(eq(listingDuplicateFlags.id, flags[0]!.id))
    expect(row).toMatchObject({ status: 'distinct', decidedById: admin.id })
    const audit = await db.select().from(auditEntries).where(eq(auditEntries.entityId, flags[0]!.id))
    expect(audit.map((e) => e.action).sort()).toEqual(['listing_duplicate.coordinate', 'listing_duplicate.distinct', 'listing_duplicate.flag'])
  })
})
