// Listings past their end date: no longer searched, matched, exported or open to applications;
// they cannot be published; the daily job withdraws those that end while published.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { listings, listingSearchDocuments, matches } from '@db/schema'
import { createInvitation, redeemInvitation, setConsent } from '~/models/household.server'
import { ApplicationError, applyToListing, listOffersForResident } from '~/models/applications.server'
import { submitClaim } from '~/models/claims.server'
import { pledgeMoney } from '~/models/donations.server'
import { registerLot } from '~/models/lots.server'
import { chinaToday, hasEnded } from '~/models/listing-dates'
import { publishedListingsHsds } from '~/models/listing-export.server'
import { changeListingStatus, ListingError, syncListingIndex, withdrawEndedListings } from '~/models/listing.server'
import { scoreHousehold, scoreListing } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeListing } from '../factories/match-listings'
import { makeItemDonationListing, makeMoneyDonationListing, makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'

const yesterday = () => new Date(Date.parse(`${chinaToday()}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)

async function consentingResident() {
  const cw = await makeCaseworker('5226')
  const file = await makeHousehold({}, cw)
  const resident = await makeUser({ role: 'resident' })
  const { code } = await createInvitation({ id: cw.id, role: 'caseworker' }, file.id)
  await redeemInvitation({ id: resident.id, role: 'resident' }, code)
  await setConsent({ id: resident.id, role: 'resident' }, true)
  return { file, resident }
}

const matchCount = async (listingId: string) => (await db.select().from(matches).where(eq(matches.listingId, listingId))).length
const indexed = async (listingId: string) => (await db.select().from(listingSearchDocuments).where(eq(listingSearchDocuments.listingId, listingId))).length

describe('listing end dates', () => {
  it('counts days in China time', () => {
    expect(chinaToday(new Date('2026-11-24T15:59:59Z'))).toBe('2026-11-24')
    expect(chinaToday(new Date('2026-11-24T16:00:00Z'))).toBe('2026-11-25')
    expect(hasEnded('2026-11-24', new Date('2026-11-24T15:00:00Z'))).toBe(false)
    expect(hasEnded('2026-11-24', new Date('2026-11-24T16:00:00Z'))).toBe(true)
    expect(hasEnded(null)).toBe(false)
  })

  it('withdraws a listing that ends: out of search, matching, offers and exports, and closed to applications', async () => {
    const { file, resident } = await consentingResident()
    const org = await makeUser({ role: 'org_member' })
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634' })
    await syncListingIndex(job.id)
    await scoreListing(job.id)
    expect(await matchCount(job.id)).toBeGreaterThan(0)
    expect(await indexed(job.id)).toBe(1)
    expect((await listOffersForResident(resident.id)).offers.map((o) => o.listingId)).toContain(job.id)

    // The end date passes (the row is as it would be the morning after).
    await db.update(listings).set({ endsOn: yesterday() }).where(eq(listings.id, job.id))
    // Until the daily job runs, reading paths already leave it out.
    expect((await listOffersForResident(resident.id)).offers.map((o) => o.listingId)).not.toContain(job.id)
    const error = await applyToListing({ id: resident.id }, job.id).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApplicationError)
    expect((error as ApplicationError).key).toBe('matching:errors.listing_ended')
    const hsds = await publishedListingsHsds({ kind: [], category: [], group: [], orgKind: [], region: '' }, 'http://localhost', 1, 1000)
    expect(hsds.contents.map((c: { id: string }) => c.id)).not.toContain(job.id)

    const first = await withdrawEndedListings()
    expect(first.listings).toBeGreaterThanOrEqual(1)
    expect(await matchCount(job.id)).toBe(0)
    expect(await indexed(job.id)).toBe(0)
    // Run again (a retried job): nothing left to remove for it; a rescore or re-sync brings nothing back.
    await withdrawEndedListings()
    await scoreListing(job.id)
    await scoreHousehold(file.id)
    await syncListingIndex(job.id)
    expect(await matchCount(job.id)).toBe(0)
    expect(await indexed(job.id)).toBe(0)
    // It stays published: the organization still completes what is open on it.
    expect((await db.select({ status: listings.status }).from(listings).where(eq(listings.id, job.id)))[0]!.status).toBe('published')
  })

  it('refuses to publish or resume a listing whose end date has passed', async () => {
    const org = await makeUser({ role: 'org_member' })
    const actor = { id: org.id, role: 'org_member' as const, organizationId: org.organizationId }
    const draft = await makeListing({ organizationId: org.organizationId!, status: 'draft' })
    await db.update(listings).set({ endsOn: yesterday() }).where(eq(listings.id, draft.id))
    const error = await changeListingStatus(actor, draft.id, 'publish').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ListingError)
    expect((error as ListingError).reason).toBe('ended')
    expect((await db.select({ status: listings.status }).from(listings).where(eq(listings.id, draft.id)))[0]!.status).toBe('draft')
  })
  it('takes no pledge and no claim once the end date has passed', async () => {
    const donor = await makeUser({ role: 'donor' })
    const gift = await makeMoneyDonationListing({ endsOn: yesterday() })
    await expect(pledgeMoney({ id: donor.id, role: 'donor' } as never, { listingId: gift.id, amount: '200', key: randomUUID() })).rejects.toMatchObject({ code: 'listing_not_open' })
    const ngoOrg = await makeOrganization({ kind: 'social_org' })
    const ngo = await makeUser({ role: 'org_member', organizationId: ngoOrg.id })
    const { listing: project } = await makeProject()
    await db.update(listings).set({ endsOn: yesterday() }).where(eq(listings.id, project.id))
    // Nor a lot of donated items on an in-kind listing that ended.
    const items = await makeItemDonationListing()
    await db.update(listings).set({ endsOn: yesterday() }).where(eq(listings.id, items.id))
    await expect(registerLot({ id: donor.id, role: 'donor', organizationId: null }, { key: randomUUID(), organizationId: items.organizationId, listingId: items.id, itemKind: '棉被', itemUnit: '条', quantity: '5', condition: 'new' })).rejects.toMatchObject({ code: 'listing_not_open' })
    await expect(submitClaim({ id: ngo.id, role: 'org_member', organizationId: ngoOrg.id } as never, { listingId: project.id, plan: '每周两次课后陪伴与作业辅导', budget: '1000' })).rejects.toMatchObject({ code: 'claims_closed' })
  })
})
