// Funds and items on the KPI dashboard, from real ledger flows (the app's own model functions):
// yuan and item quantities reported apart, scoped per organization, idle after 90 days.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { households } from '@db/schema'
import { pledgeMoney, releaseDonationListing } from '~/models/donations.server'
import { dashboard, funds } from '~/models/kpi.server'
import { confirmDistribution, distributeLot, registerLot } from '~/models/lots.server'
import { db } from '~/utils/db.server'
import { makeItemDonationListing, makeMoneyDonationListing, makeRecipient } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'

const actor = (u: { id: string; organizationId: string | null }, role: string) => ({ id: u.id, role, organizationId: u.organizationId })

let ngo: { id: string }
let firm: { id: string }

beforeAll(async () => {
  ngo = await makeOrganization({ kind: 'social_org', regionCode: '522634' })
  firm = await makeOrganization({ kind: 'enterprise', regionCode: '522634' })
  const ngoOwner = actor(await makeUser({ role: 'org_member', organizationId: ngo.id }), 'org_member')
  const donor = actor(await makeUser({ role: 'donor' }), 'donor')

  // NGO money listing A: 500 + 300.50 pledged, then released (paid on to the NGO).
  const a = await makeMoneyDonationListing({ organizationId: ngo.id })
  await pledgeMoney(donor, { listingId: a.id, amount: '500', key: randomUUID() })
  await pledgeMoney(donor, { listingId: a.id, amount: '300.50', key: randomUUID() })
  await releaseDonationListing(ngoOwner, a.id)
  // NGO money listing B: 200 pledged, still held.
  const b = await makeMoneyDonationListing({ organizationId: ngo.id })
  await pledgeMoney(donor, { listingId: b.id, amount: '200', key: randomUUID() })
  // The enterprise: 1000 held.
  const c = await makeMoneyDonationListing({ organizationId: firm.id })
  await pledgeMoney(donor, { listingId: c.id, amount: '1000', key: randomUUID() })

  // NGO in-kind: 100 quilts; 30 to a tier-A household (confirmed), 20 to another (in transit).
  const quilts = await makeItemDonationListing({ organizationId: ngo.id })
  const lot = await registerLot(donor, { key: randomUUID(), organizationId: ngo.id, listingId: quilts.id, itemKind: '棉被', itemUnit: '条', quantity: '100', condition: 'new' })
  const resident = await makeUser({ role: 'resident' })
  const first = await makeRecipient(quilts.id, { headName: '王光明', resident, status: 'applied' })
  const second = await makeRecipient(quilts.id, { headName: '李四', status: 'accepted' })
  // `applied` is not enough to receive: accept it directly, as the organization would.
  const { applications } = await import('@db/schema')
  await db.update(applications).set({ status: 'accepted', acceptedAt: new Date() }).where(eq(applications.householdId, first.id))
  const handed = await distributeLot(ngoOwner, lot.id, [{ householdId: first.id, quantity: '30' }, { householdId: second.id, quantity: '20' }], { key: randomUUID(), confirmOutlier: true })
  if (handed.status !== 'recorded') throw new Error('expected recorded')
  await confirmDistribution(actor(resident, 'resident'), handed.distributions[0]!.id)
  // The household that received is tier A; the other tier C.
  await db.update(households).set({ riskTier: 'A' }).where(eq(households.id, first.id))
  await db.update(households).set({ riskTier: 'C' }).where(eq(households.id, second.id))
  // A second item kind from the enterprise: 40 kg rice (never added to quilts or yuan).
  const rice = await makeItemDonationListing({ organizationId: firm.id, kind: '大米', unit: '千克', quantity: '40' })
  await registerLot(donor, { key: randomUUID(), organizationId: firm.id, listingId: rice.id, itemKind: '大米', itemUnit: '千克', quantity: '40', condition: 'new' })
})

describe('funds and items', () => {
  it('an administrator sees every organization: money in yuan, items per kind and unit', async () => {
    expect(await funds({ kind: 'all' }, {})).toEqual({
      money: { pledged: '2000.50', held: '1200.00', released: '800.50', delivered: '800.50', idle: '0.00' },
      items: [
        { itemKind: '大米', itemUnit: '千克', pledged: '40', held: '40', released: '0', delivered: '0', idle: '0' },
        { itemKind: '棉被', itemUnit: '条', pledged: '100', held: '50', released: '50', delivered: '30', idle: '0' },
      ],
    })
  })

  it("an organization sees its own funds only, and the kind filter narrows the same way", async () => {
    const own = await funds({ kind: 'organization', organizationId: ngo.id }, {})
    expect(own.money).toEqual({ pledged: '1000.50', held: '200.00', released: '800.50', delivered: '800.50', idle: '0.00' })
    expect(own.items.map((i) => i.itemKind)).toEqual(['棉被'])
    expect((await funds({ kind: 'all' }, { orgKind: 'enterprise' })).money).toEqual({ pledged: '1000.00', held: '1000.00', released: '0.00', delivered: '0.00', idle: '0.00' })
    expect((await funds({ kind: 'organization', organizationId: firm.id }, { region: '6211' })).money.pledged).toBe('0.00')
  })

  it('held pledges and stock untouched for more than 90 days are idle', async () => {
    const later = new Date(Date.now() + 91 * 86_400_000)
    const d = await funds({ kind: 'all' }, {}, later)
    expect(d.money.idle).toBe('1200.00')
    expect(d.items.map((i) => [i.itemKind, i.idle])).toEqual([
      ['大米', '40'],
      ['棉被', '50'],
    ])
  })

  it('a confirmed distribution counts as active assistance for its tier-A household', async () => {
    const d = await dashboard({ kind: 'all' }, {})
    expect(d.tiers[0]).toEqual({ tier: 'A', households: 1, assisted: 1, share: '1.0000' })
    const yesterday = new Date(Date.now() - 86_400_000)
    // Before the hand-over was confirmed: a period ending yesterday, and the application accepted today.
    const before = await dashboard({ kind: 'all' }, { until: yesterday })
    expect(before.tiers[0]).toMatchObject({ households: 1, assisted: 0 })
  })
})
