import { createRequestHandler } from '@remix-run/node'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { feedApiKeys, feedDeliveries, feedRecords } from '@db/schema'
import { createFeedApiKey, revokeFeedApiKey } from '~/models/feeds/api-keys.server'
import { feedAuthor, processDelivery } from '~/models/feeds/process.server'
import { applySystemChange } from '~/models/household.server'
import { db } from '~/utils/db.server'
import { loadBuild, TestClient, textOf } from '../setup/app'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'

async function raw(pathname: string, init: RequestInit & { headers?: Record<string, string> }) {
  const handler = createRequestHandler(await loadBuild(), 'production')
  return handler(new Request(`http://localhost${pathname}`, { ...init, headers: { Host: 'localhost', ...init.headers } }))
}

const settlementCsv = (id: string, key = 'S-100') => ['settlement_no,id_number,settled_on,total_cost,out_of_pocket', `${key},${id},2026-10-01,100,50`].join('\n')

describe('feed HTTP endpoint', () => {
  it('accepts a department file with its own key (202) and refuses missing, unknown, revoked and other departments’ keys with JSON errors', async () => {
    const admin = await makeUser({ role: 'admin' })
    const yibao = await createFeedApiKey({ department: 'medical_insurance', feedTypes: ['medical_insurance_settlement'], label: '医保局', createdById: admin.id })
    const canlian = await createFeedApiKey({ department: 'disabled_persons_federation', feedTypes: ['disability_certificate'], label: '残联', createdById: admin.id })
    const id = makeNationalId('522634', '19800101', 5)
    const post = (feed: string, key: string | null, body: string, type = 'text/csv') =>
      raw(`/api/feeds/${feed}`, { method: 'POST', body, headers: { 'Content-Type': type, ...(key ? { Authorization: `Bearer ${key}` } : {}) } })

    const ok = await post('medical_insurance_settlement', yibao.key, settlementCsv(id))
    expect(ok.status).toBe(202)
    const body = (await ok.json()) as { deliveryId: string; rowsTotal: number }
    expect(body.rowsTotal).toBe(1)
    const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, body.deliveryId))
    expect(delivery).toMatchObject({ source: 'api', department: 'medical_insurance' })

    const crossed = await post('disability_certificate', yibao.key, 'certificate_no,id_number,disability_type,grade,valid_until\n')
    expect(crossed.status).toBe(403)
    expect(await crossed.json()).toMatchObject({ error: 'out_of_scope' })
    const crossed2 = await post('medical_insurance_settlement', canlian.key, settlementCsv(id, 'S-101'))
    expect(crossed2.status).toBe(403)
    expect((await post('medical_insurance_settlement', null, settlementCsv(id))).status).toBe(401)
    expect(await (await post('medical_insurance_settlement', 'gjf_nope', settlementCsv(id))).json()).toMatchObject({ error: 'unknown' })
    expect((await post('medical_insurance_settlement', yibao.key, settlementCsv(id), 'text/plain')).status).toBe(415)
    expect((await post('no_such_feed', yibao.key, settlementCsv(id))).status).toBe(404)
    const wrong = await post('medical_insurance_settlement', yibao.key, 'a,b\n1,2', 'text/csv')
    expect(wrong.status).toBe(422)
    expect(await wrong.json()).toMatchObject({ error: 'refused', refusal: { code: 'import.missing_columns' } })
    await revokeFeedApiKey(yibao.id, admin.id)
    expect(await (await post('medical_insurance_settlement', yibao.key, settlementCsv(id))).json()).toMatchObject({ error: 'revoked' })
    // Only the accepted delivery and the refused one were recorded.
    expect(await db.select().from(feedDeliveries)).toHaveLength(2)
  })
})

describe('feed pages', () => {
  it('lets an admin upload a file (multipart, no JS) and read rejected rows by line in Chinese; a caseworker resolves a record in review', async () => {
    const admin = await makeUser({ role: 'admin' })
    const client = new TestClient('zh-CN')
    await client.logIn(admin.username, admin.password)
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ members: [{ fullName: '杨阿妹', birthDate: '1990-06-01' }] }, cw)
    const unknownId = makeNationalId('522634', '19900601', 77)
    const bad = unknownId.slice(0, 17) + (unknownId[17] === '0' ? '1' : '0')
    const form = new FormData()
    form.set('intent', 'upload')
    form.set('feedType', 'disability_certificate')
    form.set('file', new File([`残疾证号,身份证号,残疾类别,残疾等级,有效期至\nC-1,${unknownId},hearing,3,2030-01-01\nC-2,${bad},hearing,3,2030-01-01\n`], '残联.csv', { type: 'text/csv' }))
    const upload = await raw('/admin/feeds?index', { method: 'POST', body: form, headers: { Cookie: client.cookieHeader(), Origin: 'http://localhost' } })
    expect(upload.status).toBe(200)
    const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.feedType, 'disability_certificate'))
    await processDelivery(delivery!.id)
    const page = textOf(await (await client.get(`/admin/feeds/${delivery!.id}`)).text())
    expect(page).toContain('身份证号校验位不正确')
    expect(page).toContain('共 2 行：已导入 0，已拒绝 1，待核实 1')
    const dashboard = textOf(await (await client.get('/admin/feeds')).text())
    expect(dashboard).toContain('已完成')
    expect(dashboard).not.toContain(unknownId)

    const caseworker = new TestClient('zh-CN')
    await caseworker.logIn(cw.username, cw.password)
    const queue = await (await caseworker.get('/caseworker/feed-review')).text()
    expect(textOf(queue)).toContain(`5226**********${unknownId.slice(-4)}`)
    expect(queue).not.toContain(unknownId)
    const [record] = await db.select().from(feedRecords).where(and(eq(feedRecords.deliveryId, delivery!.id), eq(feedRecords.status, 'review')))
    const resolved = await caseworker.post('/caseworker/feed-review', { intent: 'resolve', recordId: record!.id, memberId: file.members[0]!.id, note: '' })
    expect(resolved.status).toBe(200)
    const [after] = await db.select().from(feedRecords).where(eq(feedRecords.id, record!.id))
    expect(after).toMatchObject({ status: 'applied', memberId: file.members[0]!.id, resolvedById: cw.id })
    const again = await caseworker.post('/caseworker/feed-review', { intent: 'dismiss', recordId: record!.id, note: '重复' })
    expect(again.status).toBe(404)
    expect(textOf(await again.text())).toContain('该记录不在您的待核实列表中')
  })
})

