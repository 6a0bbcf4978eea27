// Near-duplicate offers (seed 002 §2.1.1: the same course run by several mass organizations
// in the same place). On publish, a listing is compared with OTHER organizations' active
// listings of the same kind, the same county, a shared category and overlapping dates; the
// text similarity is the Jaccard index of their jieba word sets.
import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { listingDuplicateFlags, listings, organizations, type DuplicateFlagStatus } from '@db/schema'
import { wordSet } from '@search/segment'
import { db } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import type { SessionUser } from './user.server'

/** Measured on the labelled pairs in tests/integration/listing-duplicates.test.ts. */
export const DUPLICATE_THRESHOLD = 0.4

export type ComparableListing = {
  id: string
  organizationId: string
  kind: string
  regionCode: string
  categories: string[]
  startsOn: string
  endsOn: string | null
  title: string
  description: string
}

/** Jaccard similarity of the segmented words of title (twice, so it weighs more) and description. */
export function textSimilarity(a: Pick<ComparableListing, 'title' | 'description'>, b: Pick<ComparableListing, 'title' | 'description'>) {
  const wa = wordSet(`${a.title} ${a.description}`)
  const wb = wordSet(`${b.title} ${b.description}`)
  const ta = wordSet(a.title)
  const tb = wordSet(b.title)
  return 0.5 * jaccard(ta, tb) + 0.5 * jaccard(wa, wb)
}

function jaccard(a: Set<string>, b: Set<string>) {
  if (!a.size && !b.size) return 0
  let shared = 0
  for (const w of a) if (b.has(w)) shared++
  return shared / (a.size + b.size - shared)
}

const county = (code: string) => code.slice(0, 6)

/** The structural rules before text similarity: kind, county, category, dates, another organization. */
export function comparable(a: ComparableListing, b: ComparableListing) {
  if (a.id === b.id || a.organizationId === b.organizationId || a.kind !== b.kind) return false
  const n = Math.min(6, a.regionCode.length, b.regionCode.length)
  if (a.regionCode.slice(0, n) !== b.regionCode.slice(0, n) || (n === 6 && county(a.regionCode) !== county(b.regionCode))) return false
  if (!a.categories.some((c) => b.categories.includes(c))) return false
  const aEnd = a.endsOn ?? '9999-12-31'
  const bEnd = b.endsOn ?? '9999-12-31'
  return a.startsOn <= bEnd && b.startsOn <= aEnd
}

export function isLikelyDuplicate(a: ComparableListing, b: ComparableListing) {
  if (!comparable(a, b)) return { duplicate: false, similarity: 0 }
  const similarity = textSimilarity(a, b)
  return { duplicate: similarity >= DUPLICATE_THRESHOLD, similarity }
}

const comparableColumns = {
  id: listings.id,
  organizationId: listings.organizationId,
  kind: listings.kind,
  regionCode: listings.regionCode,
  categories: listings.categories,
  startsOn: listings.startsOn,
  endsOn: listings.endsOn,
  title: listings.title,
  description: listings.description,
}

/** The worker job: flags likely duplicates of a published listing. Idempotent (one flag per pair). */
export async function detectDuplicates(listingId: string) {
  const [listing] = await db.select(comparableColumns).from(listings).where(and(eq(listings.id, listingId), eq(listings.status, 'published')))
  if (!listing) return []
  const prefix = listing.regionCode.slice(0, Math.min(6, listing.regionCode.length))
  const candidates = await db
    .select(comparableColumns)
    .from(listings)
    .where(
      and(
        eq(listings.kind, listing.kind),
        inArray(listings.status, ['published', 'paused']),
        ne(listings.organizationId, listing.organizationId),
        sql`${listings.categories} && array[${sql.join(
          listing.categories.map((c) => sql`${c}`),
          sql`, `,
        )}]::text[]`,
        sql`(left(${listings.regionCode}, ${prefix.length}) = ${prefix} or left(${prefix}, length(${listings.regionCode})) = ${listings.regionCode})`,
      ),
    )
  const flagged: Array<{ otherId: string; similarity: number }> = []
  for (const other of candidates) {
    const verdict = isLikelyDuplicate(listing as ComparableListing, other as ComparableListing)
    if (!verdict.duplicate) continue
    const [low, high] = [listing.id, other.id].sort() as [string, string]
    const created = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(listingDuplicateFlags)
        .values({ listingId: low, otherListingId: high, similarity: verdict.similarity.toFixed(4) })
        .onConflictDoNothing()
        .returning({ id: listingDuplicateFlags.id })
      if (row) {
        await recordAudit(tx, {
          actor: { system: 'worker:detect-duplicates' },
          action: 'listing_duplicate.flag',
          entityType: 'listing_duplicate_flag',
          entityId: row.id,
          after: { listingId: low, otherListingId: high, similarity: verdict.similarity.toFixed(4) },
        })
      }
      return Boolean(row)
    })
    if (created) flagged.push({ otherId: other.id, similarity: verdict.similarity })
  }
  return flagged
}

