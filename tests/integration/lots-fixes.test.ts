import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, ledgerAccounts, ledgerLots } from '@db/schema'
import { changeListingStatus } from '~/models/listing.server'
import { distributeLot, registerLot, writeOffLot } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeItemDonationListing, makeRecipient } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { action as orgLedgerAction } from '~/routes/org+/ledger'
import { actor, holdLocks, lockWaiters, sessionCookie, settle, translator } from './ledger-fixes.helpers'

describe('in-kind lots', () => {
  it('a lot registered while its listing closes commits before the close, never onto a closed listing', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id, kind: '羽绒服', unit: '件' })
    // The item's asset is being created by another connection: the registration has read the
    // listing and waits, before writing its lot, for that insert to commit.
    const release = await holdLocks(`insert into ledger_assets (code, scale, item_kind, item_unit) values ('item:羽绒服/件', 0, '羽绒服', '件')`)
    const order: string[] = []
    const lot = settle(registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '羽绒服', itemUnit: '件', quantity: '10', condition: 'new' }).finally(() => order.push('lot')))
    await lockWaiters(1)
    const close = settle(changeListingStatus(owner as never, listing.id, 'close').finally(() => order.push('close')))
    await Promise.race([close, lockWaiters(2).catch(() => 0)])
    await release()
    const [l, c] = await Promise.all([lot, close])
    expect(l.ok && c.ok).toBe(true)
    expect(order).toEqual(['lot', 'close'])
    // After the close, a new lot is refused.
    await expect(registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '羽绒服', itemUnit: '件', quantity: '1', condition: 'new' })).rejects.toMatchObject({ code: 'listing_not_open' })
    expect(await db.select().from(ledgerLots).where(eq(ledgerLots.listingId, listing.id))).toHaveLength(1)
  })

  it('a replayed write-off is audited once; the organization write-off account cannot go below zero', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
    const key = randomUUID()
    const first = await writeOffLot(orgActor, lot.id, { key, quantity: '2', reason: 'damaged', note: '仓库漏雨' })
    const again = await writeOffLot(orgActor, lot.id, { key, quantity: '2', reason: 'damaged', note: '仓库漏雨' })
    expect(again.id).toBe(first.id)
    const audits = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'ledger.write_off'), eq(auditEntries.entityId, lot.id)))
    expect(audits).toHaveLength(1)
    const [writeOff] = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, first.creditAccountId))
    expect(writeOff).toMatchObject({ code: 'write_off', ownerType: 'organization', debitsMustNotExceedCredits: true })
    expect(await checkLedger()).toEqual([])
  })

  it('an outlier hand-over quantity is questioned in items, not in yuan', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgActor = actor(await makeUser({ role: 'org_member', organizationId: org.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot(donor, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '1000', condition: 'new' })
    const households = [await makeRecipient(listing.id, { headName: '王光明' }), await makeRecipient(listing.id, { headName: '李四' })]
    await distributeLot(orgActor, lot.id, [{ householdId: households[0]!.id, quantity: '2' }], { key: randomUUID() })
    const ask = await distributeLot(orgActor, lot.id, [{ householdId: households[1]!.id, quantity: '500' }], { key: randomUUID() })
    expect(ask).toMatchObject({ status: 'needs_confirmation', quantity: '500', median: '2', unit: '条' })
    // What the org ledger page answers, rendered in both languages.
    const form = new URLSearchParams({ intent: 'distribute', lotId: lot.id, key: randomUUID(), householdId: households[1]!.id, quantity: '500' })
    const headers = { Cookie: await sessionCookie(orgActor.id), 'Content-Type': 'application/x-www-form-urlencoded' }
    const res = await orgLedgerAction({ request: new Request('http://localhost/org/ledger', { method: 'POST', headers, body: form }), params: {}, context: {} })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { key: string; params: Record<string, string> } }
    expect(error.key).toBe('ledger:org.confirm_outlier_items')
    const zh = (await translator('zh-CN'))(error.key, error.params)
    const en = (await translator('en'))(error.key, error.params)
    expect(zh).toContain('500 条')
    expect(zh).toContain('中位数 2 条')
    expect(en).toContain('500 条')
    for (const text of [zh, en]) expect(text).not.toMatch(/¥|金额|\{\{/)
  })
})
