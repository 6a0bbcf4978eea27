// The organization's listing pages and the public browse page, through the real Remix build.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listings } from '@db/schema'
import { getSearchEngine } from '@search/index'
import { loadSearchDocument } from '~/models/listing.server'
import { db } from '~/utils/db.server'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

/** A job form as a browser posts it without JavaScript: blank extra rows included. */
function jobForm(overrides: Record<string, string | string[]> = {}) {
  return {
    kind: 'job',
    title: '雷山县电子厂招聘焊工',
    position: '焊工',
    description: '招聘熟练焊工，提供宿舍，每月休息四天。',
    regionCode: '522634',
    categories: 'employment',
    targetGroups: ['rural_low_income', 'unemployed_over_45'],
    startsOn: '2027-01-01',
    endsOn: '2027-12-31',
    capacity: '5',
    contactMethod: '电话 0855-3331234',
    'skills[0].code': 'welding',
    'skills[0].level': 'intermediate',
    'skills[1].code': '',
    'skills[1].level': 'beginner',
    'skills[2].code': '',
    'skills[2].level': 'beginner',
    wageMin: '4000',
    wageMax: '5500',
    wagePeriod: 'month',
    hoursPerWeek: '',
    hoursDescription: '',
    workplaceRegionCode: '522634',
    ageMin: '',
    ageMax: '',
    minEducation: '',
    eligibleGender: '',
    intent: 'publish',
    ...overrides,
  }
}

async function orgClient(options: { verified?: boolean; locale?: 'zh-CN' | 'en' } = {}) {
  const org = await makeOrganization({ verified: options.verified ?? true })
  const user = await makeUser({ role: 'org_member', organizationId: org.id })
  const client = new TestClient(options.locale)
  await client.logIn(user.username, user.password)
  return { client, org }
}

describe('organization listing pages', () => {
  it('creates and publishes a job from the form, ignoring blank skill rows', async () => {
    const { client, org } = await orgClient()
    const response = await client.post('/org/listings/new?kind=job', jobForm())
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/org/listings?status=published')
    const [row] = await db.select().from(listings).where(eq(listings.organizationId, org.id))
    expect(row).toMatchObject({ status: 'published', title: '雷山县电子厂招聘焊工', targetGroups: ['rural_low_income', 'unemployed_over_45'] })
    const page = textOf(await (await client.get('/org/listings')).text())
    expect(page).toContain('雷山县电子厂招聘焊工')
    expect(page).toContain('已发布')
    // The public page shows it (the index is filled by the worker; here we index directly).
    await getSearchEngine().index([(await loadSearchDocument(db, row!.id))!])
    const visitor = new TestClient()
    const browse = textOf(await (await visitor.get(`/listings?q=${encodeURIComponent('焊工')}&kind=job`)).text())
    expect(browse).toContain('雷山县电子厂招聘焊工')
    const detail = textOf(await (await visitor.get(`/listings/${row!.id}`)).text())
    expect(detail).toContain('4000.00–5500.00 元/每月')
    const profile = textOf(await (await visitor.get(`/organizations/${org.id}`)).text())
    expect(profile).toContain('已认证')
    expect(profile).toContain('雷山县电子厂招聘焊工')
  })

  it('shows every field error in Chinese and saves nothing', async () => {
    const { client, org } = await orgClient()
    const response = await client.post('/org/listings/new?kind=job', jobForm({ title: '', wageMin: '4000.123', categories: [], endsOn: '2026-01-01', 'skills[0].code': 'no_such_skill' }))
    expect(response.status).toBe(400)
    const text = textOf(await response.text())
    expect(text).toContain('此项为必填项')
    expect(text).toContain('请输入金额（元），最多两位小数')
    expect(text).toContain('请至少选择一项')
    expect(await db.select().from(listings).where(eq(listings.organizationId, org.id))).toHaveLength(0)
  })

  it('reports an error on the row the person filled in, even after a blank row', async () => {
    const { client } = await orgClient()
    const response = await client.post('/org/listings/new?kind=job', jobForm({ 'skills[2].code': 'no_such_skill', 'skills[2].level': 'advanced' }))
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(textOf(html)).toContain('技能目录中没有这项技能')
    // The unknown skill is now the second row, and the form shows it there with its error.
    expect(html).toMatch(/name="skills\[1\]\.code"[^>]*aria-invalid="true"/)
  })

  it('shows the errors in English for an English visitor', async () => {
    const { client } = await orgClient({ locale: 'en' })
    const response = await client.post('/org/listings/new?kind=job', jobForm({ wageMin: '6000', wageMax: '5000' }))
    expect(response.status).toBe(400)
    expect(textOf(await response.text())).toContain('The maximum wage cannot be below the minimum wage')
    const project = await client.post('/org/listings/new?kind=project', {
      kind: 'project',
      title: '留守儿童课后托管项目',
      description: '在三个村开设课后托管点，由社会组织认领运营。',
      regionCode: '522634',
      categories: 'childcare',
      startsOn: '2027-01-01',
      endsOn: '2027-12-31',
      contactMethod: '电话 0855-3331234',
      durationMonths: '12',
      budget: '100000',
      'milestones[0].title': '托管点建成',
      'milestones[0].dueOn': '2027-03-01',
      'milestones[0].budgetSharePercent': '30',
      'milestones[0].evidenceRequired': '照片',
      'milestones[1].title': '',
      'milestones[1].dueOn': '',
      'milestones[1].budgetSharePercent': '',
      'milestones[1].evidenceRequired': '',
      intent: 'save',
    })
    expect(project.status).toBe(400)
    expect(textOf(await project.text())).toContain('Milestone budget shares must add up to 100%; they add up to 30.00%')
  })

  it('lets an unverified organization save a draft but refuses to publish, saying why', async () => {
    const { client, org } = await orgClient({ verified: false })
    const refused = await client.post('/org/listings/new?kind=job', jobForm())
    expect(refused.status).toBe(409)
    expect(textOf(await refused.text())).toContain('您的组织尚未通过平台审核')
    const draft = await client.post('/org/listings/new?kind=job', jobForm({ intent: 'save' }))
    expect(draft.status).toBe(302)
    const [row] = await db.select().from(listings).where(eq(listings.organizationId, org.id))
    expect(row!.status).toBe('draft')
    const publish = await client.post('/org/listings?index', { listingId: row!.id, intent: 'publish' })
    expect(publish.status).toBe(409)
  })

  it("edits through the form, versioned; another organization's listing is a 404", async () => {
    const { client, org } = await orgClient()
    await client.post('/org/listings/new?kind=job', jobForm({ intent: 'save' }))
    const [row] = await db.select().from(listings).where(eq(listings.organizationId, org.id))
    const form = textOf(await (await client.get(`/org/listings/${row!.id}`)).text())
    expect(form).toContain('第 1 版')
    const saved = await client.post(`/org/listings/${row!.id}`, jobForm({ wageMax: '6000', intent: 'save', expectedVersion: '1' }))
    expect(saved.status).toBe(302)
    const [after] = await db.select().from(listings).where(eq(listings.id, row!.id))
    expect(after!.version).toBe(2)
    const stale = await client.post(`/org/listings/${row!.id}`, jobForm({ wageMax: '6500', intent: 'save', expectedVersion: '1' }))
    expect(stale.status).toBe(409)
    const { client: stranger } = await orgClient()
    expect((await stranger.get(`/org/listings/${row!.id}`)).status).toBe(404)
    expect((await stranger.post('/org/listings?index', { listingId: row!.id, intent: 'close' })).status).toBe(404)
    // Drafts are not public.
    expect((await new TestClient().get(`/listings/${row!.id}`)).status).toBe(404)
  })
})

