// Journey of a resident: logs in, browses the offers matched to the household, opens one,
// applies in one click and follows the application's status.
import { eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applications, organizations, users } from '@db/schema'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { decideApplication } from '~/models/applications.server'
import { scoreListing } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { makeListing } from '../../factories/match-listings'
import { useJourney } from '../../setup/browser'
import { journeySteps } from './steps'

// The demo resident 王光明 (雷山县, intermediate welder) has a household file and consents to matching.
const journey = useJourney({ seed: { households: 2 } })
const JOB = '雷山县电子车间焊工'
const TRAINING = '雷山县焊工技能提升培训班'

describe('resident journey', () => {
  it('browses matched offers, opens one, applies and sees the status change', async () => {
    const orgs = await db.select().from(organizations).where(inArray(organizations.name, ['凯里经开区黔岭电子科技有限公司', '黔东南州总工会']))
    const company = orgs.find((o) => o.kind === 'enterprise')!
    const union = orgs.find((o) => o.kind === 'mass_org')!
    const job = await makeListing({ organizationId: company.id, title: JOB, regionCode: '522634' })
    const training = await makeListing({ organizationId: union.id, kind: 'training', title: TRAINING, regionCode: '522634', skills: [{ code: 'welding', role: 'taught', level: 'advanced' }] })
    // What the matching worker does on publish (its processor calls this same function).
    for (const l of [job, training]) expect((await scoreListing(l.id)).stored).toBeGreaterThan(0)

    const { actor, open, submit, sees, text, screenshot, closeAll } = journeySteps(journey, 'resident')
    try {
      // 1. The resident's matched offers, each with readable reasons.
      const resident = await actor({ username: 'resident', password: DEMO_PASSWORD })
      await sees(resident.locator('h1'), '王光明，您好')
      await open(resident, '/me/offers')
      const jobOffer = resident.getByTestId('offer').filter({ hasText: JOB })
      const reasons = await sees(jobOffer.getByTestId('offer-reasons'), '技能匹配：焊工（中级）')
      expect(reasons).toContain('同一县内')
      await sees(resident.getByTestId('offer').filter({ hasText: TRAINING }), '培训')
      await screenshot(resident, 'matched-offers')

      // 2. Only trainings, through the filter.
      await resident.locator('select#kind').selectOption('training')
      await Promise.all([resident.waitForURL((url) => url.searchParams.get('kind') === 'training'), resident.getByRole('button', { name: '筛选' }).click()])
      await expect.poll(() => resident.getByTestId('offer').count(), { timeout: 10_000 }).toBe(1)
      expect(await text(resident, resident.getByTestId('offer'))).toContain(TRAINING)
      await open(resident, '/me/offers')

      // 3. Opens the job to read the details.
      await Promise.all([resident.waitForURL(`**/listings/${job.id}`), resident.getByRole('link', { name: JOB }).click()])
      const detail = await sees(resident.getByTestId('listing-detail'), JOB)
      expect(detail).toContain('凯里经开区黔岭电子科技有限公司')
      expect(detail).toContain('4000.00–6000.00 元')
      await screenshot(resident, 'offer-detail')

      // 4. Back to the offers, applies in one click.
      await open(resident, '/me/offers')
      await submit(resident, resident.getByTestId('offer').filter({ hasText: JOB }).getByRole('button', { name: '一键申请' }))
      await sees(resident.locator('main'), '申请已提交，组织将看到您的家庭档案。')
      await sees(resident.getByTestId('offer').filter({ hasText: JOB }).getByTestId('offer-status'), '状态：已申请')
      await sees(resident.getByTestId('my-applications').locator('li').filter({ hasText: JOB }), '已申请')
      await screenshot(resident, 'applied')

      // 5. The company accepts; the resident sees the new status.
      const [application] = await db.select().from(applications).where(eq(applications.listingId, job.id))
      const [member] = await db.select().from(users).where(eq(users.username, 'org_kaili_electronics'))
      await decideApplication({ id: member!.id, organizationId: company.id }, application!.id, 'accept')
      await open(resident, '/me/offers')
      await sees(resident.getByTestId('my-applications').locator('li').filter({ hasText: JOB }), '已接受')
      await screenshot(resident, 'accepted')
    } finally {
      await closeAll()
    }
  }, 60_000)
})
