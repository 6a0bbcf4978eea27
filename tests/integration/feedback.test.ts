// Three-dimension feedback (满意度 · 能力提升度 · 社会融入度) and its aggregation.
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { applications, auditEntries, feedback } from '@db/schema'
import { decideApplication } from '~/models/applications.server'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney } from '~/models/donations.server'
import { confirmDistribution, distributeLot, registerLot } from '~/models/lots.server'
import { FeedbackError, pendingFeedbackForResident, submitFeedback } from '~/models/feedback.server'
import { db } from '~/utils/db.server'
import { makeCaseworker } from '../factories/households'
import { makeItemDonationListing, makeProject, makeRecipient } from '../factories/ledger'
import { makeListing } from '../factories/match-listings'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

async function feedbackRows(householdId: string) {
  return db.select().from(feedback).where(eq(feedback.householdId, householdId))
}

/** A job whose accepted applicant is a resident with an account. */
async function acceptedApplicant() {
  const org = await makeUser({ role: 'org_member' })
  const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', title: '苗绣技能岗位' })
  const resident = await makeUser({ role: 'resident' })
  const file = await makeRecipient(job.id, { resident, headName: '王光明' })
  const [application] = await db.select().from(applications).where(eq(applications.householdId, file.id))
  return { org, orgActor: { id: org.id, organizationId: org.organizationId }, job, resident, file, application: application! }
}

describe('feedback by the resident', () => {
  it('asks only after completion, refuses bad scores in Chinese and English writing nothing, records once with an audit entry', async () => {
    const { orgActor, resident, file, application } = await acceptedApplicant()
    expect(await pendingFeedbackForResident(resident.id)).toEqual([])
    const c = new TestClient('zh-CN')
    await c.logIn(resident.username, resident.password)
    expect(textOf(await (await c.get('/me')).text())).not.toContain('待评价的帮扶')
    expect((await c.get(`/me/feedback/application/${application.id}`)).status).toBe(404)

    await decideApplication(orgActor, application.id, 'complete')
    const home = textOf(await (await c.get('/me')).text())
    expect(home).toContain('待评价的帮扶')
    expect(home).toContain('苗绣技能岗位')
    const form = textOf(await (await c.get(`/me/feedback/application/${application.id}`)).text())
    for (const label of ['满意度', '能力提升度', '社会融入度']) expect(form).toContain(label)

    const bad = await c.post(`/me/feedback/application/${application.id}`, { satisfaction: '6', capability: '', integration: '3', comment: '' })
    expect(bad.status).toBe(400)
    const badText = textOf(await bad.text())
    expect(badText).toContain('分数必须是 1 到 5 之间的整数')
    expect(badText).toContain('请为这一项打分（1–5 分）')
    const en = new TestClient('en')
    await en.logIn(resident.username, resident.password)
    const badEn = textOf(await (await en.post(`/me/feedback/application/${application.id}`, { satisfaction: '2.5', capability: '3', integration: '3', comment: 'x'.repeat(1001) })).text())
    expect(badEn).toContain('The score must be a whole number from 1 to 5')
    expect(badEn).toContain('Comments can be at most 1000 characters')
    expect(await feedbackRows(file.id)).toEqual([])

    const ok = await c.post(`/me/feedback/application/${application.id}`, { satisfaction: '5', capability: '4', integration: '3', comment: '学到了手艺' })
    expect(textOf(await ok.text())).toContain('评价已提交')
    expect(await feedbackRows(file.id)).toMatchObject([{ subject: 'application', satisfaction: 5, capability: 4, integration: 3, comment: '学到了手艺', onBehalf: false, recordedById: resident.id }])
    expect(await pendingFeedbackForResident(resident.id)).toEqual([])
    const again = await c.post(`/me/feedback/application/${application.id}`, { satisfaction: '1', capability: '1', integration: '1' })
    expect(again.status).toBe(409)
    expect(textOf(await again.text())).toContain('这项帮扶已经评价过了，每项帮扶只能评价一次')
    expect(await feedbackRows(file.id)).toHaveLength(1)
    const [row] = await feedbackRows(file.id)
    const audits = await db.select().from(auditEntries).where(and(eq(auditEntries.entityId, row!.id), eq(auditEntries.action, 'feedback.submit')))
    expect(audits).toHaveLength(1)
    expect(audits[0]!.actorId).toBe(resident.id)
  })

  it('asks after items are received (签收), not before', async () => {
    const org = await makeOrganization({ kind: 'social_org' })
    const orgUser = await makeUser({ role: 'org_member', organizationId: org.id })
    const donor = await makeUser({ role: 'donor' })
    const listing = await makeItemDonationListing({ organizationId: org.id })
    const lot = await registerLot({ id: donor.id, role: 'donor', organizationId: null }, { key: randomUUID(), organizationId: org.id, listingId: listing.id, itemKind: '棉被', itemUnit: '条', quantity: '10', condition: 'new' })
    const resident = await makeUser({ role: 'resident' })
    const file = await makeRecipient(listing.id, { resident })
    const result = await distributeLot({ id: orgUser.id, role: 'org_member', organizationId: org.id }, lot.id, [{ householdId: file.id, quantity: '2' }], { key: randomUUID() })
    if (result.status !== 'recorded') throw new Error('expected recorded')
    expect((await pendingFeedbackForResident(resident.id)).filter((p) => p.subject === 'distribution')).toEqual([])
    await confirmDistribution({ id: resident.id, role: 'resident', organizationId: null }, result.distributions[0]!.id)
    const pending = await pendingFeedbackForResident(resident.id)
    expect(pending.map((p) => [p.subject, p.subjectId])).toContainEqual(['distribution', result.distributions[0]!.id])
    const saved = await submitFeedback({ id: resident.id, role: 'resident' }, { subject: 'distribution', subjectId: result.distributions[0]!.id, satisfaction: '4', capability: '2', integration: '3' })
    expect(saved).toMatchObject({ ok: true, feedback: { listingId: listing.id, organizationId: org.id, regionCode: '522634101001' } })
  })
})

