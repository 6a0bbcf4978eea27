import { describe, expect, it } from 'vitest'
import { getQueue } from '@workers/queues/connection'
import { MATCHING_QUEUE } from '@workers/queues/matching'
import { eq } from 'drizzle-orm'
import { households, listings } from '@db/schema'
import { db } from '~/utils/db.server'
import { createInvitation, redeemInvitation, setConsent } from '~/models/household.server'
import { ApplicationError, applyToListing, decideApplication, inviteCandidate, listCandidates, listOffersForResident, OFFERS_PER_PAGE, respondToInvitation, withdrawApplication } from '~/models/applications.server'
import { scoreHousehold } from '~/models/matches.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeListing } from '../factories/match-listings'
import { makeUser } from '../factories/users'

async function refusal(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof ApplicationError) return error.key
    throw error
  }
  throw new Error('expected a refusal')
}

async function linkedHousehold(fullName = '吴光辉') {
  const cw = await makeCaseworker()
  const file = await makeHousehold({ members: [{ fullName }] }, cw)
  const resident = await makeUser({ role: 'resident' })
  const { code } = await createInvitation({ id: cw.id, role: 'caseworker' }, file.id)
  await redeemInvitation({ id: resident.id, role: 'resident' }, code)
  await setConsent({ id: resident.id, role: 'resident' }, true)
  await scoreHousehold(file.id)
  return { file, resident }
}

