// Script in listing text, in a real Chromium: the page shows the text and runs none of it.
import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { listings } from '@db/schema'
import { getSearchEngine } from '@search/index'
import { loadSearchDocument } from '~/models/listing.server'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { TestClient } from '../setup/app'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney()

describe('stored script never runs', () => {
  it('a listing whose text is script and event-handler markup is shown as text to visitors and its owner', async () => {
    const owner = await makeUser({ role: 'org_member' })
    const client = new TestClient()
    await client.logIn(owner.username, owner.password)
    const title = `<script>window.__xss='title'</script>焊工招聘`
    const description = `<img src=x onerror="window.__xss='img'"> <svg onload="window.__xss='svg'"></svg> <a href="javascript:window.__xss='link'">点这里</a>`
    const created = await client.post('/org/listings/new?kind=job', {
      kind: 'job', title, position: `<b onmouseover="window.__xss='b'">焊工</b>`, description, regionCode: '522634', categories: 'employment',
      targetGroups: 'rural_low_income', startsOn: '2027-01-01', endsOn: '2027-12-31', capacity: '5', contactMethod: `<iframe src="javascript:parent.__xss='iframe'">`,
      'skills[0].code': 'welding', 'skills[0].level': 'intermediate', wageMin: '4000', wageMax: '5500', wagePeriod: 'month', workplaceRegionCode: '522634', intent: 'publish',
    })
    expect(created.status).toBe(302)
    const [row] = await db.select().from(listings).where(eq(listings.title, title))
    await getSearchEngine().index([(await loadSearchDocument(db, row!.id))!])

    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    const dialogs: string[] = []
    page.on('dialog', async (d) => {
      dialogs.push(d.message())
      await d.dismiss()
    })
    const visit = async (path: string) => {
      await page.goto(`${journey.server.baseUrl}${path}`)
      await page.waitForLoadState('networkidle')
      await page.mouse.move(10, 10)
      await page.locator('body').hover()
      expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss), path).toBeUndefined()
    }
    await visit(`/listings/${row!.id}`)
    expect(await page.locator('h1').first().textContent()).toContain('<script>')
    expect(await page.locator('img[src="x"], svg[onload], iframe, b[onmouseover]').count()).toBe(0)
    await snap(page, 'security-xss', 'listing-page')
    await visit(`/listings?q=${encodeURIComponent('焊工招聘')}`)
    expect(await page.content()).toContain('&lt;script&gt;')
    await snap(page, 'security-xss', 'search-results')
    await visit(`/organizations/${owner.organizationId}`)
    await logInThroughForm(page, journey.server.baseUrl, owner.username, owner.password)
    await visit(`/org/listings/${row!.id}`)
    expect(await page.locator('input[name="title"]').inputValue()).toBe(title)
    await visit('/org/listings')
    expect(dialogs).toEqual([])
    await context.close()
  })
})
