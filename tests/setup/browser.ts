// Real headless Chromium from Debian (never a downloaded browser) against the real
// Express + Remix server started in this test file's process.
import type { Server } from 'node:http'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { loadBuild } from './app'
import { spawnWorkers, stopProcess } from './processes'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS_DIR = path.resolve('tests/artifacts')
/** Every browser test's screenshots: tests/artifacts/journeys/<journey>/<step>.png (CI keeps the folder). */
export const JOURNEYS_DIR = path.join(ARTIFACTS_DIR, 'journeys')

export async function startWebServer() {
  process.env.SECURE_COOKIES = 'false' // plain http on 127.0.0.1
  const { resetEnvCache } = await import('~/utils/env.server')
  resetEnvCache()
  const { createApp } = await import('~/server')
  const app = await createApp(await loadBuild())
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** A fresh browser context as a Chinese-reading user's browser (Accept-Language zh-CN). */
export function newChineseContext(browser: Browser) {
  return browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
}

/** Saves a full-page screenshot as tests/artifacts/journeys/<journey>/<step>.png (kept by CI as artifacts). */
export async function snap(page: Page, journey: string, step: string) {
  const dir = path.join(JOURNEYS_DIR, journey)
  await mkdir(dir, { recursive: true })
  // Wait for the CJK web fonts so no screenshot shows empty boxes instead of Chinese text.
  await page.evaluate(() => document.fonts.ready.then(() => undefined))
  await page.screenshot({ path: path.join(dir, `${step}.png`), fullPage: true })
}

export async function logInThroughForm(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('form button[type="submit"]').last().click()])
}

/**
 * The usual browser-journey harness: optional demo seed (`{ households: N }` also files households), optionally the real worker process,
 * the real web server and Chromium, all torn down after the file. Fields are set in beforeAll.
 */
export function useJourney(options: { seed?: boolean | { households: number }; workers?: boolean } = {}) {
  const journey = {} as { server: Awaited<ReturnType<typeof startWebServer>>; browser: Browser; workers?: ReturnType<typeof spawnWorkers> }
  beforeAll(async () => {
    if (options.seed) {
      const [{ seed }, { db }] = await Promise.all([import('@db/seed'), import('~/utils/db.server')])
      // `households: 2` gives the demo residents (王光明, 李春花) their household files.
      await seed(db, { households: typeof options.seed === 'object' ? options.seed.households : 0, listings: 0, quiet: true })
    }
    if (options.workers) {
      journey.workers = spawnWorkers()
      await journey.workers.ready
    }
    journey.server = await startWebServer()
    journey.browser = await launchBrowser()
  })
  afterAll(async () => {
    await journey.browser?.close()
    await journey.server?.close()
    if (journey.workers) await stopProcess(journey.workers.child)
  })
  return journey
}
