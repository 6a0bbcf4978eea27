// The claim and milestone-evidence forms: every field error is specific (required, too long with
// the limit), translated in both languages, shown under its field, and nothing is written.
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, milestoneSubmissions, projectClaims } from '@db/schema'
import { decideClaim, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { db } from '~/utils/db.server'
import { action as claimsAction } from '~/routes/org+/claims'
import { makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, sessionCookie, translator } from './ledger-fixes.helpers'

type Answer = { ok: boolean; target?: string; fieldErrors?: Record<string, { key: string; params: Record<string, string | number> }>; error?: { key: string }; values?: Record<string, string> }

async function post(userId: string, fields: Record<string, string>) {
  const headers = { Cookie: await sessionCookie(userId), 'Content-Type': 'application/x-www-form-urlencoded' }
  const res = await claimsAction({ request: new Request('http://localhost/org/claims', { method: 'POST', headers, body: new URLSearchParams(fields) }), params: {}, context: {} })
  return { status: res.status, data: (await res.json()) as Answer }
}

async function setup() {
  const ownerOrg = await makeOrganization({ kind: 'social_org' })
  const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
  const ngoOrg = await makeOrganization({ kind: 'social_org' })
  const ngo = actor(await makeUser({ role: 'org_member', organizationId: ngoOrg.id }), 'org_member')
  const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '150000', shares: ['30', '70'] })
  return { owner, ngo, listing, milestones }
}

const claimsOf = (listingId: string) => db.select().from(projectClaims).where(eq(projectClaims.listingId, listingId))

describe('claiming a project', () => {
  it('an empty plan and an empty budget each get their own message; nothing is written', async () => {
    const { ngo, listing } = await setup()
    const { status, data } = await post(ngo.id, { intent: 'claim', listingId: listing.id, plan: '   ', budget: '' })
    expect(status).toBe(400)
    expect(data.target).toBe(listing.id)
    expect(data.fieldErrors?.plan?.key).toBe('ledger:flow.plan_required')
    expect(data.fieldErrors?.budget?.key).toBe('ledger:flow.budget_required')
    const zh = await translator('zh-CN')
    expect(zh(data.fieldErrors!.plan!.key, data.fieldErrors!.plan!.params)).toBe('请填写实施方案')
    expect(zh(data.fieldErrors!.budget!.key)).toBe('请填写申请预算（元）')
    expect(await claimsOf(listing.id)).toEqual([])
  })

  it('a 6,000-character plan is too long, with the limit, in both languages; nothing is written', async () => {
    const { ngo, listing } = await setup()
    const { status, data } = await post(ngo.id, { intent: 'claim', listingId: listing.id, plan: '案'.repeat(6000), budget: '8000' })
    expect(status).toBe(400)
    expect(data.fieldErrors).toEqual({ plan: { key: 'ledger:flow.plan_too_long', params: { max: 4000, length: 6000 } } })
    const zh = (await translator('zh-CN'))(data.fieldErrors!.plan!.key, data.fieldErrors!.plan!.params)
    const en = (await translator('en'))(data.fieldErrors!.plan!.key, data.fieldErrors!.plan!.params)
    expect(zh).toBe('实施方案不能超过 4000 个字（当前 6000 个字）')
    expect(en).toContain('4000')
    for (const text of [zh, en]) expect(text).not.toMatch(/请求内容不正确|\{\{|ledger:/)
    // What was typed comes back, so the form shows it again rather than losing 6,000 characters.
    expect(data.values).toEqual({ plan: '案'.repeat(6000), budget: '8000' })
    expect(await claimsOf(listing.id)).toEqual([])
    // The model refuses it too (a caller other than this form).
    await expect(submitClaim(ngo, { listingId: listing.id, plan: '案'.repeat(6000), budget: '8000' })).rejects.toMatchObject({ code: 'plan_too_long' })
    expect(await claimsOf(listing.id)).toEqual([])
  })

  it('a plan of exactly the limit is accepted; a budget over the project is the budget field', async () => {
    const { ngo, listing } = await setup()
    const over = await post(ngo.id, { intent: 'claim', listingId: listing.id, plan: '案'.repeat(4000), budget: '200000' })
    expect(over.data.fieldErrors).toEqual({ budget: { key: 'ledger:flow.budget_exceeds_project', params: { budget: '150000.00' } } })
    const ok = await post(ngo.id, { intent: 'claim', listingId: listing.id, plan: '案'.repeat(4000), budget: '8000' })
    expect(ok).toEqual({ status: 200, data: { ok: true } })
    expect(await claimsOf(listing.id)).toHaveLength(1)
  })
})

describe('submitting milestone evidence', () => {
  it('5,000 characters are too long and an empty one is required; nothing is written', async () => {
    const { owner, ngo, listing, milestones } = await setup()
    const claim = await submitClaim(ngo, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '150000' })
    await decideClaim(owner, claim.id, true)
    const base = { intent: 'evidence', claimId: claim.id, milestoneId: milestones[0]!.id }
    const long = await post(ngo.id, { ...base, evidence: '证'.repeat(5000) })
    expect(long.status).toBe(400)
    expect(long.data.target).toBe(`${claim.id}:${milestones[0]!.id}`)
    expect(long.data.fieldErrors).toEqual({ evidence: { key: 'ledger:flow.evidence_too_long', params: { max: 4000, length: 5000 } } })
    expect((await translator('zh-CN'))(long.data.fieldErrors!.evidence!.key, long.data.fieldErrors!.evidence!.params)).toBe('佐证材料说明不能超过 4000 个字（当前 5000 个字）')
    const empty = await post(ngo.id, { ...base, evidence: '' })
    expect(empty.data.fieldErrors).toEqual({ evidence: { key: 'ledger:flow.evidence_required', params: {} } })
    const short = await post(ngo.id, { ...base, evidence: '照片' })
    expect(short.data.fieldErrors?.evidence?.key).toBe('ledger:flow.evidence_too_short')
    expect((await translator('en'))(short.data.fieldErrors!.evidence!.key, short.data.fieldErrors!.evidence!.params)).toBe('Describe the evidence (at least 5 characters)')
    await expect(submitMilestoneEvidence(ngo, { ...base, evidence: '证'.repeat(5000) })).rejects.toMatchObject({ code: 'evidence_too_long' })
    expect(await db.select().from(milestoneSubmissions).where(eq(milestoneSubmissions.claimId, claim.id))).toEqual([])
    expect(await db.select().from(auditEntries).where(eq(auditEntries.action, 'milestone.submit'))).toEqual([])
    // A valid one goes through.
    expect((await post(ngo.id, { ...base, evidence: '第一阶段活动照片 20 张、签到表 8 份' })).data).toEqual({ ok: true })
  })

  it('a tampered id is still a bad request (not a field of the form)', async () => {
    const { ngo } = await setup()
    const { status, data } = await post(ngo.id, { intent: 'evidence', claimId: 'nope', milestoneId: randomUUID(), evidence: '活动照片与签到表' })
    expect(status).toBe(400)
    expect(data.error?.key).toBe('common:errors.bad_request')
  })
})