const a = alias(listings, 'a')
const b = alias(listings, 'b')
const oa = alias(organizations, 'oa')
const ob = alias(organizations, 'ob')

/** Flags an organization member sees (either side is theirs) or, for an admin, every flag. */
export async function listDuplicateFlags(actor: Pick<SessionUser, 'role' | 'organizationId'>, options: { status?: DuplicateFlagStatus } = {}) {
  const scope =
    actor.role === 'admin'
      ? undefined
      : actor.organizationId
        ? or(eq(a.organizationId, actor.organizationId), eq(b.organizationId, actor.organizationId))
        : sql`false`
  return db
    .select({
      id: listingDuplicateFlags.id,
      status: listingDuplicateFlags.status,
      similarity: listingDuplicateFlags.similarity,
      createdAt: listingDuplicateFlags.createdAt,
      listing: { id: a.id, title: a.title, organizationName: oa.name, organizationId: a.organizationId },
      other: { id: b.id, title: b.title, organizationName: ob.name, organizationId: b.organizationId },
    })
    .from(listingDuplicateFlags)
    .innerJoin(a, eq(a.id, listingDuplicateFlags.listingId))
    .innerJoin(b, eq(b.id, listingDuplicateFlags.otherListingId))
    .innerJoin(oa, eq(oa.id, a.organizationId))
    .innerJoin(ob, eq(ob.id, b.organizationId))
    .where(and(scope, options.status ? eq(listingDuplicateFlags.status, options.status) : undefined))
    .orderBy(desc(listingDuplicateFlags.createdAt))
}

/** "distinct" (not the same offer) or "coordinate" (merge / coordinate): by either organization or an admin. */
export async function decideDuplicateFlag(actor: Pick<SessionUser, 'id' | 'role' | 'organizationId'>, flagId: string, decision: Exclude<DuplicateFlagStatus, 'open'>) {
  return db.transaction(async (tx) => {
    const [flag] = await tx
      .select({ id: listingDuplicateFlags.id, status: listingDuplicateFlags.status, orgA: a.organizationId, orgB: b.organizationId })
      .from(listingDuplicateFlags)
      .innerJoin(a, eq(a.id, listingDuplicateFlags.listingId))
      .innerJoin(b, eq(b.id, listingDuplicateFlags.otherListingId))
      .where(eq(listingDuplicateFlags.id, flagId))
      .for('update', { of: listingDuplicateFlags })
    const allowed = flag && (actor.role === 'admin' || (actor.organizationId !== null && [flag.orgA, flag.orgB].includes(actor.organizationId)))
    if (!flag || !allowed) return null
    await tx.update(listingDuplicateFlags).set({ status: decision, decidedById: actor.id, decidedAt: new Date() }).where(eq(listingDuplicateFlags.id, flagId))
    await recordAudit(tx, { actor: { id: actor.id }, action: `listing_duplicate.${decision}`, entityType: 'listing_duplicate_flag', entityId: flagId, before: { status: flag.status }, after: { status: decision } })
    return { id: flagId, status: decision }
  })
}
