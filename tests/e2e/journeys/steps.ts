// Shared steps of the user journeys (tests/e2e/journeys/*.test.ts): one logged-in Chinese
// browser per actor, navigation that waits for hydration, form posts that wait for the
// server's answer, and numbered screenshots (tests/artifacts/journeys/<journey>/NN-step.png).
import type { Browser, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { logInThroughForm, newChineseContext, snap } from '../../setup/browser'

export type Journey = { server: { baseUrl: string }; browser: Browser }

export function journeySteps(journey: Journey, name: string) {
  let shot = 0
  const contexts: Array<{ close(): Promise<void> }> = []

  /** A fresh browser (zh-CN) logged in through the login form as `user`. */
  async function actor(user: { username: string; password: string }) {
    const context = await newChineseContext(journey.browser)
    contexts.push(context)
    const page = await context.newPage()
    if (process.env.DEBUG_E2E) {
      page.on('pageerror', (e) => console.log('PAGEERROR', e.message.slice(0, 300)))
      page.on('response', (r) => r.request().method() === 'POST' && console.log('POST', r.status(), r.url()))
    }
    await logInThroughForm(page, journey.server.baseUrl, user.username, user.password)
    return page
  }

  /** Navigates and waits until scripts have loaded and hydrated, so filled inputs are not re-rendered away. */
  async function open(page: Page, path: string) {
    await page.goto(`${journey.server.baseUrl}${path}`)
    await hydrated(page)
  }

  async function hydrated(page: Page) {
    await page.waitForLoadState('networkidle')
    await page.waitForFunction(() => document.readyState === 'complete' && '__remixContext' in window)
  }

  /** Clicks a submit button and waits for the POST's answer and the revalidated page. */
  async function submit(page: Page, button: Locator) {
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), button.click()])
    await page.waitForLoadState('networkidle')
  }

  /** Reloads until `text` is on the page (work done by the worker process shows up a moment later). */
  async function reloadUntil(page: Page, text: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if ((await page.locator('body').textContent())?.includes(text)) return
      if (Date.now() > deadline) throw new Error(`"${text}" did not appear on ${page.url()}`)
      await page.waitForTimeout(300)
      await page.reload()
    }
  }

  /** The visible text of the page's main content. */
  async function text(page: Page, locator?: Locator) {
    return ((await (locator ?? page.locator('main')).innerText()) ?? '').replace(/\s+/g, ' ')
  }

  /** Waits (up to 10 s) until `locator` shows `expected`, then returns its text. */
  async function sees(locator: Locator, expected: string) {
    await expect.poll(async () => ((await locator.count()) ? ((await locator.first().innerText()) ?? '').replace(/\s+/g, ' ') : ''), { timeout: 10_000 }).toContain(expected)
    return ((await locator.first().innerText()) ?? '').replace(/\s+/g, ' ')
  }

  /** Saves the next numbered screenshot: tests/artifacts/journeys/<name>/NN-<step>.png. */
  async function screenshot(page: Page, step: string) {
    shot += 1
    await snap(page, name, `${String(shot).padStart(2, '0')}-${step}`)
  }

  async function closeAll() {
    await Promise.all(contexts.splice(0).map((c) => c.close()))
  }

  return { actor, open, hydrated, submit, reloadUntil, text, sees, screenshot, closeAll }
}