describe('feedback on a project milestone', () => {
  it('asks the project’s households once a milestone is approved, and evaluates the NGO that delivered it', async () => {
    const ownerOrg = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'womens_federation' })
    const owner = { id: (await makeUser({ role: 'org_member', organizationId: ownerOrg.id })).id, role: 'org_member' as const, organizationId: ownerOrg.id }
    const ngo = await makeOrganization({ kind: 'social_org' })
    const ngoUser = { id: (await makeUser({ role: 'org_member', organizationId: ngo.id })).id, role: 'org_member' as const, organizationId: ngo.id }
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })
    const resident = await makeUser({ role: 'resident' })
    const file = await makeRecipient(listing.id, { resident })
    const bystander = await makeUser({ role: 'resident' })
    await makeRecipient(listing.id, { resident: bystander, status: 'rejected' })
    const claim = await submitClaim(ngoUser, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' })
    await decideClaim(owner, claim.id, true)
    const submission = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '活动照片 20 张，签到表' })
    const milestonePending = async (userId: string) => (await pendingFeedbackForResident(userId)).filter((p) => p.subject === 'milestone')
    // Submitted is not delivered: nothing to evaluate until the owner approves it. Nobody has
    // pledged yet (in this database no one ever has): approving is refused as an empty escrow.
    expect(await milestonePending(resident.id)).toEqual([])
    await expect(reviewSubmission(owner, submission.id, { approve: true })).rejects.toMatchObject({ code: 'escrow_empty' })
    await pledgeMoney({ id: (await makeUser({ role: 'donor' })).id, role: 'donor', organizationId: null }, { listingId: listing.id, amount: '5000', key: randomUUID() })
    expect((await reviewSubmission(owner, submission.id, { approve: true })).paid).toBe('3200.00')
    expect((await milestonePending(resident.id)).map((p) => [p.subjectId, p.organizationId, p.detail])).toEqual([[submission.id, ngo.id, '第1阶段']])
    // A household the project did not accept is not asked.
    expect(await milestonePending(bystander.id)).toEqual([])
    await expect(submitFeedback({ id: bystander.id, role: 'resident' }, { subject: 'milestone', subjectId: submission.id, satisfaction: '5', capability: '5', integration: '5' })).rejects.toBeInstanceOf(FeedbackError)

    const saved = await submitFeedback({ id: resident.id, role: 'resident' }, { subject: 'milestone', subjectId: submission.id, satisfaction: '4', capability: '5', integration: '4', comment: '孩子作业有人辅导了' })
    expect(saved).toMatchObject({ ok: true, feedback: { subject: 'milestone', milestoneSubmissionId: submission.id, listingId: listing.id, organizationId: ngo.id } })
    expect(await milestonePending(resident.id)).toEqual([])
    expect(await feedbackRows(file.id)).toHaveLength(1)
  })
})

describe('feedback recorded by a caseworker', () => {
  it('on behalf of a household in their regions only, audited', async () => {
    const { orgActor, file, application } = await acceptedApplicant()
    await decideApplication(orgActor, application.id, 'complete')
    const outsider = await makeCaseworker('6211')
    await expect(submitFeedback({ id: outsider.id, role: 'caseworker' }, { subject: 'application', subjectId: application.id, householdId: file.id, satisfaction: '4', capability: '4', integration: '4' })).rejects.toBeInstanceOf(FeedbackError)
    const o = new TestClient('zh-CN')
    await o.logIn(outsider.username, outsider.password)
    expect((await o.get(`/caseworker/households/${file.id}/feedback/application/${application.id}`)).status).toBe(404)
    expect((await o.post(`/caseworker/households/${file.id}/feedback/application/${application.id}`, { satisfaction: '4', capability: '4', integration: '4' })).status).toBe(404)
    expect(await feedbackRows(file.id)).toEqual([])

    const cw = await makeCaseworker('5226')
    const c = new TestClient('zh-CN')
    await c.logIn(cw.username, cw.password)
    const detail = textOf(await (await c.get(`/caseworker/households/${file.id}`)).text())
    expect(detail).toContain('代为填写评价')
    const res = await c.post(`/caseworker/households/${file.id}/feedback/application/${application.id}`, { satisfaction: '3', capability: '5', integration: '4', comment: '电话回访代填' })
    expect(textOf(await res.text())).toContain('评价已提交')
    expect(await feedbackRows(file.id)).toMatchObject([{ onBehalf: true, recordedById: cw.id, satisfaction: 3, capability: 5, integration: 4 }])
    const after = textOf(await (await c.get(`/caseworker/households/${file.id}`)).text())
    expect(after).toContain('社工代填')
    const [audit] = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'feedback.record_on_behalf'), eq(auditEntries.actorId, cw.id)))
    expect(audit!.after).toMatchObject({ onBehalf: true, householdId: file.id })
  })
})
