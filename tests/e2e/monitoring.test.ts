// A caseworker handles an early-warning alert in a real browser with the real worker process:
// a saved household file is evaluated by the worker → the alert appears → acknowledge → resolve with a note.
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { alerts } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ workers: true })

async function reloadUntil(page: Page, text: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((await page.locator('main, body').first().textContent())?.includes(text)) return
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear`)
    await page.waitForTimeout(300)
    await page.reload()
  }
}

describe('early-warning journey', () => {
  it('a caseworker sees an alert raised by the worker, acknowledges it and resolves it with a note', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ disasterAffected: true, address: '西江镇羊排组' }, cw)

    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    await logInThroughForm(page, journey.server.baseUrl, cw.username, cw.password)
    await page.goto(`${journey.server.baseUrl}/caseworker/alerts`)
    // The save enqueued an evaluation; the worker raises the alert.
    await reloadUntil(page, '遭受灾害')
    const row = page.getByTestId('alert-row')
    await expect(row.textContent()).resolves.toContain('西江镇羊排组')
    await expect(row.textContent()).resolves.toContain('待处理')
    await snap(page, 'monitoring', '1-alert-open')

    await row.getByRole('button', { name: '确认' }).click()
    await page.getByText('已确认该预警。').waitFor()
    await page.getByTestId('alert-row').getByText('已确认', { exact: true }).waitFor()
    expect(await page.getByTestId('alert-row').getByRole('button', { name: '确认' }).count()).toBe(0)

    // Resolving without a note is refused with a field error; with a note it closes.
    await page.getByTestId('alert-row').getByRole('button', { name: '处理完毕' }).click()
    await page.getByText('请先填写处理说明再关闭预警').waitFor()
    await snap(page, 'monitoring', '2-note-required')
    await page.getByTestId('alert-row').getByLabel('处理说明').fill('已上报乡镇民政办，申请临时救助')
    await page.getByTestId('alert-row').getByRole('button', { name: '处理完毕' }).click()
    await page.getByText('暂无未处理的预警。').waitFor()
    await snap(page, 'monitoring', '3-resolved')

    const [stored] = await db.select().from(alerts).where(eq(alerts.householdId, file.id))
    expect(stored).toMatchObject({ rule: 'disaster', state: 'resolved', resolvedById: cw.id, resolutionNote: '已上报乡镇民政办，申请临时救助' })
    await context.close()
  })
})
