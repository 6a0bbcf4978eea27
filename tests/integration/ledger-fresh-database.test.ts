// A fresh installation: nobody has pledged anything yet, so the CNY asset and every money
// account are still missing. Releasing or paying out must answer "nothing there", not fail
// on a foreign key, and must not create accounts for money that never existed.
import { describe, expect, it } from 'vitest'
import { ledgerAccounts, ledgerAssets } from '@db/schema'
import { releaseDonationListing } from '~/models/donations.server'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { db } from '~/utils/db.server'
import { makeMoneyDonationListing, makeProject } from '../factories/ledger'
import { makeOrganization, makeUser } from '../factories/users'

describe('the ledger on a fresh database', () => {
  it('releases nothing and pays no milestone when nobody ever pledged, creating no accounts', async () => {
    expect(await db.select().from(ledgerAssets)).toEqual([])
    const org = await makeOrganization({ kind: 'social_org' })
    const owner = { id: (await makeUser({ role: 'org_member', organizationId: org.id })).id, role: 'org_member' as const, organizationId: org.id }
    const listing = await makeMoneyDonationListing({ organizationId: org.id })
    expect(await releaseDonationListing(owner, listing.id)).toEqual({ released: 0, total: '0.00' })

    const ngo = await makeOrganization({ kind: 'social_org' })
    const ngoUser = { id: (await makeUser({ role: 'org_member', organizationId: ngo.id })).id, role: 'org_member' as const, organizationId: ngo.id }
    const { listing: project, milestones } = await makeProject({ organizationId: org.id })
    const claim = await submitClaim(ngoUser, { listingId: project.id, plan: '每月两次入户走访与康复训练指导', budget: '6000' })
    await decideClaim(owner, claim.id, true)
    const submission = await submitMilestoneEvidence(ngoUser, { claimId: claim.id, milestoneId: milestones[0]!.id, evidence: '走访记录 12 份与签到表' })
    await expect(reviewSubmission(owner, submission.id, { approve: true })).rejects.toMatchObject({ code: 'escrow_empty' })
    expect(await db.select().from(ledgerAccounts)).toEqual([])
  })
})