describe('feed API keys page', () => {
  it('shows a new key once, scoped to the chosen feed, and revokes it', async () => {
    const admin = await makeUser({ role: 'admin' })
    const client = new TestClient('zh-CN')
    await client.logIn(admin.username, admin.password)
    const missing = await client.post('/admin/feeds?index', { intent: 'create_key', feedType: 'student_aid', label: '' })
    expect(missing.status).toBe(400)
    expect(textOf(await missing.text())).toContain('请为密钥填写至少 2 个字的名称')
    const created = await client.post('/admin/feeds?index', { intent: 'create_key', feedType: 'student_aid', label: '州教育局' })
    const key = textOf(await created.text()).match(/gjf_[A-Za-z0-9_-]+/)?.[0]
    expect(key).toBeTruthy()
    const list = await (await client.get('/admin/feeds')).text()
    expect(list).toContain('州教育局')
    expect(list).not.toContain(key!)
    const post = (feed: string) =>
      raw(`/api/feeds/${feed}`, { method: 'POST', body: 'aid_no,id_number,school,aid_type,amount,academic_year\n', headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${key}` } })
    expect((await post('unemployment_registration')).status).toBe(403)
    const empty = await post('student_aid')
    expect(empty.status).toBe(202) // authenticated; a header-only file has no rows and is complete at once
    const [emptyDelivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, ((await empty.json()) as { deliveryId: string }).deliveryId))
    expect(emptyDelivery!.status).toBe('completed')
    const [row] = await db.select().from(feedApiKeys).where(eq(feedApiKeys.label, '州教育局'))
    await client.post('/admin/feeds?index', { intent: 'revoke_key', keyId: row!.id })
    expect((await post('student_aid')).status).toBe(401)
  })
})

describe('household form identity', () => {
  it('takes an optional ID number per member, refuses a wrong check digit in Chinese, and shows it only masked', async () => {
    const cw = await makeCaseworker('5226')
    const caseworker = new TestClient('zh-CN')
    await caseworker.logIn(cw.username, cw.password)
    const id = makeNationalId('522634', '19850601', 9)
    const form = {
      regionCode: '522634101001',
      incomePerCapitaMonthly: '650',
      housingType: 'owned_safe',
      'members.0.fullName': '潘志刚',
      'members.0.isHead': 'on',
      'members.0.birthDate': '1985-06-01',
      'members.0.gender': 'male',
      'members.0.education': 'junior_high',
      'members.0.employmentStatus': 'unemployed',
      'members.0.health': 'healthy',
      'members.0.workRadius': 'county',
      'members.0.hoursPreference': 'full_time',
      'members.0.idNumber': id.slice(0, 17) + (id[17] === '0' ? '1' : '0'),
    }
    // The region field suggests the caseworker's own villages with their names, no others.
    const blank = await (await caseworker.get('/caseworker/households/new')).text()
    const villages = [...blank.matchAll(/<option value="(\d{12})"/g)].map((m) => m[1]!)
    expect(villages).toContain('522634101001')
    expect(villages.every((v) => v.startsWith('5226'))).toBe(true)
    expect(textOf(blank)).toContain('雷山县')
    const refused = await caseworker.post('/caseworker/households/new', form)
    expect(refused.status).toBe(400)
    const refusedHtml = await refused.text()
    expect(textOf(refusedHtml)).toContain('第1位成员：身份证号校验位不正确')
    expect(refusedHtml).not.toContain(id.slice(0, 14))
    const created = await caseworker.post('/caseworker/households/new', { ...form, 'members.0.idNumber': id })
    expect(created.status).toBe(302)
    const detail = await (await caseworker.get(created.headers.get('Location')!)).text()
    expect(textOf(detail)).toContain(`5226**********${id.slice(-4)}`)
    expect(detail).not.toContain(id)
    const edit = await (await caseworker.get(`${created.headers.get('Location')!}/edit`)).text()
    expect(textOf(edit)).toContain(`已登记：5226**********${id.slice(-4)}`)
    expect(edit).not.toContain(id)
    expect(edit).not.toContain('v1.')

    // A department feed's change shows the feed as its author in the version history.
    const householdId = created.headers.get('Location')!.split('/').pop()!
    await db.transaction((tx) => applySystemChange(tx, householdId, feedAuthor('medical_insurance_settlement'), 'household.feed_medical_insurance_settlement', async () => ({ medicalMonthly: '900.00' })))
    const history = textOf(await (await caseworker.get(created.headers.get('Location')!)).text())
    expect(history).toContain('第 2 版')
    expect(history).toContain('部门数据接口（医保）')
  })
})

