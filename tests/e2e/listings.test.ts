// Browser journey: an admin verifies an organization; its member publishes one listing of each
// kind through the forms (and meets validation errors in Chinese); a visitor finds the job by a
// Chinese keyword and a facet. The real worker process keeps the search index in sync.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ seed: true, workers: true })

const JOURNEY = 'listings'

async function fillCommon(page: Page, values: { title: string; description: string; category: string; region?: string }) {
  await page.locator('[name="title"]').fill(values.title)
  await page.locator('[name="description"]').fill(values.description)
  await page.locator('select[name="regionCode"]').selectOption(values.region ?? '522630')
  await page.locator(`input[name="categories"][value="${values.category}"]`).check()
  await page.locator('input[name="targetGroups"][value="single_mothers"]').check()
  await page.locator('[name="startsOn"]').fill('2027-03-01')
  await page.locator('[name="endsOn"]').fill('2027-12-31')
  await page.locator('[name="capacity"]').fill('20')
  await page.locator('[name="contactMethod"]').fill('电话 0855-5321234')
}

async function publish(page: Page) {
  await Promise.all([page.waitForURL((url) => url.pathname === '/org/listings'), page.getByRole('button', { name: '保存并发布' }).click()])
}

describe('listings journey', () => {
  it('an admin verifies the organization, its member publishes one listing of each kind, a visitor finds the job', async () => {
    // 1. The admin verifies the organization awaiting verification.
    const adminContext = await newChineseContext(journey.browser)
    const admin = await adminContext.newPage()
    await logInThroughForm(admin, journey.server.baseUrl, 'admin', DEMO_PASSWORD)
    const row = admin.locator('tr', { hasText: '台江县巧手姐妹互助服务中心' })
    await row.getByRole('button', { name: '审核通过' }).click()
    await row.waitFor({ state: 'detached' })
    await adminContext.close()

    // 2. Its member creates and publishes a job; a first try with mistakes shows Chinese errors.
    const orgContext = await newChineseContext(journey.browser)
    const org = await orgContext.newPage()
    await logInThroughForm(org, journey.server.baseUrl, 'org_taijiang_coop', DEMO_PASSWORD)
    await org.goto(`${journey.server.baseUrl}/org/listings/new?kind=job`)
    await fillCommon(org, { title: '台江县刺绣加工厂招聘缝纫工', description: '招聘缝纫工，计件工资，可带孩子上班，提供午餐。', category: 'employment' })
    await org.locator('[name="position"]').fill('缝纫工')
    await org.locator('select[name="skills[0].code"]').selectOption('sewing')
    await org.locator('[name="wageMin"]').fill('3500')
    await org.locator('[name="wageMax"]').fill('3000.555')
    await org.locator('select[name="workplaceRegionCode"]').selectOption('522630')
    await org.getByRole('button', { name: '保存并发布' }).click()
    await org.getByText('请输入金额（元），最多两位小数').waitFor()
    await snap(org, JOURNEY, 'job-errors-zh')
    await org.locator('[name="wageMax"]').fill('3000')
    await org.getByRole('button', { name: '保存并发布' }).click()
    await org.getByText('最高工资不能低于最低工资').waitFor()
    await org.locator('[name="wageMax"]').fill('4800')
    await publish(org)
    await org.getByText('台江县刺绣加工厂招聘缝纫工').waitFor()

    // Training.
    await org.goto(`${journey.server.baseUrl}/org/listings/new?kind=training`)
    await fillCommon(org, { title: '苗绣电商直播培训班', description: '学习苗绣产品拍摄和直播带货，结业颁发证书。', category: 'skills_training' })
    await org.locator('select[name="skills[0].code"]').selectOption('livestreaming')
    await org.locator('[name="schedule"]').fill('每周六上午，共 6 周')
    await org.locator('[name="costYuan"]').fill('0')
    await org.locator('select[name="delivery"]').selectOption('on_site')
    await publish(org)

    // Donation (in kind).
    await org.goto(`${journey.server.baseUrl}/org/listings/new?kind=donation`)
    await fillCommon(org, { title: '单亲母亲家庭冬衣捐赠', description: '为单亲母亲家庭的孩子捐赠全新冬衣。', category: 'material_aid' })
    await org.locator('select[name="donationType"]').selectOption('in_kind')
    await org.locator('[name="itemKind"]').fill('儿童冬衣')
    await org.locator('[name="quantity"]').fill('150')
    await org.locator('[name="itemUnit"]').fill('件')
    await org.locator('select[name="deliveryRegionCode"]').selectOption('522630')
    await publish(org)

    // Long-term project with two milestones.
    await org.goto(`${journey.server.baseUrl}/org/listings/new?kind=project`)
    await fillCommon(org, { title: '留守妇女刺绣合作社培育项目', description: '培育刺绣合作社，提供培训、订单对接和运营指导，为期十个月。', category: 'industry_support' })
    await org.locator('[name="durationMonths"]').fill('10')
    await org.locator('[name="budget"]').fill('80000')
    await org.locator('[name="milestones[0].title"]').fill('合作社成立')
    await org.locator('[name="milestones[0].dueOn"]').fill('2027-05-31')
    await org.locator('[name="milestones[0].budgetSharePercent"]').fill('40')
    await org.locator('[name="milestones[0].evidenceRequired"]').fill('营业执照与成员名册')
    await org.locator('[name="milestones[1].title"]').fill('首批订单交付')
    await org.locator('[name="milestones[1].dueOn"]').fill('2027-12-01')
    await org.locator('[name="milestones[1].budgetSharePercent"]').fill('60')
    await org.locator('[name="milestones[1].evidenceRequired"]').fill('订单合同与交付签收单')
    await publish(org)
    // The list renders just after the URL changes: wait for the rows rather than racing them.
    await expect.poll(() => org.getByTestId('org-listing-row').count(), { timeout: 10_000 }).toBe(4)
    await expect.poll(() => org.locator('.badge.status-published').count(), { timeout: 10_000 }).toBe(4)
    await snap(org, JOURNEY, 'org-listings')
    await orgContext.close()

    // 3. A visitor finds the job by a Chinese keyword, then narrows with a facet.
    const visitorContext = await newChineseContext(journey.browser)
    const visitor = await visitorContext.newPage()
    const deadline = Date.now() + 20_000
    for (;;) {
      await visitor.goto(`${journey.server.baseUrl}/listings`)
      await visitor.locator('input[name="q"]').fill('缝纫')
      await visitor.getByRole('button', { name: '搜索', exact: true }).click()
      await visitor.waitForURL((url) => url.searchParams.get('q') === '缝纫')
      if ((await visitor.getByTestId('hit').count()) > 0 || Date.now() > deadline) break
      await visitor.waitForTimeout(300)
    }
    await visitor.getByRole('link', { name: '台江县刺绣加工厂招聘缝纫工' }).waitFor()
    await visitor.locator('input[name="kind"][value="job"]').check()
    await visitor.getByRole('button', { name: '应用筛选' }).click()
    await visitor.waitForURL((url) => url.searchParams.getAll('kind').includes('job'))
    await expect.poll(() => visitor.getByTestId('hit').count(), { timeout: 10_000 }).toBe(1)
    await snap(visitor, JOURNEY, 'visitor-search')
    await visitor.getByRole('link', { name: '台江县刺绣加工厂招聘缝纫工' }).click()
    await visitor.getByTestId('listing-detail').waitFor()
    expect(await visitor.getByTestId('listing-detail').textContent()).toContain('3500.00–4800.00 元/每月')
    await visitor.getByRole('link', { name: '台江县巧手姐妹互助服务中心' }).click()
    await visitor.getByTestId('organization-profile').waitFor()
    expect(await visitor.getByTestId('organization-profile').textContent()).toContain('留守妇女刺绣合作社培育项目')
    await snap(visitor, JOURNEY, 'organization-profile')
    await visitorContext.close()
  })
})
