// Demo ledger flows, so the donor page's Sankey and the /funds pages show real money and items
// right after `npm run seed`. Everything goes through the same model functions the app uses
// (holds, releases, lots, hand-overs, claims, milestone payouts), keyed deterministically:
// a second run finds each step done and changes nothing.
import Decimal from 'decimal.js'
import { and, asc, eq, gt, inArray, like, sql } from 'drizzle-orm'
import type { Database } from '../client'
import {
  applications,
  distributions,
  donationDetails,
  households,
  ledgerLots,
  ledgerTransfers,
  listings,
  milestoneSubmissions,
  organizations,
  projectClaims,
  projectDetails,
  projectMilestones,
  users,
} from '../schema'
import { decideClaim, reviewSubmission, submitClaim, submitMilestoneEvidence } from '../../app/models/claims.server'
import { pledgeMoney, releaseDonationListing } from '../../app/models/donations.server'
import { caseworkerPrefixes } from '../../app/models/household.server'
import { confirmDistribution, distributeLot, registerLot } from '../../app/models/lots.server'
import { seedUuid } from './listings'

type Actor = { id: string; role: string; organizationId: string | null }

async function actorOf(db: Database, username: string): Promise<Actor | null> {
  const [u] = await db.select({ id: users.id, role: users.role, organizationId: users.organizationId }).from(users).where(eq(users.username, username))
  return u ?? null
}

async function orgMemberOf(db: Database, organizationId: string): Promise<Actor | null> {
  const [u] = await db
    .select({ id: users.id, role: users.role, organizationId: users.organizationId })
    .from(users)
    .where(and(eq(users.organizationId, organizationId), eq(users.role, 'org_member')))
    .orderBy(asc(users.username))
    .limit(1)
  return u ?? null
}

async function transferExists(db: Database, id: string) {
  const [t] = await db.select({ id: ledgerTransfers.id }).from(ledgerTransfers).where(eq(ledgerTransfers.id, id))
  return Boolean(t)
}

/** A pledge keyed by `key`, recorded once. */
async function pledgeOnce(db: Database, donor: Actor, listingId: string, amount: string, key: string) {
  const pledgeKey = seedUuid(`ledger-pledge-${key}`)
  if (await transferExists(db, `pledge-${pledgeKey}`)) return false
  await pledgeMoney(donor, { listingId, amount, key: pledgeKey, confirmOutlier: true })
  return true
}

/** Published listings still open for a while (holds need time to live), in a stable order. */
async function openListings(db: Database, kind: 'donation' | 'project') {
  const soon = new Date(Date.now() + 14 * 86400000).toISOString().slice(0, 10)
  return db
    .select({ id: listings.id, organizationId: listings.organizationId, regionCode: listings.regionCode, kindOfOrg: organizations.kind })
    .from(listings)
    .innerJoin(organizations, eq(organizations.id, listings.organizationId))
    .where(and(eq(listings.kind, kind), eq(listings.status, 'published'), sql`(${listings.endsOn} is null or ${listings.endsOn} > ${soon})`))
    .orderBy(asc(listings.id))
}

