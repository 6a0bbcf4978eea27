import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { claimMilestoneHistory, decideClaim, milestoneHistory, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { pledgeMoney } from '~/models/donations.server'
import { loader as fundsLoader } from '~/routes/funds+/$listingId'
import { makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'
import { actor, loaderData } from './ledger-fixes.helpers'

describe('the public /funds page of a project', () => {
  it('shows organization, milestone, date, status and amount paid, never the evidence, review notes or user ids', async () => {
    const ownerOrg = await makeOrganization({ kind: 'social_org' })
    const owner = actor(await makeUser({ role: 'org_member', organizationId: ownerOrg.id }), 'org_member')
    const ngo = await makeOrganization({ kind: 'social_org', name: '春苗公益服务中心' })
    const ngoUser = actor(await makeUser({ role: 'org_member', organizationId: ngo.id }), 'org_member')
    const donor = actor(await makeUser({ role: 'donor' }), 'donor')
    const { listing, milestones } = await makeProject({ organizationId: ownerOrg.id, budget: '10000', shares: ['40', '60'] })
    await pledgeMoney(donor, { listingId: listing.id, amount: '5000', key: randomUUID() })
    const claim = await submitClaim(ngoUser, { listingId: listing.id, plan: '每周两次课后陪伴与作业辅导', budget: '8000' })
    await decideClaim(owner, claim.id, true)
    const evidence = '受益儿童王小明（身份证 522634201001011234）在校表现记录与家访照片'
    const sub = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence })
    await reviewSubmission(owner, sub.id, { approve: true, note: '家访记录已核实，内部备注 XYZ-私密' })
    const rejectedEvidence = '第二阶段结项报告草稿（含受益人电话 13800000000）'
    const sub2 = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[1]!.id, evidence: rejectedEvidence })
    await reviewSubmission(owner, sub2.id, { approve: false, note: '缺少签到表（内部）' })

    // Anonymous visitor: no cookie.
    const { status, data } = await loaderData(fundsLoader, `/funds/${listing.id}`, { listingId: listing.id })
    expect(status).toBe(200)
    const text = JSON.stringify(data)
    for (const secret of [evidence, rejectedEvidence, '内部备注', '缺少签到表', owner.id, ngoUser.id, donor.id, sub.id, sub2.id, claim.id]) expect(text).not.toContain(secret)
    const shown = (data.milestones as { title: string; submissions: Record<string, unknown>[] }[]).map((m) => m.submissions)
    expect(shown[0]).toEqual([{ organizationName: '春苗公益服务中心', createdAt: expect.any(String), status: 'approved', paid: '3200.00' }])
    expect(shown[1]).toEqual([{ organizationName: '春苗公益服务中心', createdAt: expect.any(String), status: 'rejected', paid: null }])

    // The model behind it returns only those fields too.
    const history = await milestoneHistory(listing.id)
    for (const m of history) for (const s of m.submissions) expect(Object.keys(s).sort()).toEqual(['createdAt', 'organizationName', 'paid', 'status'])
    expect(JSON.stringify(history)).not.toContain(evidence)
    // The claiming organization's own page still gets its review notes.
    const own = await claimMilestoneHistory(claim.id)
    expect(own[1]!.submissions.map((s) => s.reviewNote)).toEqual(['缺少签到表（内部）'])
  })
})
