// Browser journey: a caseworker uploads a household CSV, reads the row error on the preview,
// uploads the fixed file and confirms it; an organization member imports a large listing file
// and watches the worker's progress until the page says it is done.
import { count, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listings } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeCaseworker } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ workers: true })
const JOURNEY = 'imports'

const header = '村代码,户主姓名,身份证号,出生日期,性别,文化程度,就业状况,住房类型,人均月收入'
const household = (birth: string) => `522634101001,杨阿妹,${makeNationalId('522634', '19920202', 71)},${birth},女,初中,失业,租房,620`

describe('CSV import pages', () => {
  it('caseworker fixes a row error seen in the preview and imports; an organization watches a large import progress', async () => {
    const cw = await makeCaseworker('5226')
    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    await logInThroughForm(page, journey.server.baseUrl, cw.username, cw.password)
    await page.goto(`${journey.server.baseUrl}/caseworker/households`)
    await page.getByRole('link', { name: '从 CSV 导入' }).click()
    await page.getByTestId('import-upload').waitFor()
    await page.locator('input[type="file"][name="file"]').setInputFiles({ name: '家庭.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${header}\n${household('1992-02-30')}\n`) })
    await snap(page, JOURNEY, '1-upload')
    await page.getByRole('button', { name: '上传并预览' }).click()
    await page.getByTestId('import-errors').waitFor()
    expect(await page.getByTestId('import-errors').textContent()).toContain('“1992-02-30”不是有效日期')
    expect(await page.getByRole('button', { name: /确认导入/ }).count()).toBe(0)
    await snap(page, JOURNEY, '2-preview-error')

    await page.getByRole('link', { name: '再导入一个文件' }).click()
    await page.locator('input[type="file"][name="file"]').setInputFiles({ name: '家庭.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${header}\n${household('1992-02-02')}\n`) })
    await page.getByRole('button', { name: '上传并预览' }).click()
    await page.getByTestId('import-rows').waitFor()
    expect(await page.getByTestId('import-rows').textContent()).toContain('杨阿妹')
    await snap(page, JOURNEY, '3-preview-clean')
    await page.getByRole('button', { name: '确认导入 1 行' }).click()
    await page.getByTestId('import-done').filter({ hasText: '已导入 1 条记录。' }).waitFor()
    await snap(page, JOURNEY, '4-imported')
    await context.close()

    const member = await makeUser({ role: 'org_member' })
    const lines = ['external_key,kind,title,description,region_code,categories,starts_on,contact_method,position,wage_min,wage_max']
    for (let i = 1; i <= 800; i++) lines.push(`E-${i},岗位,雷山县招聘普工${i}号,招聘普工，包住宿，欢迎农村低收入人口报名。,522634,就业,2027-01-05,电话 0855-3331234,普工,3800,4500`)
    const orgContext = await newChineseContext(journey.browser)
    const orgPage = await orgContext.newPage()
    await logInThroughForm(orgPage, journey.server.baseUrl, member.username, member.password)
    await orgPage.goto(`${journey.server.baseUrl}/org/listings/import`)
    await orgPage.locator('input[type="file"][name="file"]').setInputFiles({ name: 'listings.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) })
    await orgPage.getByRole('button', { name: '上传并预览' }).click()
    await orgPage.getByRole('button', { name: '确认导入 800 行' }).click()
    await orgPage.getByTestId('import-progress').waitFor()
    await snap(orgPage, JOURNEY, '5-progress')
    // The page polls the progress resource and reloads itself when the worker is done.
    await orgPage.getByTestId('import-done').filter({ hasText: '已导入 800 条记录。' }).waitFor({ timeout: 120_000 })
    await snap(orgPage, JOURNEY, '6-large-imported')
    await orgContext.close()
    const [row] = await db.select({ n: count() }).from(listings).where(eq(listings.organizationId, member.organizationId!))
    expect(row!.n).toBe(800)
  }, 240_000)
})
