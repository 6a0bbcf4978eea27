// Listings inserted directly as rows, for matching tests that need exact eligibility fields
// (the listing forms and their validation are exercised by tests/factories/listings.ts).
import { eq, sql } from 'drizzle-orm'
import { jobDetails, listings, listingSkills, trainingDetails, donationDetails, type EducationLevel, type ListingKind, type SkillLevel } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeOrganization } from './users'

export type ListingFactoryInput = {
  organizationId?: string
  kind?: ListingKind
  title?: string
  regionCode?: string
  workplaceRegionCode?: string
  categories?: string[]
  targetGroups?: string[]
  capacity?: number | null
  ageMin?: number | null
  ageMax?: number | null
  minEducation?: EducationLevel | null
  eligibleGender?: 'female' | 'male' | null
  accommodations?: string[]
  status?: 'draft' | 'published' | 'paused' | 'closed'
  skills?: Array<{ code: string; role?: 'required' | 'taught' | 'prerequisite'; level?: SkillLevel }>
}

export async function makeListing(input: ListingFactoryInput = {}) {
  const organizationId = input.organizationId ?? (await makeOrganization()).id
  const kind = input.kind ?? 'job'
  const regionCode = input.regionCode ?? '522634'
  const status = input.status ?? 'published'
  const [row] = await db
    .insert(listings)
    .values({
      organizationId,
      kind,
      status,
      title: input.title ?? '电焊工（测试岗位）',
      description: '测试用帮扶资源',
      regionCode,
      categories: input.categories ?? (kind === 'job' ? ['employment'] : kind === 'training' ? ['skills_training'] : ['material_aid']),
      targetGroups: input.targetGroups ?? [],
      startsOn: '2026-01-01',
      capacity: input.capacity === undefined ? 5 : input.capacity,
      contactMethod: '0855-1234567',
      ageMin: input.ageMin === undefined ? 18 : input.ageMin,
      ageMax: input.ageMax === undefined ? 55 : input.ageMax,
      minEducation: input.minEducation ?? null,
      eligibleGender: input.eligibleGender ?? null,
      accommodations: input.accommodations ?? [],
      publishedAt: status === 'published' ? new Date() : null,
    })
    .returning()
  const listing = row!
  if (kind === 'job') {
    await db.insert(jobDetails).values({ listingId: listing.id, position: '焊工', wageMin: '4000', wageMax: '6000', workplaceRegionCode: input.workplaceRegionCode ?? regionCode })
  } else if (kind === 'training') {
    await db.insert(trainingDetails).values({ listingId: listing.id, schedule: '每周六', delivery: 'on_site' })
  } else if (kind === 'donation') {
    await db.insert(donationDetails).values({ listingId: listing.id, donationType: 'in_kind', itemKind: '棉被', itemUnit: '条', quantity: '100', deliveryRegionCode: regionCode })
  }
  const skillRows = input.skills ?? (kind === 'job' ? [{ code: 'welding' }] : [])
  if (skillRows.length) {
    await db.insert(listingSkills).values(
      skillRows.map((s) => ({ listingId: listing.id, skillCode: s.code, role: s.role ?? (kind === 'training' ? 'taught' : 'required'), level: s.level ?? 'intermediate' })),
    )
  }
  return listing
}

/** An edit as the listings context makes it: fields changed, version bumped. */
export async function editListing(id: string, set: Partial<typeof listings.$inferInsert>) {
  const [row] = await db.update(listings).set({ ...set, version: sql`${listings.version} + 1` }).where(eq(listings.id, id)).returning()
  return row!
}
