// Every closed loop carries exactly one outcome code, written with the state change.
import { and, eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applicationOutcomes, applications, auditEntries } from '@db/schema'
import { ApplicationError, applyToListing, decideApplication, inviteCandidate, respondToInvitation, withdrawApplication } from '~/models/applications.server'
import { createInvitation, redeemInvitation, setConsent } from '~/models/household.server'
import { changeListingStatus } from '~/models/listing.server'
import { scoreHousehold } from '~/models/matches.server'
import { db } from '~/utils/db.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeRecipient } from '../factories/ledger'
import { makeListing } from '../factories/match-listings'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

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

async function outcomes(applicationId: string) {
  return db.select().from(applicationOutcomes).where(eq(applicationOutcomes.applicationId, applicationId))
}

async function statusOf(applicationId: string) {
  const [a] = await db.select({ status: applications.status }).from(applications).where(eq(applications.id, applicationId))
  return a!.status
}

async function orgWithJob(capacity: number | null = 5) {
  const org = await makeUser({ role: 'org_member' })
  const actor = { id: org.id, organizationId: org.organizationId }
  const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', capacity })
  return { org, actor, job }
}

describe('outcome codes of closed loops', () => {
  it('refuses a rejection without a reason (nothing written), then records the chosen reason once', async () => {
    const { actor, job } = await orgWithJob()
    const { resident } = await linkedHousehold()
    const application = await applyToListing({ id: resident.id }, job.id)
    expect(await refusal(decideApplication(actor, application.id, 'reject'))).toBe('evaluation:errors.reject_reason_required')
    expect(await refusal(decideApplication(actor, application.id, 'reject', { reason: 'completed' }))).toBe('evaluation:errors.reject_reason_required')
    expect(await statusOf(application.id)).toBe('applied')
    expect(await outcomes(application.id)).toEqual([])

    await decideApplication(actor, application.id, 'reject', { reason: 'unreachable' })
    expect(await statusOf(application.id)).toBe('rejected')
    expect(await outcomes(application.id)).toMatchObject([{ outcome: 'unreachable', wasAccepted: false, closedById: actor.id }])
    expect(await refusal(decideApplication(actor, application.id, 'reject', { reason: 'no_capacity' }))).toBe('matching:errors.not_allowed')
    expect(await outcomes(application.id)).toHaveLength(1)
    const [audit] = await db.select().from(auditEntries).where(and(eq(auditEntries.entityId, application.id), eq(auditEntries.action, 'application.reject')))
    expect(audit!.after).toMatchObject({ status: 'rejected', outcome: 'unreachable' })
  })

  it('an accepted application rejected for no capacity counts as accepted; completion closes as completed', async () => {
    const { actor, job } = await orgWithJob()
    const a = await linkedHousehold('杨再芬')
    const b = await linkedHousehold('龙秀英')
    const first = await applyToListing({ id: a.resident.id }, job.id)
    const second = await applyToListing({ id: b.resident.id }, job.id)
    await decideApplication(actor, first.id, 'accept')
    await decideApplication(actor, second.id, 'accept')
    expect(await outcomes(first.id)).toEqual([])
    await decideApplication(actor, first.id, 'complete')
    await decideApplication(actor, second.id, 'reject', { reason: 'no_capacity' })
    expect(await outcomes(first.id)).toMatchObject([{ outcome: 'completed', wasAccepted: true }])
    expect(await outcomes(second.id)).toMatchObject([{ outcome: 'no_capacity', wasAccepted: true }])
  })

  it('a capacity-full accept attempt is not a closed loop', async () => {
    const { actor, job } = await orgWithJob(1)
    const a = await linkedHousehold('杨再芬')
    const b = await linkedHousehold('龙秀英')
    const first = await applyToListing({ id: a.resident.id }, job.id)
    const second = await applyToListing({ id: b.resident.id }, job.id)
    await decideApplication(actor, first.id, 'accept')
    expect(await refusal(decideApplication(actor, second.id, 'accept'))).toBe('matching:errors.capacity_full')
    expect(await statusOf(second.id)).toBe('applied')
    expect(await outcomes(second.id)).toEqual([])
  })

  it('declining an invitation and withdrawing an application close as declined by the resident; applying again reopens', async () => {
    const { actor, job } = await orgWithJob()
    const invited = await linkedHousehold('杨再芬')
    const invitation = await inviteCandidate(actor, job.id, invited.file.id)
    await respondToInvitation({ id: invited.resident.id }, invitation.id, false)
    expect(await statusOf(invitation.id)).toBe('declined')
    expect(await outcomes(invitation.id)).toMatchObject([{ outcome: 'declined_by_resident', wasAccepted: false }])

    const applicant = await linkedHousehold('龙秀英')
    const application = await applyToListing({ id: applicant.resident.id }, job.id)
    await decideApplication(actor, application.id, 'accept')
    await withdrawApplication({ id: applicant.resident.id }, application.id)
    expect(await statusOf(application.id)).toBe('withdrawn')
    expect(await outcomes(application.id)).toMatchObject([{ outcome: 'declined_by_resident', wasAccepted: true }])
    expect(await refusal(withdrawApplication({ id: applicant.resident.id }, application.id))).toBe('matching:errors.not_allowed')
    expect(await refusal(withdrawApplication({ id: invited.resident.id }, application.id))).toBe('matching:errors.not_found')
    // Applying again reopens the loop: an open application has no outcome.
    await applyToListing({ id: applicant.resident.id }, job.id)
    expect(await outcomes(application.id)).toEqual([])
  })

  it('closing a listing closes applied, invited and accepted applications as offer withdrawn, once', async () => {
    const { org, job } = await orgWithJob()
    const applied = await makeRecipient(job.id, { status: 'applied' })
    const accepted = await makeRecipient(job.id, { status: 'accepted', headName: '李春花' })
    const completed = await makeRecipient(job.id, { status: 'completed', headName: '张三' })
    const invitedFile = await makeHousehold({ members: [{ fullName: '欧阳明' }] })
    const [invited] = await db.insert(applications).values({ householdId: invitedFile.id, listingId: job.id, status: 'invited', invitedAt: new Date() }).returning()
    const rows = await db.select().from(applications).where(eq(applications.listingId, job.id))
    const idOf = (householdId: string) => rows.find((r) => r.householdId === householdId)!.id
    const listingActor = { id: org.id, role: 'org_member' as const, organizationId: org.organizationId }
    const result = await changeListingStatus(listingActor, job.id, 'close')
    expect(result).toMatchObject({ status: 'closed', closedApplications: 3 })
    for (const [id, wasAccepted] of [
      [idOf(applied.id), false],
      [idOf(accepted.id), true],
      [invited!.id, false],
    ] as const) {
      expect(await statusOf(id)).toBe('rejected')
      expect(await outcomes(id)).toMatchObject([{ outcome: 'offer_withdrawn', wasAccepted, closedById: org.id }])
    }
    expect(await statusOf(idOf(completed.id))).toBe('completed')
    expect(await outcomes(idOf(completed.id))).toEqual([])
    // A second close is refused and writes nothing twice.
    await expect(changeListingStatus(listingActor, job.id, 'close')).rejects.toMatchObject({ reason: 'closed' })
    const all = await db.select().from(applicationOutcomes).where(inArray(applicationOutcomes.applicationId, rows.map((r) => r.id)))
    expect(all).toHaveLength(3)
    const audits = await db.select().from(auditEntries).where(eq(auditEntries.action, 'application.close_with_listing'))
    expect(audits.map((a) => a.entityId).sort()).toEqual([idOf(applied.id), idOf(accepted.id), invited!.id].sort())
  })

  it('the organization page asks for a reason when rejecting, in Chinese and in English', async () => {
    const { org, job } = await orgWithJob()
    const { resident } = await linkedHousehold()
    const application = await applyToListing({ id: resident.id }, job.id)
    const zh = new TestClient('zh-CN')
    await zh.logIn(org.username, org.password)
    const page = textOf(await (await zh.get(`/org/matches/${job.id}`)).text())
    expect(page).toContain('不通过原因')
    expect(page).toContain('联系不上居民')
    const refused = await zh.post(`/org/matches/${job.id}`, { intent: 'reject', applicationId: application.id, reason: '' })
    expect(refused.status).toBe(400)
    expect(textOf(await refused.text())).toContain('请选择不通过的原因')
    const en = new TestClient('en')
    await en.logIn(org.username, org.password)
    const refusedEn = await en.post(`/org/matches/${job.id}`, { intent: 'reject', applicationId: application.id })
    expect(textOf(await refusedEn.text())).toContain('Choose why the application is not accepted')
    expect(await outcomes(application.id)).toEqual([])
    const ok = await zh.post(`/org/matches/${job.id}`, { intent: 'reject', applicationId: application.id, reason: 'offer_withdrawn' })
    expect(ok.status).toBe(200)
    expect(await outcomes(application.id)).toMatchObject([{ outcome: 'offer_withdrawn' }])
  })
})
