// The caseworker's 代为签收 page (/caseworker/receipts), through its loader and action (no build):
// each lot offers exactly the households its hand-over accepts, pending hand-overs are listed
// masked and confirmed with the recipient's code alone, item quantities are refused in item words,
// a malformed form gets a specific translated error with nothing written, and the page is plain forms.
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { createMemoryRouter, RouterProvider } from 'react-router-dom'
import { describe, expect, it } from 'vitest'
import { donationDetails, households } from '@db/schema'
import { i18nConfig } from '~/i18n'
import { cancelDistribution, distributeLot, lotPositions, registerLot } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import CaseworkerReceipts, { action, loader } from '~/routes/caseworker+/receipts'
import { makeItemDonationListing, makeRecipient } from '../factories/ledger'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, loaderData, sessionCookie, translator } from './ledger-fixes.helpers'

type UiError = { key: string; params: Record<string, string | number> }
type Answer = { ok: boolean; intent?: string; error?: UiError; target?: string; code?: string; masked?: string; region?: string; quantity?: string; unit?: string }
type PageLot = { id: string; key: string; inStock: string; households: { id: string; headName: string; regionCode: string }[] }
type PageRow = { id: string; lotId: string; itemKind: string; itemUnit: string; amount: string; masked: string; regionCode: string; createdAt: string }

async function post(userId: string, fields: Record<string, string>) {
  const headers = { Cookie: await sessionCookie(userId), 'Content-Type': 'application/x-www-form-urlencoded' }
  const res = await action({ request: new Request('http://localhost/caseworker/receipts', { method: 'POST', headers, body: new URLSearchParams(fields) }), params: {}, context: {} })
  return { status: res.status, data: (await res.json()) as Answer }
}

async function page(userId: string) {
  const { status, data } = await loaderData(loader, '/caseworker/receipts', {}, await sessionCookie(userId))
  expect(status).toBe(200)
  return data as { lots: PageLot[]; pending: PageRow[] }
}

async function rendered(e: UiError) {
  return { zh: (await translator('zh-CN'))(e.key, e.params), en: (await translator('en'))(e.key, e.params) }
}

/** Rows everything on this page could write: hand-overs, transfers, accounts, audit entries. */
async function writes() {
  const [row] = await db.execute<{ d: number; t: number; a: number; e: number }>(sql`select
    (select count(*)::int from ledger_distributions) d, (select count(*)::int from ledger_transfers) t,
    (select count(*)::int from ledger_accounts) a, (select count(*)::int from audit_entries) e`)
  return row
}

const consent = (id: string, given = true) => db.update(households).set({ consentGiven: given }).where(eq(households.id, id))

/** A caseworker of 5226 and two lots with stock: one delivered to 522634 (a county), one to 522601. */
async function setup() {
  const org = await makeOrganization({ kind: 'social_org' })
  const donor = actor(await makeUser({ role: 'donor' }), 'donor')
  const county = await makeItemDonationListing({ organizationId: org.id }) // delivers to 522634
  const city = await makeItemDonationListing({ organizationId: org.id, kind: '大米', unit: '袋' })
  await db.update(donationDetails).set({ deliveryRegionCode: '522601' }).where(eq(donationDetails.listingId, city.id))
  const quilts = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: county.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
  const rice = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: city.id, itemKind: '大米', itemUnit: '袋', quantity: '50', condition: 'new' })
  const cw = await makeCaseworker('5226')
  return { org, county, quilts, rice, cw }
}

async function render(loaderData: unknown, actionData: unknown, lng: 'zh-CN' | 'en' = 'zh-CN') {
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng })
  const router = createMemoryRouter([{ id: 'page', path: '/', element: createElement(CaseworkerReceipts), loader: () => null, action: () => null }], {
    hydrationData: { loaderData: { page: loaderData }, actionData: { page: actionData } },
  })
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(RouterProvider, { router }))).replace(/<!-- -->/g, '')
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')

