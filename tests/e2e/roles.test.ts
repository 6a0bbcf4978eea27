import { describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ seed: true })

describe('every role logs in through the real page and sees its own home', () => {
  it.each([
    ['resident', 'resident', '/me', '王光明，您好'],
    ['caseworker', 'caseworker', '/caseworker', '杨秀英，您好'],
    ['org_member', 'org_miaoxiu', '/org', '雷山县苗绣文化发展有限公司'],
    ['donor', 'donor', '/donor', '张伟，您好'],
    ['admin', 'admin', '/admin', '管理后台'],
  ] as const)('%s', async (role, username, home, heading) => {
    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    await logInThroughForm(page, journey.server.baseUrl, username, DEMO_PASSWORD)
    expect(new URL(page.url()).pathname).toBe(home)
    await page.getByTestId(`home-${role}`).waitFor()
    expect(await page.locator('h1').first().textContent()).toContain(heading)
    expect(await page.getByTestId('whoami').textContent()).toMatch(/居民|社工|组织成员|捐赠人|管理员/)
    await snap(page, 'foundation-roles', role)
    await context.close()
  })

  it('hydrates under the Content-Security-Policy (no violations, client-side behaviour runs)', async () => {
    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    const violations: string[] = []
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/.test(msg.text())) violations.push(msg.text())
    })
    await page.goto(`${journey.server.baseUrl}/signup`)
    // Without JavaScript the organization fields stay visible; once hydrated they hide for residents.
    await page.locator('fieldset.org-fields').waitFor({ state: 'hidden' })
    await page.locator('input[name="role"][value="org_member"]').check()
    await page.locator('fieldset.org-fields').waitFor({ state: 'visible' })
    expect(violations).toEqual([])
    await context.close()
  })

  it('shows a wrong password error in Chinese, then in English after switching', async () => {
    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    await page.goto(`${journey.server.baseUrl}/login`)
    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill('not-the-password1')
    await page.locator('form button[type="submit"]').last().click()
    await page.getByText('账号或密码不正确').waitFor()
    await page.getByRole('button', { name: 'English' }).click()
    await page.getByRole('heading', { name: 'Log in' }).waitFor()
    await snap(page, 'foundation-roles', 'locale-en')
    await context.close()
  })
})
