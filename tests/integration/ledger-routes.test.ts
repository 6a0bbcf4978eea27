import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { distributions, households } from '@db/schema'
import { db } from '~/utils/db.server'
import { pledgeMoney } from '~/models/donations.server'
import { registerLot } from '~/models/lots.server'
import { makeItemDonationListing, makeMoneyDonationListing, makeProject, makeRecipient } from '../factories/ledger'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient, textOf as rawText } from '../setup/app'

/** Page text with React's text-node seams after ¥ closed up. */
const textOf = (html: string) => rawText(html).replace(/¥\s+/g, '¥')

async function client(role: 'donor' | 'resident' | 'org_member', locale?: 'zh-CN' | 'en', organizationId?: string) {
  const user = await makeUser({ role, organizationId })
  const c = new TestClient(locale)
  await c.logIn(user.username, user.password)
  return { c, user }
}

describe('ledger pages without JavaScript', () => {
  it('refuses a bad amount with a specific message in English and in Chinese, recording nothing', async () => {
    const listing = await makeMoneyDonationListing()
    const { c } = await client('donor', 'en')
    const res = await c.post(`/donor/pledge/${listing.id}`, { intent: 'money', key: randomUUID(), amount: '10.001' })
    expect(res.status).toBe(400)
    expect(textOf(await res.text())).toContain('At most 2 decimal places are allowed (got 10.001)')
    const zh = (await client('donor', 'zh-CN')).c
    const res2 = await zh.post(`/donor/pledge/${listing.id}`, { intent: 'money', key: randomUUID(), amount: '0' })
    expect(textOf(await res2.text())).toContain('金额必须大于 0')
    const page = textOf(await (await c.get(`/funds/${listing.id}`)).text())
    expect(page).toContain('¥0.00')
  })

  it('asks to confirm a pledge ten times the usual, then records it once', async () => {
    const listing = await makeMoneyDonationListing()
    const { c, user } = await client('donor')
    for (const amount of ['500', '600', '550']) await pledgeMoney({ id: user.id, role: 'donor', organizationId: null }, { listingId: listing.id, amount, key: randomUUID() })
    const key = randomUUID()
    const ask = textOf(await (await c.post(`/donor/pledge/${listing.id}`, { intent: 'money', key, amount: '5500.01' })).text())
    expect(ask).toContain('¥5500.01 是常见金额（中位数 ¥550.00）的 10 倍以上')
    const ok = textOf(await (await c.post(`/donor/pledge/${listing.id}`, { intent: 'money', key, amount: '5500.01', confirmOutlier: 'yes' })).text())
    expect(ok).toContain('认捐成功：¥5500.01')
    // A double submit of the confirmed form is the same pledge.
    await c.post(`/donor/pledge/${listing.id}`, { intent: 'money', key, amount: '5500.01', confirmOutlier: 'yes' })
    const funds = textOf(await (await c.get(`/funds/${listing.id}`)).text())
    expect(funds).toContain('¥7150.01')
  })

  it('guards every page by role and scopes the organization ledger to its own organization', async () => {
    const { c: resident } = await client('resident')
    for (const path of ['/org/ledger', '/org/claims', '/donor/gifts', '/donor/gifts.csv', '/org/ledger.csv', '/admin/ledger-alerts']) {
      expect((await resident.get(path)).status, path).toBe(403)
    }
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const { listing } = await makeProject({ organizationId: ownerOrg.id })
    const money = await makeMoneyDonationListing({ organizationId: ownerOrg.id })
    const { c: stranger } = await client('org_member')
    const res = await stranger.post('/org/ledger', { intent: 'release', listingId: money.id })
    expect(res.status).toBe(400)
    expect(textOf(await res.text())).toContain('只有发布该资源的组织可以操作')
    const { c: donor, user } = await client('donor')
    await pledgeMoney({ id: user.id, role: 'donor', organizationId: null }, { listingId: listing.id, amount: '88.80', key: randomUUID() })
    const { c: owner } = await client('org_member', undefined, ownerOrg.id)
    const bytes = new Uint8Array(await (await owner.get('/org/ledger.csv')).arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // BOM: spreadsheets read the Chinese as UTF-8
    const csv = new TextDecoder().decode(bytes)
    expect(csv).toContain('"88.8"')
    expect(await (await stranger.get('/org/ledger.csv')).text()).not.toContain('"88.8"')
    const mine = await (await donor.get('/donor/gifts.csv')).text()
    expect(mine).toContain('"88.80"')
  })

  it('the organization chooses among masked accepted households only; the donor links to the public page', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const { c: orgPage } = await client('org_member', 'zh-CN', org.id)
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const { c: donorPage, user: donor } = await client('donor')
    const lot = await registerLot({ id: donor.id, role: 'donor', organizationId: null }, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '30', condition: 'new' })
    const accepted = await makeRecipient(listing.id, { headName: '欧阳春花', resident: await makeUser({ role: 'resident' }) })
    const applied = await makeRecipient(listing.id, { headName: '张三丰', status: 'applied' })
    const html = await (await orgPage.get('/org/ledger')).text()
    const page = textOf(html)
    expect(page).toContain('欧阳某')
    expect(page).toContain('本人在 App 签收')
    expect(html).toContain(accepted.id)
    // Neither full names nor the household that only applied appear.
    expect(page).not.toMatch(/欧阳春花|张三丰|张某/)
    expect(html).not.toContain(applied.id)
    // Posting a household that was never accepted is refused in Chinese; nothing leaves the stock.
    const refused = await orgPage.post('/org/ledger', { intent: 'distribute', lotId: lot.id, key: randomUUID(), householdId: applied.id, quantity: '5' })
    expect(refused.status).toBe(400)
    expect(textOf(await refused.text())).toContain('该家庭未被确认接收此项捐赠，不能向其发放')
    const ok = await orgPage.post('/org/ledger', { intent: 'distribute', lotId: lot.id, key: randomUUID(), householdId: accepted.id, quantity: '5' })
    expect(textOf(await ok.text())).toContain('库存 25 · 发放中 5')
    // The donor's gift links to the listing's public page.
    expect(await (await donorPage.get('/donor/gifts')).text()).toContain(`href="/funds/${listing.id}"`)
  })

  it('a caseworker records a hand-over to a household of their region and confirms it with the code', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const donor = await makeUser({ role: 'donor' })
    const lot = await registerLot({ id: donor.id, role: 'donor', organizationId: null }, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '12', condition: 'new' })
    const cw = await makeCaseworker('5226')
    const household = await makeHousehold({ regionCode: '522634101001', members: [{ fullName: '龙阿妹' }] }, cw)
    // A hand-over needs the household's consent (as the organization's path does).
    await db.update(households).set({ consentGiven: true }).where(eq(households.id, household.id))
    const c = new TestClient('zh-CN')
    await c.logIn(cw.username, cw.password)
    const page = textOf(await (await c.get('/caseworker/receipts')).text())
    expect(page).toContain('向本辖区家庭发放物资')
    expect(page).toContain('库存 12 条')
    const bad = await c.post('/caseworker/receipts', { intent: 'handover', lotId: lot.id, householdId: household.id, quantity: '13', key: randomUUID() })
    expect(bad.status).toBe(400)
    const res = await (await c.post('/caseworker/receipts', { intent: 'handover', lotId: lot.id, householdId: household.id, quantity: '2', key: randomUUID() })).text()
    // The code is shown once, to be written on the slip; the hand-over waits in the pending list with its own confirm form.
    const [, code] = textOf(res).match(/签收码 (\d{6})/) ?? []
    const [handed] = await db.select({ id: distributions.id }).from(distributions).where(eq(distributions.householdId, household.id))
    const id = handed?.id
    expect(code).toBeTruthy()
    expect(res).toContain(`name="distributionId" value="${id}"`)
    const done = textOf(await (await c.post('/caseworker/receipts', { intent: 'confirm', distributionId: id!, code: code! })).text())
    expect(done).toContain('已确认签收')
    expect(done).toContain('库存 10 条')
  })
})
