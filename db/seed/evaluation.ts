// Demo closed loops and feedback, so outcome codes and evaluation figures are non-trivial right
// after `npm run seed`: households without a resident account get applications to published job
// and training listings that ended in each way (completed, declined, withdrawn, rejected for each
// reason), each with its outcome row, and the completed ones plus confirmed hand-overs get
// feedback recorded by the household's caseworker on the resident's behalf. Rows are inserted
// directly (as the ledger seed does for applications) and keyed by their unique indexes: a second
// run finds them and adds nothing.
import { and, asc, eq, inArray, isNotNull, isNull, like, or } from 'drizzle-orm'
import type { Database } from '../client'
import { applicationOutcomes, applications, caseworkerRegions, distributions, feedback, households, ledgerLots, listings, users, type OutcomeCode } from '../schema'

type Plan = { status: 'completed' | 'declined' | 'withdrawn' | 'rejected'; outcome: OutcomeCode; wasAccepted: boolean }

// Mostly completed loops, and every other outcome code at least a few times.
const plans: Plan[] = [
  { status: 'completed', outcome: 'completed', wasAccepted: true },
  { status: 'completed', outcome: 'completed', wasAccepted: true },
  { status: 'rejected', outcome: 'unreachable', wasAccepted: false },
  { status: 'completed', outcome: 'completed', wasAccepted: true },
  { status: 'declined', outcome: 'declined_by_resident', wasAccepted: false },
  { status: 'rejected', outcome: 'no_capacity', wasAccepted: false },
  { status: 'completed', outcome: 'completed', wasAccepted: true },
  { status: 'withdrawn', outcome: 'declined_by_resident', wasAccepted: true },
  { status: 'rejected', outcome: 'offer_withdrawn', wasAccepted: true },
]

/** Deterministic scores 1–5, leaning positive, varied per dimension. */
function scores(i: number) {
  const pick = (n: number) => [4, 5, 3, 4, 2, 5, 4, 3, 5, 1, 4][n % 11]!
  return { satisfaction: pick(i), capability: pick(i * 3 + 1), integration: pick(i * 7 + 2) }
}

const comments = ['老师教得很耐心，学到了实用手艺。', '离家近，收入稳定了。', '希望多安排几次上门回访。', '', '和村里人一起参加培训，认识了不少朋友。', '']

export async function seedEvaluation(db: Database, log: (msg: string) => void, loops = 45) {
  const caseworkers = await db
    .select({ userId: caseworkerRegions.userId, regionCode: caseworkerRegions.regionCode })
    .from(caseworkerRegions)
    .innerJoin(users, eq(users.id, caseworkerRegions.userId))
    .where(inArray(users.username, ['caseworker', 'caseworker2']))
  if (caseworkers.length === 0) return { applications: 0, feedback: 0 }
  const caseworkerFor = (regionCode: string) => caseworkers.find((c) => regionCode.startsWith(c.regionCode))?.userId ?? null
  const homes = await db
    .select({ id: households.id, regionCode: households.regionCode })
    .from(households)
    .where(and(isNull(households.residentUserId), or(...caseworkers.map((c) => like(households.regionCode, `${c.regionCode}%`)))))
    .orderBy(asc(households.id))
    .limit(loops)
  const offers = await db
    .select({ id: listings.id, organizationId: listings.organizationId })
    .from(listings)
    .where(and(eq(listings.status, 'published'), inArray(listings.kind, ['job', 'training'])))
    .orderBy(asc(listings.id))
    .limit(15)
  if (homes.length === 0 || offers.length === 0) return { applications: 0, feedback: 0 }
  let createdApplications = 0
  let createdFeedback = 0
  const day = 86_400_000
  const now = Date.now()
  for (const [i, home] of homes.entries()) {
    const listing = offers[i % offers.length]!
    const plan = plans[i % plans.length]!
    const recorder = caseworkerFor(home.regionCode)
    if (!recorder) continue
    // Spread over the last six months, so period filters have something to filter.
    const appliedAt = new Date(now - (20 + ((i * 37) % 160)) * day)
    const closedAt = new Date(appliedAt.getTime() + (5 + (i % 20)) * day)
    const [inserted] = await db
      .insert(applications)
      .values({
        householdId: home.id,
        listingId: listing.id,
        status: plan.status,
        appliedAt,
        acceptedAt: plan.wasAccepted ? new Date(appliedAt.getTime() + 2 * day) : null,
        completedAt: plan.status === 'completed' ? closedAt : null,
        rejectedAt: plan.status === 'rejected' ? closedAt : null,
        declinedAt: plan.status === 'declined' ? closedAt : null,
        withdrawnAt: plan.status === 'withdrawn' ? closedAt : null,
        createdAt: appliedAt,
        updatedAt: closedAt,
      })
      .onConflictDoNothing()
      .returning({ id: applications.id })
    const [application] = inserted ? [inserted] : await db.select({ id: applications.id }).from(applications).where(and(eq(applications.householdId, home.id), eq(applications.listingId, listing.id)))
    if (!application) continue
    if (inserted) createdApplications++
    await db.insert(applicationOutcomes).values({ applicationId: application.id, outcome: plan.outcome, wasAccepted: plan.wasAccepted, closedAt, note: 'seed' }).onConflictDoNothing()
    if (plan.status !== 'completed') continue
    const rows = await db
      .insert(feedback)
      .values({
        subject: 'application',
        applicationId: application.id,
        householdId: home.id,
        listingId: listing.id,
        organizationId: listing.organizationId,
        regionCode: home.regionCode,
        ...scores(i),
        comment: comments[i % comments.length]!,
        recordedById: recorder,
        onBehalf: true,
        createdAt: new Date(closedAt.getTime() + 3 * day),
      })
      .onConflictDoNothing()
      .returning({ id: feedback.id })
    createdFeedback += rows.length
  }
  // Confirmed hand-overs of donated items (from the ledger seed) are rated too.
  const received = await db
    .select({ id: distributions.id, householdId: distributions.householdId, regionCode: households.regionCode, listingId: listings.id, organizationId: listings.organizationId, confirmedAt: distributions.confirmedAt })
    .from(distributions)
    .innerJoin(households, eq(households.id, distributions.householdId))
    .innerJoin(ledgerLots, eq(ledgerLots.id, distributions.lotId))
    .innerJoin(listings, eq(listings.id, ledgerLots.listingId))
    .where(and(isNotNull(distributions.confirmedAt), isNull(households.residentUserId)))
    .orderBy(asc(distributions.id))
  for (const [j, d] of received.entries()) {
    const recorder = caseworkerFor(d.regionCode)
    if (!recorder) continue
    const rows = await db
      .insert(feedback)
      .values({ subject: 'distribution', distributionId: d.id, householdId: d.householdId, listingId: d.listingId, organizationId: d.organizationId, regionCode: d.regionCode, ...scores(j + 5), recordedById: recorder, onBehalf: true })
      .onConflictDoNothing()
      .returning({ id: feedback.id })
    createdFeedback += rows.length
  }
  log(`evaluation: ${createdApplications} closed loops with outcome codes, ${createdFeedback} feedback rows created`)
  return { applications: createdApplications, feedback: createdFeedback }
}