describe('the households offered for a lot', () => {
  it('are exactly those the hand-over accepts: in the caseworker’s regions, in the lot’s delivery region, with consent', async () => {
    const { quilts, rice, cw } = await setup()
    const inCounty = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    const noConsent = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '杨老三' }] }, cw)
    const inCity = await makeHousehold({ regionCode: '522601001001', members: [{ fullName: '吴金花' }] }, cw)
    const otherCaseworkers = await makeHousehold({ regionCode: '522634001001', members: [{ fullName: '潘小英' }] }) // filed by another caseworker of the county
    const farAway = await makeHousehold({ regionCode: '621102101201', members: [{ fullName: '马明' }] })
    for (const h of [inCounty, inCity, otherCaseworkers, farAway]) await consent(h.id)

    const { lots } = await page(cw.id)
    const offered = (lotId: string) => new Set(lots.find((l) => l.id === lotId)!.households.map((h) => h.id))
    expect(offered(quilts.id)).toEqual(new Set([inCounty.id, otherCaseworkers.id]))
    expect(offered(rice.id)).toEqual(new Set([inCity.id]))
    expect(lots.find((l) => l.id === quilts.id)!.households.find((h) => h.id === inCounty.id)).toMatchObject({ headName: '龙阿妹', regionCode: '522634101001' })

    // Every household of the database, tried on every lot: accepted if and only if offered.
    const all = await db.select({ id: households.id }).from(households)
    expect(all.length).toBeGreaterThanOrEqual(5)
    for (const lot of [quilts, rice]) {
      const accepted = new Set<string>()
      for (const h of all) {
        const { status, data } = await post(cw.id, { intent: 'handover', lotId: lot.id, householdId: h.id, quantity: '1', key: randomUUID() })
        if (status === 200) accepted.add(h.id)
        else expect(['ledger:flow.household_not_in_region', 'ledger:flow.household_no_consent']).toContain(data.error!.key)
      }
      expect(accepted).toEqual(offered(lot.id))
    }
    // A household that withdraws consent drops out of the list, as the hand-over then refuses it.
    await consent(otherCaseworkers.id, false)
    expect((await page(cw.id)).lots.find((l) => l.id === quilts.id)!.households.map((h) => h.id)).toEqual([inCounty.id])
    // A caseworker of another region sees neither lot.
    expect((await page((await makeCaseworker('6211')).id)).lots).toEqual([])
    expect(await checkLedger()).toEqual([])
  })

  it('one form per lot, each with its own key and only its households, posting plain HTML (no JavaScript needed)', async () => {
    const { quilts, rice, cw } = await setup()
    const a = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    const b = await makeHousehold({ regionCode: '522601001001', members: [{ fullName: '吴金花' }] }, cw)
    for (const h of [a, b]) await consent(h.id)
    const data = await page(cw.id)
    expect(new Set(data.lots.map((l) => l.key)).size).toBe(data.lots.length)
    const html = await render(data, undefined)
    const forms = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[0])
    const formOf = (lotId: string) => forms.find((f) => f.includes(`name="lotId" value="${lotId}"`))!
    for (const f of forms) expect(f).toMatch(/^<form method="post"/)
    expect(formOf(quilts.id)).toContain(`value="${a.id}"`)
    expect(formOf(quilts.id)).not.toContain(`value="${b.id}"`)
    expect(formOf(rice.id)).toContain(`value="${b.id}"`)
    expect(formOf(rice.id)).not.toContain(`value="${a.id}"`)
    expect(text(html)).toContain('库存 10 条')
    expect(text(html)).toContain('数量（袋）')
    expect(text(await render({ ...data, pending: [] }, undefined))).toContain('目前没有待确认签收的发放。')
  })
})

