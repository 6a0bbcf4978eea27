import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { applications, donationDetails, households, listings, projectDetails, projectMilestones } from '@db/schema'
import { makeHousehold } from './households'
import { ensureItemAsset, ensureMoneyAsset, getOrCreateAccount, type AccountKey } from '~/models/ledger.server'
import { db } from '~/utils/db.server'
import { makeOrganization } from './users'

/** A fresh CNY account; `guarded` sets debits_must_not_exceed_credits (no overdraft). */
export async function makeMoneyAccount(input: Partial<AccountKey> & { guarded?: boolean } = {}) {
  await ensureMoneyAsset(db)
  return getOrCreateAccount(db, {
    ledger: input.ledger ?? 'CNY',
    code: input.code ?? 'escrow',
    ownerType: input.ownerType ?? 'organization',
    ownerId: input.ownerId ?? randomUUID(),
    scopeId: input.scopeId ?? null,
    debitsMustNotExceedCredits: input.guarded ?? input.debitsMustNotExceedCredits ?? false,
    creditsMustNotExceedDebits: input.creditsMustNotExceedDebits ?? false,
  })
}

export async function makeItemAccount(kind = '棉被', unit = '条', input: Partial<AccountKey> & { guarded?: boolean } = {}) {
  const ledger = await ensureItemAsset(db, kind, unit)
  return getOrCreateAccount(db, {
    ledger,
    code: input.code ?? 'stock',
    ownerType: input.ownerType ?? 'organization',
    ownerId: input.ownerId ?? randomUUID(),
    scopeId: input.scopeId ?? null,
    debitsMustNotExceedCredits: input.guarded ?? false,
  })
}

/** A published listing row inserted directly (listing CRUD is another issue's). */
async function makeListing(kind: 'donation' | 'project', organizationId?: string, endsOn?: string) {
  const orgId = organizationId ?? (await makeOrganization({ kind: 'social_org' })).id
  const [listing] = await db
    .insert(listings)
    .values({
      organizationId: orgId,
      kind,
      status: 'published',
      title: kind === 'project' ? '留守儿童课后陪伴项目' : '冬季棉被捐赠',
      description: '测试',
      regionCode: '522634',
      categories: ['material_aid'],
      startsOn: '2026-01-01',
      endsOn: endsOn ?? null,
      contactMethod: '电话 0855-0000000',
      publishedAt: new Date(),
    })
    .returning()
  return listing!
}

export async function makeMoneyDonationListing(input: { organizationId?: string; target?: string; endsOn?: string } = {}) {
  const listing = await makeListing('donation', input.organizationId, input.endsOn)
  await db.insert(donationDetails).values({ listingId: listing.id, donationType: 'money', targetAmount: input.target ?? '10000.00', deliveryRegionCode: '522634' })
  return listing
}

export async function makeItemDonationListing(input: { organizationId?: string; kind?: string; unit?: string; quantity?: string } = {}) {
  const listing = await makeListing('donation', input.organizationId)
  await db.insert(donationDetails).values({
    listingId: listing.id,
    donationType: 'in_kind',
    itemKind: input.kind ?? '棉被',
    itemUnit: input.unit ?? '条',
    quantity: input.quantity ?? '100',
    condition: 'new',
    deliveryRegionCode: '522634',
  })
  return listing
}

/** A project with a budget and milestones (shares in percent, adding up to 100). */
export async function makeProject(input: { organizationId?: string; budget?: string; shares?: string[] } = {}) {
  const listing = await makeListing('project', input.organizationId)
  await db.insert(projectDetails).values({ listingId: listing.id, durationMonths: 12, budget: input.budget ?? '10000.00' })
  const shares = input.shares ?? ['40', '60']
  const milestones = await db
    .insert(projectMilestones)
    .values(shares.map((s, i) => ({ listingId: listing.id, seq: i + 1, title: `第${i + 1}阶段`, dueOn: `2026-0${i + 3}-01`, budgetSharePercent: s, evidenceRequired: '活动照片与签到表' })))
    .returning()
  return { listing, milestones: milestones.sort((a, b) => a.seq - b.seq) }
}

/**
 * A household accepted for a donation listing (so the organization may hand items to it),
 * with consent; `resident` links a resident account that confirms in the app.
 */
export async function makeRecipient(listingId: string, input: { headName?: string; regionCode?: string; resident?: { id: string } | null; status?: 'accepted' | 'completed' | 'applied' | 'rejected' } = {}) {
  const file = await makeHousehold({ regionCode: input.regionCode ?? '522634101001', members: [{ fullName: input.headName ?? '王光明' }] })
  await db
    .update(households)
    .set({ consentGiven: true, residentUserId: input.resident?.id ?? null })
    .where(eq(households.id, file.id))
  const now = new Date()
  await db.insert(applications).values({ householdId: file.id, listingId, status: input.status ?? 'accepted', appliedAt: now, acceptedAt: input.status === 'applied' || input.status === 'rejected' ? null : now })
  return file
}
