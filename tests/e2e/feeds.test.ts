// Browser journey: an admin uploads a disability-certificate file, watches the real worker
// process import it (progress and counters on /admin/feeds), reads the rejected row's reason
// in Chinese; a caseworker resolves the unmatched record from the review queue.
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { feedRecords, householdMembers } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'
import { logInThroughForm, newChineseContext, snap, useJourney } from '../setup/browser'

const journey = useJourney({ workers: true })

const JOURNEY = 'feeds'

describe('department feeds', () => {
  it('admin uploads a feed file and watches it import; a caseworker resolves the unmatched record', async () => {
    const admin = await makeUser({ role: 'admin' })
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ members: [{ fullName: '吴小梅', birthDate: '1992-02-02' }] }, cw)
    const id = makeNationalId('522634', '19920202', 88)
    const bad = id.slice(0, 17) + (id[17] === '0' ? '1' : '0')
    const csv = `残疾证号,身份证号,残疾类别,残疾等级,有效期至\nC-77,${id},physical,2,2031-01-01\nC-78,${bad},physical,2,2031-01-01\n`

    const context = await newChineseContext(journey.browser)
    const page = await context.newPage()
    await logInThroughForm(page, journey.server.baseUrl, admin.username, admin.password)
    await page.goto(`${journey.server.baseUrl}/admin/feeds`)
    await page.locator('form[enctype="multipart/form-data"] select[name="feedType"]').selectOption('disability_certificate')
    await page.locator('input[type="file"][name="file"]').setInputFiles({ name: '残联-2026-11.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await snap(page, JOURNEY, '1-upload')
    await page.getByRole('button', { name: '上传' }).click()
    await page.getByText('文件已接收，正在导入。').waitFor()
    // The page refreshes progress by itself while the worker imports.
    await page.goto(`${journey.server.baseUrl}/admin/feeds`)
    await page.getByTestId('delivery-status').first().filter({ hasText: '已完成' }).waitFor({ timeout: 20_000 })
    await snap(page, JOURNEY, '2-processed')
    await page.getByTestId('delivery-row').first().getByRole('link').click()
    await page.getByTestId('rejected-rows').waitFor()
    expect(await page.getByTestId('rejected-rows').textContent()).toContain('身份证号校验位不正确')
    expect(await page.getByTestId('delivery-counts').textContent()).toContain('已拒绝 1，待核实 1')
    await snap(page, JOURNEY, '3-delivery')
    await context.close()

    const cwContext = await newChineseContext(journey.browser)
    const cwPage = await cwContext.newPage()
    await logInThroughForm(cwPage, journey.server.baseUrl, cw.username, cw.password)
    await cwPage.goto(`${journey.server.baseUrl}/caseworker/feed-review`)
    const card = cwPage.getByTestId('review-record').filter({ hasText: 'C-77' })
    await card.waitFor()
    expect(await card.textContent()).toContain(`5226**********${id.slice(-4)}`)
    await card.getByLabel(/吴小梅/).check()
    await snap(cwPage, JOURNEY, '4-review')
    await card.getByRole('button', { name: '导入到该成员' }).click()
    await cwPage.getByText('已保存。').waitFor()
    await snap(cwPage, JOURNEY, '5-resolved')
    await cwContext.close()

    const [record] = await db.select().from(feedRecords).where(and(eq(feedRecords.recordKey, 'C-77'), eq(feedRecords.feedType, 'disability_certificate')))
    expect(record).toMatchObject({ status: 'applied', memberId: file.members[0]!.id })
    const [member] = await db.select().from(householdMembers).where(eq(householdMembers.id, file.members[0]!.id))
    expect(member).toMatchObject({ disabilityType: 'physical', disabilityGrade: 2 })
  })
})