export async function seedLedger(db: Database, log: (msg: string) => void = () => {}) {
  const donor = await actorOf(db, 'donor')
  const donor2 = await actorOf(db, 'donor2')
  if (!donor || !donor2) return { pledges: 0, lots: 0, distributions: 0, claims: 0 }
  const summary = { pledges: 0, lots: 0, distributions: 0, claims: 0 }

  // ── Money to donation listings: the first two released, the others held. ──
  const donationRows = await openListings(db, 'donation')
  const moneyIds = new Set(
    (await db.select({ id: donationDetails.listingId }).from(donationDetails).where(and(inArray(donationDetails.listingId, donationRows.length ? donationRows.map((r) => r.id) : [seedUuid('none')]), eq(donationDetails.donationType, 'money')))).map((r) => r.id),
  )
  const money = donationRows.filter((r) => moneyIds.has(r.id)).slice(0, 4)
  for (const [i, listing] of money.entries()) {
    if (await pledgeOnce(db, donor, listing.id, ['500.00', '1200.00', '300.00', '2000.00'][i]!, `donor-${i}`)) summary.pledges++
    if (await pledgeOnce(db, donor2, listing.id, ['800.00', '260.00', '1500.00', '100.00'][i]!, `donor2-${i}`)) summary.pledges++
    if (i < 2 && !(await transferExists(db, `release-pledge-${seedUuid(`ledger-pledge-donor-${i}`)}`))) {
      const owner = await orgMemberOf(db, listing.organizationId)
      if (owner) await releaseDonationListing(owner, listing.id)
    }
  }

  // ── A project claimed by a social organization, one milestone paid from escrow. ──
  const claimant = (
    await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(and(eq(organizations.kind, 'social_org'), sql`${organizations.verifiedAt} is not null`))
      .orderBy(asc(organizations.name))
  ).map((o) => o.id)
  const projects = (await openListings(db, 'project')).filter((p) => claimant.some((c) => c !== p.organizationId))
  const projectIds = new Set(
    (await db.select({ id: projectDetails.listingId }).from(projectDetails).where(and(inArray(projectDetails.listingId, projects.length ? projects.map((p) => p.id) : [seedUuid('none')]), eq(projectDetails.claimOpen, true)))).map((r) => r.id),
  )
  const [project, project2] = projects.filter((p) => projectIds.has(p.id))
  if (project) {
    if (await pledgeOnce(db, donor, project.id, '5000.00', 'project-donor')) summary.pledges++
    if (await pledgeOnce(db, donor2, project.id, '3000.00', 'project-donor2')) summary.pledges++
    const claimantOrgId = claimant.find((c) => c !== project.organizationId)!
    const ngo = await orgMemberOf(db, claimantOrgId)
    const owner = await orgMemberOf(db, project.organizationId)
    if (ngo && owner) {
      let [claim] = await db.select().from(projectClaims).where(and(eq(projectClaims.listingId, project.id), eq(projectClaims.organizationId, claimantOrgId)))
      if (!claim) {
        const [details] = await db.select({ budget: projectDetails.budget }).from(projectDetails).where(eq(projectDetails.listingId, project.id))
        claim = await submitClaim(ngo, { listingId: project.id, plan: '组建 3 人社工团队驻村，开展需求评估、入户走访和月度服务台账，按阶段提交佐证材料。', budget: Decimal.min(details!.budget, '20000.00').toFixed(2) })
        summary.claims++
      }
      if (claim.status === 'pending') claim = await decideClaim(owner, claim.id, true)
      const [first] = await db.select().from(projectMilestones).where(eq(projectMilestones.listingId, project.id)).orderBy(asc(projectMilestones.seq)).limit(1)
      if (first && claim.status === 'approved') {
        const [sub] = await db.select().from(milestoneSubmissions).where(and(eq(milestoneSubmissions.claimId, claim.id), eq(milestoneSubmissions.milestoneId, first.id)))
        const submission = sub ?? (await submitMilestoneEvidence(ngo, { claimId: claim.id, milestoneId: first.id, evidence: '需求评估报告、入户走访记录 42 份、启动会签到表和照片' }))
        if (submission.status === 'submitted') await reviewSubmission(owner, submission.id, { approve: true, note: '材料齐全' })
      }
    }
  }
  // A second project with a held pledge only (nothing claimed yet).
  if (project2 && (await pledgeOnce(db, donor2, project2.id, '1000.00', 'project2-donor2'))) summary.pledges++

  // ── 100 quilts, 60 handed to accepted households, some confirmed. ──
  const itemRows = donationRows.filter((r) => !moneyIds.has(r.id))
  const inKind = (
    await db
      .select({ id: donationDetails.listingId, itemKind: donationDetails.itemKind, itemUnit: donationDetails.itemUnit })
      .from(donationDetails)
      .where(and(inArray(donationDetails.listingId, itemRows.length ? itemRows.map((r) => r.id) : [seedUuid('none')]), eq(donationDetails.donationType, 'in_kind')))
      .orderBy(asc(donationDetails.listingId))
  )[0]
  if (inKind) {
    const listing = itemRows.find((r) => r.id === inKind.id)!
    const owner = await orgMemberOf(db, listing.organizationId)
    const lotId = seedUuid('ledger-lot-quilts')
    const [existingLot] = await db.select().from(ledgerLots).where(eq(ledgerLots.id, lotId))
    const lot = existingLot ?? (await registerLot(donor, { key: lotId, organizationId: listing.organizationId, listingId: listing.id, itemKind: inKind.itemKind ?? '棉被', itemUnit: inKind.itemUnit ?? '条', quantity: '100', condition: 'new' }))
    if (!existingLot) summary.lots++
    // Households accepted for it: the demo resident's first (confirms in the app), then others nearby.
    const [demoHousehold] = await db.select({ id: households.id }).from(households).innerJoin(users, eq(users.id, households.residentUserId)).where(eq(users.username, 'resident'))
    const nearby = await db
      .select({ id: households.id })
      .from(households)
      .where(and(eq(households.consentGiven, true), like(households.regionCode, `${listing.regionCode.slice(0, 4)}%`), sql`${households.residentUserId} is null`, gt(households.id, '00000000-0000-0000-0000-000000000000')))
      .orderBy(asc(households.id))
      .limit(3)
    const recipients = [...(demoHousehold ? [demoHousehold] : []), ...nearby]
    const now = new Date()
    for (const h of recipients) {
      await db.insert(applications).values({ householdId: h.id, listingId: listing.id, status: 'accepted', appliedAt: now, acceptedAt: now, note: '' }).onConflictDoNothing()
    }
    const [done] = await db.select({ id: distributions.id }).from(distributions).where(eq(distributions.lotId, lot.id)).limit(1)
    if (owner && recipients.length && !done) {
      const result = await distributeLot(owner, lot.id, recipients.map((h) => ({ householdId: h.id, quantity: String(Math.floor(60 / recipients.length)) })), { key: seedUuid('ledger-dist-quilts'), confirmOutlier: true })
      if (result.status === 'recorded') {
        summary.distributions += result.distributions.length
        // The demo resident confirms in the app; one more is confirmed by a caseworker with the code.
        // Only a caseworker of the recipient's region may confirm for them.
        const caseworkers = []
        for (const username of ['caseworker', 'caseworker2']) {
          const actor = await actorOf(db, username)
          if (actor) caseworkers.push({ actor, prefixes: await caseworkerPrefixes(db, actor.id) })
        }
        for (const [i, d] of result.distributions.entries()) {
          if (d.recipientUserId) await confirmDistribution({ id: d.recipientUserId, role: 'resident', organizationId: null }, d.id)
          else if (i === 1) {
            const caseworker = caseworkers.find((c) => c.prefixes.some((p) => d.recipientRegionCode.startsWith(p)))
            if (caseworker) await confirmDistribution(caseworker.actor, d.id, d.confirmationCode)
          }
        }
      }
    }
  }
  log(`ledger: ${summary.pledges} pledges, ${summary.lots} lots, ${summary.distributions} hand-overs, ${summary.claims} claims recorded`)
  return summary
}