describe('pending hand-overs', () => {
  it('are listed masked with item, quantity and date, and confirmed with the code the recipient shows', async () => {
    const { org, county, quilts, cw } = await setup()
    const mine = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    await consent(mine.id)
    const handed = await post(cw.id, { intent: 'handover', lotId: quilts.id, householdId: mine.id, quantity: '3', key: randomUUID() })
    expect(handed.status).toBe(200)
    expect(handed.data).toMatchObject({ ok: true, intent: 'handover', quantity: '3', unit: '条', masked: '龙某', region: '522634101001' })
    const code = handed.data.code!
    expect(code).toMatch(/^\d{6}$/)

    // The organization's own hand-overs in the region wait here too; recalled, confirmed and other regions' do not.
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const viaOrg = await makeRecipient(county.id, { headName: '欧阳明', regionCode: '522634001001' })
    const recalled = await makeRecipient(county.id, { headName: '张三', regionCode: '522634101001' })
    const far = await makeRecipient(county.id, { headName: '李四', regionCode: '621102101201' })
    const batch = await distributeLot(owner, quilts.id, [viaOrg, recalled, far].map((h) => ({ householdId: h.id, quantity: '1' })), { key: randomUUID(), confirmOutlier: true })
    if (batch.status !== 'recorded') throw new Error('expected recorded')
    const byHousehold = new Map(batch.distributions.map((d) => [d.householdId, d]))
    await cancelDistribution(owner, byHousehold.get(recalled.id)!.id)

    // (Other tests of this file leave hand-overs in the same region: only this lot's are looked at.)
    const ofLot = (rows: PageRow[]) => rows.filter((p) => p.lotId === quilts.id)
    const pending = ofLot((await page(cw.id)).pending)
    expect(pending.map((p) => p.masked)).toEqual(['龙某', '欧阳某'])
    const row = pending[0]!
    expect(row).toMatchObject({ itemKind: '棉被', amount: '3', itemUnit: '条', masked: '龙某', regionCode: '522634101001' })
    expect(Date.now() - new Date(row.createdAt).getTime()).toBeLessThan(60_000)
    const html = await render(await page(cw.id), handed.data)
    const shown = text(html)
    expect(shown).toContain(`已登记发放：3 条，受助家庭 龙某（522634101001）。签收码 ${code}`)
    expect(shown).not.toContain(row.id) // no hand-over number to copy
    expect(shown).not.toContain('龙阿妹 · 522634101001 · 棉被') // the list is masked
    expect(shown).toContain('棉被 · 3 条 · 龙某 · 522634101001 · 发放于')
    const rowForm = [...html.matchAll(/<form[^>]*>[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => f.includes(`name="distributionId" value="${row.id}"`))!
    expect(rowForm).toMatch(/^<form method="post"/)
    expect(rowForm).toContain('name="intent" value="confirm"')
    expect(rowForm).toMatch(/<input name="code"[^>]*required/)

    // A wrong code is refused in that row and confirms nothing.
    const before = await writes()
    const wrong = await post(cw.id, { intent: 'confirm', distributionId: row.id, code: code === '000000' ? '111111' : '000000' })
    expect(wrong).toMatchObject({ status: 400, data: { error: { key: 'ledger:flow.wrong_code' }, target: row.id } })
    const rowItem = (html: string) => html.split('<li').find((li) => li.includes(`name="distributionId" value="${row.id}"`))!
    const wrongHtml = await render(await page(cw.id), wrong.data)
    expect(text(rowItem(wrongHtml))).toContain('签收码不正确')
    expect(rowItem(wrongHtml)).toContain('role="alert"')
    // Another region's caseworker, even with the right code, learns nothing.
    const elsewhere = await makeCaseworker('6211')
    expect((await post(elsewhere.id, { intent: 'confirm', distributionId: row.id, code })).data.error!.key).toBe('ledger:flow.distribution_not_found')
    expect(ofLot((await page(elsewhere.id)).pending).map((p) => p.masked)).toEqual(['李某']) // only their own region's
    expect(await writes()).toEqual(before)
    expect((await lotPositions([quilts.id])).get(quilts.id)).toMatchObject({ inStock: '5', inTransit: '5', delivered: '0' })

    // The code alone confirms it; the page says so and the row leaves the list.
    const done = await post(cw.id, { intent: 'confirm', distributionId: row.id, code: ` ${code} ` })
    expect(done).toMatchObject({ status: 200, data: { ok: true, intent: 'confirm', masked: '龙某', region: '522634101001' } })
    expect((await rendered({ key: 'ledger:caseworker.confirmed', params: { masked: '龙某', region: '522634101001' } })).zh).toBe('已确认签收：龙某（522634101001）已收到物资。')
    const after = await page(cw.id)
    expect(ofLot(after.pending).map((p) => p.masked)).toEqual(['欧阳某'])
    expect(after.pending.map((p) => p.id)).not.toContain(row.id)
    expect(text(await render(after, done.data))).toContain('已确认签收：龙某（522634101001）已收到物资。')
    expect((await lotPositions([quilts.id])).get(quilts.id)).toMatchObject({ inStock: '5', inTransit: '2', delivered: '3' })
    // A double submit of the confirmation is the same confirmation.
    expect((await post(cw.id, { intent: 'confirm', distributionId: row.id, code })).status).toBe(200)
    expect((await lotPositions([quilts.id])).get(quilts.id)).toMatchObject({ delivered: '3' })
    expect(await checkLedger()).toEqual([])
  })
})

describe('quantities on the hand-over form', () => {
  it('are refused as item quantities with the lot’s unit, never as money', async () => {
    const { quilts, cw } = await setup()
    const mine = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    await consent(mine.id)
    const cases: [string, string, string][] = [
      ['999999', 'ledger:flow.quantity_exceeds_stock', '库存不足：现有 10 条，需要 999999 条'],
      ['1.5', 'ledger:flow.quantity_not_whole', '数量必须是整数（条）'],
      ['abc', 'ledger:flow.quantity_invalid', '数量“abc”不是有效的数字（单位：条）'],
      ['0', 'ledger:flow.quantity_not_positive', '数量必须大于 0（条）'],
      ['-3', 'ledger:flow.quantity_not_positive', '数量必须大于 0（条）'],
      ['  ', 'ledger:flow.quantity_required', '请填写数量（条）'],
    ]
    const before = await writes()
    for (const [quantity, key, zhText] of cases) {
      const { status, data } = await post(cw.id, { intent: 'handover', lotId: quilts.id, householdId: mine.id, quantity, key: randomUUID() })
      expect(status, quantity).toBe(400)
      expect(data.error!.key, quantity).toBe(key)
      expect(data.target).toBe(quilts.id)
      const { zh, en } = await rendered(data.error!)
      expect(zh).toBe(zhText)
      expect(en).toMatch(/quantity|stock/i)
      for (const t of [zh, en]) expect(t).not.toMatch(/金额|¥|amount|\{\{/)
    }
    expect(await writes()).toEqual(before)
    // The refusal is said in the lot's form, which keeps what was typed.
    const refused = await post(cw.id, { intent: 'handover', lotId: quilts.id, householdId: mine.id, quantity: '999999', key: randomUUID() })
    const html = await render(await page(cw.id), refused.data)
    expect(text(html)).toContain('库存不足：现有 10 条，需要 999999 条')
    expect(html).toContain('value="999999"')
    expect(html).not.toContain('金额')
  })
})

describe('a malformed or refused form', () => {
  it('gets a specific translated error and writes nothing', async () => {
    const { quilts, cw } = await setup()
    const mine = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    const far = await makeHousehold({ regionCode: '621102101201' })
    await consent(far.id)
    const handover = (over: Record<string, string>) => ({ intent: 'handover', lotId: quilts.id, householdId: mine.id, quantity: '2', key: randomUUID(), ...over })
    const cases: [Record<string, string>, string][] = [
      [{}, 'common:errors.bad_request'],
      [{ intent: 'steal' }, 'common:errors.bad_request'],
      [handover({ lotId: '' }), 'ledger:flow.lot_not_found'],
      [handover({ lotId: 'not-a-lot' }), 'ledger:flow.lot_not_found'],
      [handover({ lotId: randomUUID() }), 'ledger:flow.lot_not_found'],
      [handover({ householdId: '' }), 'ledger:caseworker.household_required'],
      [handover({ householdId: 'x' }), 'ledger:flow.household_not_in_region'],
      [handover({ householdId: randomUUID() }), 'ledger:flow.household_not_in_region'],
      [handover({ householdId: far.id }), 'ledger:flow.household_not_in_region'],
      [handover({}), 'ledger:flow.household_no_consent'],
      [handover({ key: 'replay' }), 'ledger:flow.bad_key'],
      [{ intent: 'confirm', distributionId: 'abc', code: '123456' }, 'ledger:flow.distribution_not_found'],
      [{ intent: 'confirm', distributionId: randomUUID(), code: '123456' }, 'ledger:flow.distribution_not_found'],
      [{ intent: 'confirm', distributionId: randomUUID(), code: '' }, 'ledger:caseworker.code_required'],
      [{ intent: 'confirm', distributionId: randomUUID(), code: '12a45' }, 'ledger:caseworker.code_format'],
    ]
    const before = await writes()
    const zh = await translator('zh-CN')
    const en = await translator('en')
    for (const [fields, key] of cases) {
      const { status, data } = await post(cw.id, fields)
      expect(status, JSON.stringify(fields)).toBe(400)
      expect(data.error!.key, JSON.stringify(fields)).toBe(key)
      for (const t of [zh, en]) {
        const said = t(data.error!.key, data.error!.params)
        expect(said).not.toBe(key.split(':')[1])
        expect(said).not.toMatch(/\{\{|金额/)
      }
    }
    expect(await writes()).toEqual(before)
    // Only caseworkers reach the page at all.
    const resident = await makeUser({ role: 'resident' })
    await expect(post(resident.id, handover({}))).rejects.toMatchObject({ status: 403 })
    expect(await writes()).toEqual(before)
  })
})
