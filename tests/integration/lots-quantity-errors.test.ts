// In-kind quantities are items, not money: their errors say 数量 and the unit, a huge lot is
// questioned before it is recorded, and a lot that has already expired is refused.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ledgerLots } from '@db/schema'
import { chinaToday } from '~/models/listing-dates'
import { pledgeLot, registerLot } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { action as pledgeAction } from '~/routes/donor+/pledge.$listingId'
import { action as orgLedgerAction } from '~/routes/org+/ledger'
import { makeItemDonationListing, makeRecipient } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, sessionCookie, translator } from './ledger-fixes.helpers'

type UiError = { key: string; params: Record<string, string | number> }
type Answer = { ok: boolean; error?: UiError; fieldErrors?: Record<string, UiError>; confirmLot?: Record<string, string>; lot?: { quantity: string; unit: string } }

async function post(action: unknown, url: string, userId: string, fields: Record<string, string>, params: Record<string, string> = {}) {
  const headers = { Cookie: await sessionCookie(userId), 'Content-Type': 'application/x-www-form-urlencoded' }
  const run = action as (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>
  const res = await run({ request: new Request(`http://localhost${url}`, { method: 'POST', headers, body: new URLSearchParams(fields) }), params, context: {} })
  return { status: res.status, data: (await res.json()) as Answer }
}

async function setup() {
  const org = await makeOrganization({ kind: 'social_org' })
  const donor = actor(await makeUser({ role: 'donor' }), 'donor')
  const listing = await makeItemDonationListing({ organizationId: org.id, kind: '棉被', unit: '条', quantity: '100' })
  const pledge = (fields: Record<string, string>) => post(pledgeAction, `/donor/pledge/${listing.id}`, donor.id, { intent: 'lot', key: randomUUID(), condition: 'new', expiresOn: '', ...fields }, { listingId: listing.id })
  return { org, donor, listing, pledge }
}

const lotsOf = (listingId: string) => db.select().from(ledgerLots).where(eq(ledgerLots.listingId, listingId))

async function rendered(e: UiError) {
  return { zh: (await translator('zh-CN'))(e.key, e.params), en: (await translator('en'))(e.key, e.params) }
}

describe('registering an in-kind lot on the donor form', () => {
  it('quantity errors speak of 数量 and the unit, never of money', async () => {
    const { listing, pledge } = await setup()
    const cases: [string, string, string][] = [
      ['1.5', 'ledger:flow.quantity_not_whole', '数量必须是整数（条）'],
      ['', 'ledger:flow.quantity_required', '请填写数量（条）'],
      ['abc', 'ledger:flow.quantity_invalid', '数量“abc”不是有效的数字（单位：条）'],
      ['0', 'ledger:flow.quantity_not_positive', '数量必须大于 0（条）'],
      ['-3', 'ledger:flow.quantity_not_positive', '数量必须大于 0（条）'],
    ]
    for (const [quantity, key, zhText] of cases) {
      const { status, data } = await pledge({ quantity })
      expect(status, quantity).toBe(400)
      expect(data.fieldErrors?.quantity?.key, quantity).toBe(key)
      const { zh, en } = await rendered(data.fieldErrors!.quantity!)
      expect(zh).toBe(zhText)
      expect(en).toMatch(/quantity/i)
      for (const text of [zh, en]) expect(text).not.toMatch(/金额|¥|amount|\{\{/)
    }
    expect(await lotsOf(listing.id)).toEqual([])
  })

  it('an expiry date in the past is refused under the expiry field; today is fine', async () => {
    const { listing, pledge } = await setup()
    const { status, data } = await pledge({ quantity: '10', expiresOn: '2020-01-01' })
    expect(status).toBe(400)
    expect(data.fieldErrors?.expiresOn).toEqual({ key: 'ledger:flow.expiry_past', params: { date: '2020-01-01', today: chinaToday() } })
    expect(data.fieldErrors?.quantity).toBeUndefined()
    expect((await rendered(data.fieldErrors!.expiresOn!)).zh).toContain('保质期 2020-01-01 已过')
    const bogus = await pledge({ quantity: '10', expiresOn: '2026-02-30' })
    expect(bogus.data.fieldErrors?.expiresOn?.key).toBe('ledger:flow.expiry_invalid')
    expect(await lotsOf(listing.id)).toEqual([])
    // The model refuses it too.
    await expect(registerLot((await setup()).donor, { key: randomUUID(), organizationId: listing.organizationId, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new', expiresOn: '2020-01-01' })).rejects.toMatchObject({ code: 'expiry_past' })
    const ok = await pledge({ quantity: '10', expiresOn: chinaToday() })
    expect(ok.data).toMatchObject({ ok: true, lot: { quantity: '10', unit: '条' } })
  })

  it('100,000,000 quilts against a request of 100 are questioned first, recorded only once confirmed', async () => {
    const { listing, pledge } = await setup()
    const key = randomUUID()
    const ask = await pledge({ key, quantity: '100000000' })
    expect(ask.data).toMatchObject({ ok: false, confirmLot: { quantity: '100000000', reference: '100', basis: 'requested', unit: '条', key, raw: '100000000', condition: 'new' } })
    expect(await lotsOf(listing.id)).toEqual([])
    const zh = (await translator('zh-CN'))('ledger:pledge.confirm_lot_outlier_requested', ask.data.confirmLot!)
    expect(zh).toBe('这批数量 100000000 条 是该需求数量（100 条）的 10 倍以上。确认无误吗？')
    // Ten times the request is still ordinary.
    expect((await pledge({ quantity: '1000' })).data).toMatchObject({ ok: true })
    const confirmed = await pledge({ key, quantity: '100000000', confirmOutlier: 'yes' })
    expect(confirmed.data).toMatchObject({ ok: true, lot: { quantity: '100000000', unit: '条' } })
    expect(await lotsOf(listing.id)).toHaveLength(2)
    expect(await checkLedger()).toEqual([])
  })

  it('without a requested quantity, a lot is compared with the median lot of the item', async () => {
    const { org, donor } = await setup()
    for (const q of ['8', '10', '12']) await registerLot(donor, { key: randomUUID(), organizationId: org.id, itemKind: '暖水壶', itemUnit: '个', quantity: q, condition: 'new' })
    const ask = await pledgeLot(donor, { key: randomUUID(), organizationId: org.id, itemKind: '暖水壶', itemUnit: '个', quantity: '500', condition: 'new' })
    expect(ask).toMatchObject({ status: 'needs_confirmation', quantity: '500', reference: '10', basis: 'median', unit: '个' })
    expect((await pledgeLot(donor, { key: randomUUID(), organizationId: org.id, itemKind: '暖水壶', itemUnit: '个', quantity: '100', condition: 'new' })).status).toBe('recorded')
    expect((await pledgeLot(donor, { key: randomUUID(), organizationId: org.id, itemKind: '暖水壶', itemUnit: '个', quantity: '500', condition: 'new', confirmOutlier: true })).status).toBe('recorded')
  })
})

describe('handing over and writing off on the organization ledger', () => {
  it('stock and quantity refusals name the unit, not a balance of money', async () => {
    const { org, donor, listing } = await setup()
    const orgUser = await makeUser({ role: 'org_member', organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '40', condition: 'new' })
    const household = await makeRecipient(listing.id, { headName: '王光明' })
    const writeOff = await post(orgLedgerAction, '/org/ledger', orgUser.id, { intent: 'writeoff', lotId: lot.id, key: randomUUID(), quantity: '999999', reason: 'damaged' })
    expect(writeOff.status).toBe(400)
    expect(writeOff.data.error).toEqual({ key: 'ledger:flow.quantity_exceeds_stock', params: { available: '40', quantity: '999999', unit: '条' } })
    const { zh, en } = await rendered(writeOff.data.error!)
    expect(zh).toBe('库存不足：现有 40 条，需要 999999 条')
    expect(en).toContain('40 条')
    const split = await post(orgLedgerAction, '/org/ledger', orgUser.id, { intent: 'distribute', lotId: lot.id, key: randomUUID(), householdId: household.id, quantity: '1.5' })
    expect(split.data.error).toEqual({ key: 'ledger:flow.quantity_not_whole', params: { unit: '条' } })
    const tooMany = await post(orgLedgerAction, '/org/ledger', orgUser.id, { intent: 'distribute', lotId: lot.id, key: randomUUID(), householdId: household.id, quantity: '41', confirmOutlier: 'yes' })
    expect(tooMany.data.error?.key).toMatch(/^ledger:flow\.quantity_exceeds_stock/)
    for (const e of [split.data.error!, tooMany.data.error!]) expect((await rendered(e)).zh).not.toMatch(/金额|余额/)
    expect(await checkLedger()).toEqual([])
  })
})
