// Journey of a company (enterprise organization member): it posts a job through the form, the
// real worker process scores it, the company sees matched candidates masked, invites one, the
// resident accepts the invitation, and the company marks the resident hired.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listings } from '@db/schema'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { db } from '~/utils/db.server'
import { useJourney } from '../../setup/browser'
import { journeySteps } from './steps'

// The demo resident 王光明 (雷山县, welder) has a household file and consents to matching.
const journey = useJourney({ seed: { households: 2 }, workers: true })
const TITLE = '雷山县电子厂招聘焊工（春季用工）'

describe('company journey', () => {
  it('posts a job, sees masked matches from the worker, invites a resident and marks them hired', async () => {
    const { actor, open, submit, reloadUntil, text, sees, screenshot, closeAll } = journeySteps(journey, 'company')
    try {
      // 1. The company fills in the job form and publishes it.
      const company = await actor({ username: 'org_kaili_electronics', password: DEMO_PASSWORD })
      await open(company, '/org/listings/new?kind=job')
      await company.locator('[name="title"]').fill(TITLE)
      await company.locator('[name="position"]').fill('焊工')
      await company.locator('[name="description"]').fill('凯里经开区电子厂雷山车间招聘焊工，中级以上优先，包住宿，按月足额发放工资。')
      await company.locator('select[name="regionCode"]').selectOption('522634')
      await company.locator('input[name="categories"][value="employment"]').check()
      await company.locator('[name="startsOn"]').fill('2027-03-01')
      await company.locator('[name="endsOn"]').fill('2027-12-31')
      await company.locator('[name="capacity"]').fill('3')
      await company.locator('[name="contactMethod"]').fill('电话 0855-8123456')
      await company.locator('select[name="skills[0].code"]').selectOption('welding')
      await company.locator('[name="wageMin"]').fill('4500')
      await company.locator('[name="wageMax"]').fill('6500')
      await company.locator('select[name="workplaceRegionCode"]').selectOption('522634')
      await screenshot(company, 'job-form')
      await Promise.all([company.waitForURL((url) => url.pathname === '/org/listings'), company.getByRole('button', { name: '保存并发布' }).click()])
      const row = company.getByTestId('org-listing-row').filter({ hasText: TITLE })
      await row.waitFor()
      expect(await text(company, row)).toContain('已发布')
      await screenshot(company, 'job-published')

      // 2. The worker scores the new job; the company sees the matched resident masked.
      const [listing] = await db.select({ id: listings.id }).from(listings).where(eq(listings.title, TITLE))
      await open(company, `/org/matches/${listing!.id}`)
      await reloadUntil(company, '王某')
      const candidate = company.getByTestId('candidate').filter({ hasText: '王某' })
      const masked = await text(company, candidate)
      expect(masked).toContain('技能匹配：焊工（中级）')
      expect(masked).not.toContain('联系电话')
      expect(await text(company)).not.toContain('王光明')
      await screenshot(company, 'masked-candidates')

      // 3. The company invites the candidate.
      await submit(company, candidate.getByRole('button', { name: '邀请' }))
      await sees(company.getByTestId('candidate').filter({ hasText: '王某' }), '已邀请')
      await screenshot(company, 'invited')

      // 4. The resident sees the invitation among their applications and accepts it.
      const resident = await actor({ username: 'resident', password: DEMO_PASSWORD })
      await open(resident, '/me/offers')
      const invitation = resident.getByTestId('my-applications').locator('li').filter({ hasText: TITLE })
      await sees(invitation, '已邀请')
      await screenshot(resident, 'resident-invitation')
      await submit(resident, invitation.getByRole('button', { name: '接受邀请' }))
      await sees(resident.getByTestId('my-applications').locator('li').filter({ hasText: TITLE }), '已接受')
      await screenshot(resident, 'resident-accepted')

      // 5. The company now sees the resident's name and phone, and marks them hired.
      await open(company, `/org/matches/${listing!.id}`)
      const accepted = company.getByTestId('candidate').filter({ hasText: '王光明' })
      const opened = await sees(accepted, '已接受')
      expect(opened).toContain('联系电话')
      await submit(company, accepted.getByRole('button', { name: '标记为已录用' }))
      await sees(company.getByTestId('candidate').filter({ hasText: '王光明' }), '已录用')
      await screenshot(company, 'hired')

      // 6. The resident sees the outcome.
      await open(resident, '/me/offers')
      await sees(resident.getByTestId('my-applications').locator('li').filter({ hasText: TITLE }), '已录用')
      await screenshot(resident, 'resident-hired')
    } finally {
      await closeAll()
    }
  }, 60_000)
})
