// An administrator opens the KPI dashboard on the seeded demo data: ECharts charts render, the
// figures are the ones the KPI model computes from that data, a filter changes them, and the
// queue dashboard (bull-board) loads under the app's CSP.
import { beforeAll, describe, expect, it } from 'vitest'
import { dashboard, parseKpiFilters } from '~/models/kpi.server'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

// The demo seed at a small scale (registered before the journey's own hooks, so it runs first):
// demo accounts, generated households in 黔东南 and 定西, listings, matches and ledger flows.
beforeAll(async () => {
  const [{ seed }, { db }] = await Promise.all([import('@db/seed'), import('~/utils/db.server')])
  await seed(db, { households: 60, listings: 60, quiet: true })
}, 240_000)
const journey = useJourney()

describe('KPI dashboard journey', () => {
  it('an admin sees charts from the seeded data, filters by region, and opens the queue dashboard', async () => {
    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    const cspErrors: string[] = []
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text())
    })
    await logInThroughForm(page, journey.server.baseUrl, 'admin', 'Gongjian2026')
    await page.getByTestId('admin-kpi-link').click()
    await page.waitForURL(/\/admin\/kpi/)
    await page.getByRole('heading', { name: '帮扶成效仪表盘' }).waitFor()

    // Every chart is drawn by ECharts (a canvas inside each chart box).
    for (const id of ['tiers', 'funnel', 'duplicates', 'outcomes', 'money', 'feedback']) {
      await page.locator(`[data-testid="kpi-chart-${id}"][data-rendered="true"] canvas`).first().waitFor()
    }

    // The figures are the seeded data's, as the KPI model computes them.
    const everything = await dashboard({ kind: 'all' }, {})
    expect(everything.tiers[0]!.households).toBeGreaterThan(0)
    expect(Number(everything.funds.money.pledged)).toBeGreaterThan(0)
    const figure = (id: string) => page.getByTestId(id).textContent()
    expect(await figure('tier-A-households')).toBe(String(everything.tiers[0]!.households))
    expect(await figure('money-pledged')).toBe(everything.funds.money.pledged)
    expect(await figure('funnel-matched')).toBe(String(everything.funnel.matched))
    await snap(page, 'dashboard', '1-all-regions')

    // Only 定西 (6211): the form submits by GET and the figures change.
    const dingxi = await dashboard({ kind: 'all' }, parseKpiFilters(new URLSearchParams({ region: '6211' })).filters)
    expect(dingxi.tiers[0]!.households).not.toBe(everything.tiers[0]!.households)
    await page.getByLabel('行政区划代码前缀').fill('6211')
    await Promise.all([page.waitForURL(/region=6211/), page.getByRole('button', { name: '应用筛选' }).click()])
    await page.waitForFunction((n) => document.querySelector('[data-testid="tier-A-households"]')?.textContent === n, String(dingxi.tiers[0]!.households))
    expect(await figure('money-pledged')).toBe(dingxi.funds.money.pledged)
    await page.locator('[data-testid="kpi-chart-tiers"][data-rendered="true"] canvas').first().waitFor()
    await snap(page, 'dashboard', '2-dingxi')

    // A bad region code is explained in Chinese, not applied.
    await page.getByLabel('行政区划代码前缀').fill('62ab')
    await page.getByRole('button', { name: '应用筛选' }).click()
    await page.getByText('地区代码须为 2、4、6、9 或 12 位数字的行政区划代码').waitFor()

    // Queue health links to bull-board, which renders its queues under the app's CSP.
    await page.getByTestId('queues-dashboard-link').click()
    await page.waitForURL(/\/admin\/queues/)
    await page.getByText('monitoring').first().waitFor({ timeout: 15_000 })
    await snap(page, 'dashboard', '3-queues')
    // The one refusal is bull-board's Google Fonts stylesheet, kept out on purpose (see app/server.ts).
    expect(cspErrors.filter((e) => !e.includes('https://fonts.googleapis.com/'))).toEqual([])
    await context.close()
  })
})
