// The organization's listing edit action, called directly (no Remix build needed): whatever the
// database refuses comes back as a catalog error in the form, never as a 500.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { decideClaim, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { createListing, loadListingSnapshot } from '~/models/listing.server'
import { action } from '~/routes/org+/listings.$id'
import { logIn } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { listingInput, listingValues } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'

type Member = { id: string; role: 'org_member'; organizationId: string }

async function member(kind: 'mass_org' | 'social_org' = 'mass_org'): Promise<Member> {
  const org = await makeOrganization(kind === 'mass_org' ? { kind, massOrgSubtype: 'womens_federation' } : { kind })
  const user = await makeUser({ role: 'org_member', organizationId: org.id })
  return { id: user.id, role: 'org_member', organizationId: org.id }
}

async function cookieOf(user: Member) {
  const response = await logIn(new Request('http://localhost/login'), user.id, '/')
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}

/** Factory values as the form posts them: flat indexed names, one entry per list item. */
function formOf(values: Record<string, unknown>, expectedVersion: number) {
  const body = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        if (item && typeof item === 'object') for (const [field, v] of Object.entries(item)) body.append(`${key}[${i}].${field}`, String(v))
        else body.append(key, String(item))
      }
    } else body.append(key, String(value))
  }
  body.set('expectedVersion', String(expectedVersion))
  return body
}

async function postEdit(user: Member, listingId: string, values: Record<string, unknown>, expectedVersion: number) {
  const request = new Request(`http://localhost/org/listings/${listingId}`, {
    method: 'POST',
    headers: { Cookie: await cookieOf(user), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: formOf(values, expectedVersion),
  })
  const response = (await action({ request, params: { id: listingId }, context: {} })) as Response
  const body = response.status === 200 || response.status >= 400 ? ((await response.json()) as { error?: Record<string, string[]> }) : null
  return { status: response.status, location: response.headers.get('Location'), error: body?.error ?? null }
}

describe('editing a listing through the form', () => {
  it('saves a title-only edit of a project with submitted evidence, and shows a milestone error for a structural change', async () => {
    const me = await member()
    const created = await createListing(me, listingInput('project'), { publish: true })
    if (!created.ok) throw new Error('create failed')
    const claimant = await member('social_org')
    const claim = await submitClaim(claimant, { listingId: created.id, plan: '每周两次课后陪伴与作业辅导', budget: '100000' })
    await decideClaim(me, claim.id, true)
    const [milestone] = (await loadListingSnapshot(db, created.id))!.milestones
    const [row] = await db.execute<{ id: string }>(sql`select id from project_milestones where listing_id = ${created.id} and seq = ${milestone!.seq}`)
    await submitMilestoneEvidence(claimant, { claimId: claim.id, milestoneId: row!.id, evidence: '活动照片 20 张，签到表' })

    const saved = await postEdit(me, created.id, listingValues('project', { title: '留守儿童课后托管项目（修订）' }), 1)
    expect(saved).toMatchObject({ status: 302, location: `/org/listings/${created.id}?saved=2` })

    const restructured = await postEdit(me, created.id, listingValues('project', { milestones: [{ title: '全部完成', dueOn: '2027-12-31', budgetSharePercent: '100', evidenceRequired: '结项报告' }] }), 2)
    expect(restructured.status).toBe(400)
    expect(restructured.error).toMatchObject({ milestones: ['listings:errors.milestones_locked'] })

    const cut = await postEdit(me, created.id, listingValues('project', { budget: '1000.00' }), 2)
    expect(cut.status).toBe(400)
    expect(cut.error).toMatchObject({ budget: ['listings:errors.budget_below_committed|{"committed":"100000.00"}'] })
    expect((await loadListingSnapshot(db, created.id))!.version).toBe(2)
  })

  it('shows a field error for a repeated prerequisite skill and for amounts or dates the database cannot hold', async () => {
    const me = await member()
    const created = await createListing(me, listingInput('training'))
    if (!created.ok) throw new Error('create failed')
    const repeated = await postEdit(me, created.id, listingValues('training', { prerequisiteSkills: [{ code: 'sewing', level: 'beginner' }, { code: 'sewing', level: 'advanced' }] }), 1)
    expect(repeated.status).toBe(400)
    expect(repeated.error).toMatchObject({ prerequisiteSkills: ['listings:validation.skill_repeated'] })
    // numeric(12,2) holds ten whole-yuan digits.
    const costly = await postEdit(me, created.id, listingValues('training', { costYuan: '99999999999' }), 1)
    expect(costly.status).toBe(400)
    expect(costly.error).toMatchObject({ costYuan: ['listings:validation.at_most|{"max":"9999999999.99"}'] })
    // PostgreSQL has no year 0.
    const ancient = await postEdit(me, created.id, listingValues('training', { startsOn: '0000-01-01', endsOn: '0000-12-31' }), 1)
    expect(ancient.status).toBe(400)
    expect(ancient.error).toMatchObject({ startsOn: ['listings:validation.date_format'] })
    expect((await loadListingSnapshot(db, created.id))!.version).toBe(1)
  })

  it('turns any other database refusal into a form error (nothing saved), not a 500', async () => {
    const me = await member()
    const created = await createListing(me, listingInput('job'))
    if (!created.ok) throw new Error('create failed')
    // A rule only the database knows (this file's private database): the save must fail there.
    await db.execute(sql`alter table listings add constraint test_refused_title check (title <> '数据库拒绝的标题')`)
    const refused = await postEdit(me, created.id, listingValues('job', { title: '数据库拒绝的标题' }), 1)
    expect(refused.status).toBe(409)
    expect(refused.error).toMatchObject({ '': ['listings:errors.save_failed'] })
    expect((await loadListingSnapshot(db, created.id))!).toMatchObject({ version: 1, title: '雷山县电子厂招聘焊工' })
    await db.execute(sql`alter table listings drop constraint test_refused_title`)
  })
})