describe('applications and invitations', () => {
  it('keeps an invited candidate masked until they accept the invitation', async () => {
    const org = await makeUser({ role: 'org_member' })
    const actor = { id: org.id, organizationId: org.organizationId }
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634' })
    const { file, resident } = await linkedHousehold()
    await scoreHousehold(file.id)
    const before = (await listCandidates(actor, job.id)).candidates.find((c) => c.householdId === file.id)!
    expect(before.fullName).toBeNull()
    expect(before.surname).toBe('吴')
    const invitation = await inviteCandidate(actor, job.id, file.id)
    expect(await refusal(inviteCandidate(actor, job.id, file.id))).toBe('matching:errors.not_allowed')
    const invited = (await listCandidates(actor, job.id)).candidates.find((c) => c.householdId === file.id)!
    expect(invited.status).toBe('invited')
    expect(invited.fullName).toBeNull()
    const offers = await listOffersForResident(resident.id)
    expect(offers.applications.map((a) => a.status)).toEqual(['invited'])
    await respondToInvitation({ id: resident.id }, invitation.id, true)
    const accepted = (await listCandidates(actor, job.id)).candidates.find((c) => c.householdId === file.id)!
    expect(accepted.fullName).toBe('吴光辉')
    await decideApplication(actor, invitation.id, 'complete')
    expect(await refusal(decideApplication(actor, invitation.id, 'complete'))).toBe('matching:errors.not_allowed')
  })

  it('lets an invited resident accept only while a place is left and the listing is open, and rescores after an acceptance', async () => {
    const org = await makeUser({ role: 'org_member' })
    const actor = { id: org.id, organizationId: org.organizationId }
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', capacity: 1 })
    const first = await linkedHousehold('吴一')
    const second = await linkedHousehold('吴二')
    const firstInvitation = await inviteCandidate(actor, job.id, first.file.id)
    const secondInvitation = await inviteCandidate(actor, job.id, second.file.id)
    await respondToInvitation({ id: first.resident.id }, firstInvitation.id, true)
    expect(await getQueue(MATCHING_QUEUE).getJob(`score-listing-${job.id}-v${job.version}-${firstInvitation.id}-accept-invitation`)).toBeTruthy()
    const [{ version } = { version: 0 }] = await db.select({ version: households.version }).from(households).where(eq(households.id, first.file.id))
    expect(await getQueue(MATCHING_QUEUE).getJob(`score-household-${first.file.id}-v${version}-${firstInvitation.id}-accept-invitation`)).toBeTruthy()
    // The one place is taken: the second acceptance is refused and the invitation stays open.
    expect(await refusal(respondToInvitation({ id: second.resident.id }, secondInvitation.id, true))).toBe('matching:errors.capacity_full')
    // Declining needs no place; accepting on a closed listing is refused.
    const other = await makeListing({ organizationId: org.organizationId!, regionCode: '522634' })
    const third = await linkedHousehold('吴三')
    const thirdInvitation = await inviteCandidate(actor, other.id, third.file.id)
    await db.update(listings).set({ status: 'closed' }).where(eq(listings.id, other.id))
    expect(await refusal(respondToInvitation({ id: third.resident.id }, thirdInvitation.id, true))).toBe('matching:errors.listing_closed')
    await respondToInvitation({ id: second.resident.id }, secondInvitation.id, false)
  })

  it('shows an applicant by name through a rejection, and masks them again once they withdraw', async () => {
    const org = await makeUser({ role: 'org_member' })
    const actor = { id: org.id, organizationId: org.organizationId }
    const first = await makeListing({ organizationId: org.organizationId!, regionCode: '522634' })
    const second = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', title: '第二个岗位' })
    const { file, resident } = await linkedHousehold('龙秀英')
    const candidate = async (listingId: string) => (await listCandidates(actor, listingId)).candidates.find((c) => c.householdId === file.id)!
    const rejected = await applyToListing({ id: resident.id }, first.id)
    await decideApplication(actor, rejected.id, 'reject', { reason: 'no_capacity' })
    expect(await candidate(first.id)).toMatchObject({ status: 'rejected', fullName: '龙秀英' })
    const withdrawn = await applyToListing({ id: resident.id }, second.id)
    expect((await candidate(second.id)).fullName).toBe('龙秀英')
    await withdrawApplication({ id: resident.id }, withdrawn.id)
    expect(await candidate(second.id)).toMatchObject({ status: 'withdrawn', fullName: null, phone: null, address: null, surname: '龙' })
  })

  it('pages the resident’s offers, best first, 20 to a page', async () => {
    const org = await makeUser({ role: 'org_member' })
    await Promise.all(Array.from({ length: 23 }, (_, i) => makeListing({ organizationId: org.organizationId!, regionCode: '522634', title: `分页岗位 ${i}` })))
    const { resident } = await linkedHousehold('韦秀兰')
    const first = await listOffersForResident(resident.id)
    const second = await listOffersForResident(resident.id, { page: 2 })
    expect(first.offers).toHaveLength(OFFERS_PER_PAGE)
    expect(first.hasMore).toBe(true)
    expect(second.offers.length).toBeGreaterThanOrEqual(3)
    expect(second.hasMore).toBe(false)
    const all = [...first.offers, ...second.offers]
    expect(new Set(all.map((o) => o.listingId)).size).toBe(all.length)
    expect(all.map((o) => o.score)).toEqual([...all.map((o) => o.score)].sort((a, b) => b - a))
    expect((await listOffersForResident(resident.id, { page: 3 })).offers).toEqual([])
  })

  it('refuses applications without consent, twice, or to another organization’s listing decisions', async () => {
    const org = await makeUser({ role: 'org_member' })
    const stranger = await makeUser({ role: 'org_member' })
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634' })
    const { resident } = await linkedHousehold('杨再芬')
    const application = await applyToListing({ id: resident.id }, job.id)
    expect(await refusal(applyToListing({ id: resident.id }, job.id))).toBe('matching:errors.not_allowed')
    expect(await refusal(decideApplication({ id: stranger.id, organizationId: stranger.organizationId }, application.id, 'accept'))).toBe('matching:errors.not_found')
    expect(await refusal(listCandidates({ id: stranger.id, organizationId: stranger.organizationId }, job.id))).toBe('matching:errors.not_found')

    const other = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', title: '第二个岗位' })
    await setConsent({ id: resident.id, role: 'resident' }, false)
    expect(await refusal(applyToListing({ id: resident.id }, other.id))).toBe('matching:errors.no_consent')
    expect((await listOffersForResident(resident.id)).offers).toEqual([])
    // Decline an invitation is only possible when invited.
    expect(await refusal(respondToInvitation({ id: resident.id }, application.id, false))).toBe('matching:errors.not_allowed')
  })
})
