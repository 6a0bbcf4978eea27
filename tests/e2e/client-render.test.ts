// Pages that rendered on the server but broke in the browser: a route module must not use a `.server`
// import outside its loader/action (the browser bundle replaces `.server` modules with empty stubs), so
// these pages are opened in Chromium and any uncaught page error fails the test.
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { listingDuplicateFlags, organizations } from '@db/schema'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { db } from '~/utils/db.server'
import { makeMoneyDonationListing } from '../factories/ledger'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ seed: true })
let donation: { id: string }

beforeAll(async () => {
  // One open near-duplicate flag between 雷山县苗绣's listing and another organization's, so both
  // duplicate pages render their table (and its decision form), and a published money donation.
  const [miaoxiu] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, '雷山县苗绣文化发展有限公司'))
  const own = await makeMoneyDonationListing({ organizationId: miaoxiu!.id })
  const other = await makeMoneyDonationListing()
  const [low, high] = [own.id, other.id].sort()
  await db.insert(listingDuplicateFlags).values({ listingId: low!, otherListingId: high!, similarity: '0.9100' })
  donation = own
})

/** A page of a Chinese browser, logged in as `username` (anonymous when null), recording uncaught errors. */
async function openAs(browser: Browser, username: string | null) {
  const context = await newChineseContext(browser)
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  if (username) await logInThroughForm(page, journey.server.baseUrl, username, DEMO_PASSWORD)
  return { context, page, pageErrors }
}

/** Navigates and waits until the route modules have loaded and React has hydrated (or failed to). */
async function visit(page: Page, path: string) {
  await page.goto(`${journey.server.baseUrl}${path}`)
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => document.readyState === 'complete' && '__remixContext' in window)
}

describe('pages render in the browser without page errors', () => {
  it('admin: /admin/evaluation and /admin/duplicates', async () => {
    const { context, page, pageErrors } = await openAs(journey.browser, 'admin')
    await visit(page, '/admin/evaluation')
    expect(pageErrors).toEqual([])
    await page.getByTestId('admin-evaluation').waitFor({ timeout: 5_000 })
    // The grouping select is rendered by the component after hydration too (it crashed there before).
    expect(await page.locator('select[name="groupBy"] option').count()).toBeGreaterThan(1)
    await snap(page, 'client-render', 'admin-evaluation')
    await visit(page, '/admin/duplicates')
    expect(pageErrors).toEqual([])
    await page.getByTestId('duplicate-flags').waitFor({ timeout: 5_000 })
    await snap(page, 'client-render', 'admin-duplicates')
    expect(await page.getByText('出错了').count()).toBe(0)
    await context.close()
  })

  it('org member: /org/duplicates renders and its decision form posts from the hydrated page', async () => {
    const { context, page, pageErrors } = await openAs(journey.browser, 'org_miaoxiu')
    await visit(page, '/org/duplicates')
    expect(pageErrors).toEqual([])
    const table = page.getByTestId('duplicate-flags')
    await table.waitFor()
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/org/duplicates')), table.getByRole('button').first().click()])
    await table.locator('.badge').first().waitFor()
    await snap(page, 'client-render', 'org-duplicates')
    expect(pageErrors).toEqual([])
    await context.close()
  })

  it('offers the pledge link to donors and anonymous visitors only; the funds link to everyone', async () => {
    const seen: Record<string, { pledge: number; funds: number }> = {}
    for (const username of [null, 'donor', 'org_miaoxiu', 'admin', 'caseworker', 'resident']) {
      const { context, page, pageErrors } = await openAs(journey.browser, username)
      await visit(page, `/listings/${donation.id}`)
      await page.getByTestId('listing-detail').waitFor()
      seen[username ?? 'anonymous'] = {
        pledge: await page.locator(`a[href="/donor/pledge/${donation.id}"]`).count(),
        funds: await page.locator(`a[href="/funds/${donation.id}"]`).count(),
      }
      expect(pageErrors).toEqual([])
      await context.close()
    }
    expect(seen).toEqual({
      anonymous: { pledge: 1, funds: 1 },
      donor: { pledge: 1, funds: 1 },
      org_miaoxiu: { pledge: 0, funds: 1 },
      admin: { pledge: 0, funds: 1 },
      caseworker: { pledge: 0, funds: 1 },
      resident: { pledge: 0, funds: 1 },
    })
  })
})