describe('browse page', () => {
  it('suggests how to broaden when nothing matches', async () => {
    const text = textOf(await (await new TestClient().get(`/listings?q=${encodeURIComponent('不存在的岗位名称')}&region=522634`)).text())
    expect(text).toContain('没有找到符合条件的帮扶资源')
    expect(text).toContain('扩大到贵州省 / 黔东南苗族侗族自治州')
    expect(text).toContain('去掉所有筛选条件')
  })

  it('says which conditions of a bad link it ignored (400), still answers, and exports only valid filters', async () => {
    const response = await new TestClient().get(`/listings?kind=job&kind=jobz&region=52x&page=abc&sort=best&q=${'焊'.repeat(101)}`)
    expect(response.status).toBe(400)
    const html = await response.text()
    const text = textOf(html)
    expect(text).toContain('以下条件无效，已忽略（下面的结果未按它们筛选）：搜索词（最多 100 字）、类型、地区、排序、页码。')
    expect(text).toContain('共找到')
    // The export links carry what the page used: kind=job, not the unknown kind or the bad region.
    expect(html).toContain('href="/listings.csv?kind=job"')
    const searched = textOf(await (await new TestClient().get(`/listings?q=${encodeURIComponent('焊工')}&kind=job`)).text())
    expect(searched).toContain('导出符合筛选条件的全部资源（文件不按搜索词筛选）')
    const good = await new TestClient().get('/listings?kind=job&region=&sort=newest')
    expect(good.status).toBe(200)
    expect(textOf(await good.text())).not.toContain('已忽略')
    const english = textOf(await (await new TestClient('en').get('/listings?category=nothing')).text())
    expect(english).toContain('These conditions were not valid and were ignored (the results below are not filtered by them): category.')
  })
})

describe('admin pages', () => {
  it('lists every organization with its verification state, and the duplicate flags', async () => {
    await makeOrganization({ name: '待审核的测试组织', verified: false })
    const admin = await makeUser({ role: 'admin' })
    const client = new TestClient()
    await client.logIn(admin.username, admin.password)
    const text = textOf(await (await client.get('/admin/organizations')).text())
    expect(text).toContain('待审核的测试组织')
    expect(text).toContain('待审核')
    expect((await client.get('/admin/duplicates')).status).toBe(200)
    const { client: member } = await orgClient()
    expect((await member.get('/admin/organizations')).status).toBe(403)
  })
})
