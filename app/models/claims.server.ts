/**
 * Long-term project claiming (项目认领): a social organization claims a project with a plan
 * and budget; the project owner approves one or several claimants; each milestone's budget
 * share of a claim is paid from the project's escrow only after its evidence is approved.
 */
import { hasEnded, notEnded } from './listing-dates'
import Decimal from 'decimal.js'
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { listings, milestoneSubmissions, organizations, projectClaims, projectDetails, projectMilestones } from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { existingEscrowAccount, FlowError, openLiveHolds, organizationMoneyAccount, type Actor } from './donations.server'
import { createTransfers, LedgerError, lockAccounts, parseAmount, type TransferInput } from './ledger.server'
import { ledgerTransfers } from '@db/schema'
import { sql } from 'drizzle-orm'
import { withoutControlChars } from '@db/schema/messages'

export type Claim = typeof projectClaims.$inferSelect

async function projectOf(tx: Executor, listingId: string) {
  const [row] = await tx
    .select({ listing: listings, details: projectDetails })
    .from(listings)
    .innerJoin(projectDetails, eq(projectDetails.listingId, listings.id))
    .where(eq(listings.id, listingId))
  if (!row) throw new FlowError('project_not_found')
  return row
}

/** Limits of what a claim and milestone evidence say, in characters (not UTF-16 units or bytes). */
export const PLAN_MIN_CHARS = 10
export const PLAN_MAX_CHARS = 4000
export const EVIDENCE_MIN_CHARS = 5
export const EVIDENCE_MAX_CHARS = 4000

const charCount = (text: string) => [...text].length

/**
 * Why a text a person wrote cannot be saved (null when it can): blank, control characters, or outside
 * its limits in characters. Keys are `<field>_required`, `<field>_control_characters`, `<field>_too_long`
 * and `<field>_too_short`, each naming its limit.
 */
function textError(field: 'plan' | 'evidence', value: string | null | undefined, min: number, max: number): FlowError | null {
  const text = (value ?? '').trim()
  if (!text) return new FlowError(`${field}_required`)
  if (!withoutControlChars(text)) return new FlowError(`${field}_control_characters`)
  const length = charCount(text)
  if (length > max) return new FlowError(`${field}_too_long`, { max, length })
  if (length < min) return new FlowError(`${field}_too_short`, { min, length })
  return null
}

/** Why a claim's plan cannot be saved (null when it can). */
export const planError = (plan: string | null | undefined) => textError('plan', plan, PLAN_MIN_CHARS, PLAN_MAX_CHARS)

/** Why milestone evidence cannot be saved (null when it can). */
export const evidenceError = (evidence: string | null | undefined) => textError('evidence', evidence, EVIDENCE_MIN_CHARS, EVIDENCE_MAX_CHARS)

/** Why a claim's budget cannot be read (null when it can): blank, or the ledger's reason for the amount. */
export function budgetError(budget: string | null | undefined): FlowError | LedgerError | null {
  if (!(budget ?? '').trim()) return new FlowError('budget_required')
  try {
    parseAmount(budget!, 2)
    return null
  } catch (error) {
    if (error instanceof LedgerError) return error
    throw error
  }
}

/**
 * Every field error of a claim form at once (a person fixes them all in one go), checked before
 * anything is read or written. Empty when the fields are well formed.
 */
export function claimInputErrors(input: { plan?: string | null; budget?: string | null }) {
  const errors: { plan?: FlowError; budget?: FlowError | LedgerError } = {}
  const plan = planError(input.plan)
  if (plan) errors.plan = plan
  const budget = budgetError(input.budget)
  if (budget) errors.budget = budget
  return errors
}

/** A verified social organization claims an open project. */
export async function submitClaim(actor: Actor, input: { listingId: string; plan: string; budget: string }) {
  if (actor.role !== 'org_member' || !actor.organizationId) throw new FlowError('not_social_org')
  // Malformed fields are refused before any read or write (nothing is saved).
  const invalid = claimInputErrors(input)
  if (invalid.plan ?? invalid.budget) throw invalid.plan ?? invalid.budget
  return defaultDb.transaction(async (tx) => {
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, actor.organizationId!))
    if (!org || org.kind !== 'social_org' || !org.verifiedAt) throw new FlowError('not_social_org')
    const { listing, details } = await projectOf(tx, input.listingId)
    if (listing.status !== 'published' || !details.claimOpen || hasEnded(listing.endsOn)) throw new FlowError('claims_closed')
    if (listing.organizationId === org.id) throw new FlowError('own_project')
    const budget = parseAmount(input.budget, 2)
    if (budget.gt(details.budget)) throw new FlowError('budget_exceeds_project', { budget: new Decimal(details.budget).toFixed(2) })
    const [existing] = await tx.select().from(projectClaims).where(and(eq(projectClaims.listingId, listing.id), eq(projectClaims.organizationId, org.id)))
    if (existing && existing.status !== 'withdrawn' && existing.status !== 'rejected') throw new FlowError('already_claimed')
    const values = { listingId: listing.id, organizationId: org.id, plan: input.plan.trim(), budget: budget.toFixed(2), status: 'pending' as const, listingVersion: listing.version, createdById: actor.id, decidedAt: null, decidedById: null }
    const [claim] = existing
      ? await tx.update(projectClaims).set(values).where(eq(projectClaims.id, existing.id)).returning()
      : await tx.insert(projectClaims).values(values).returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: 'claim.submit', entityType: 'claim', entityId: claim!.id, after: { budget: values.budget } })
    return claim!
  })
}

async function requireProjectOwner(tx: Executor, actor: Actor, listingId: string) {
  const project = await projectOf(tx, listingId)
  if (actor.role !== 'org_member' || actor.organizationId !== project.listing.organizationId) throw new FlowError('not_owner')
  return project
}

/** The project owner approves or rejects a claimant (several may be approved). */
export async function decideClaim(actor: Actor, claimId: string, approve: boolean) {
  return defaultDb.transaction(async (tx) => {
    const [claim] = await tx.select().from(projectClaims).where(eq(projectClaims.id, claimId)).for('update')
    if (!claim) throw new FlowError('claim_not_found')
    await requireProjectOwner(tx, actor, claim.listingId)
    if (claim.status !== 'pending') throw new FlowError('claim_not_pending')
    if (approve) {
      // The project's details row is the lock every approval of this project takes before summing
      // the approved budgets: two approvals at once then sum one after the other, never both
      // under the budget each on its own.
      const [details] = await tx.select().from(projectDetails).where(eq(projectDetails.listingId, claim.listingId)).for('update')
      if (!details) throw new FlowError('project_not_found')
      const approved = await tx.select().from(projectClaims).where(and(eq(projectClaims.listingId, claim.listingId), eq(projectClaims.status, 'approved')))
      const committed = approved.reduce((s, c) => s.plus(c.budget), new Decimal(claim.budget))
      if (committed.gt(details.budget)) throw new FlowError('budget_exceeds_project', { budget: new Decimal(details.budget).toFixed(2) })
    }
    const [updated] = await tx
      .update(projectClaims)
      .set({ status: approve ? 'approved' : 'rejected', decidedAt: new Date(), decidedById: actor.id })
      .where(eq(projectClaims.id, claimId))
      .returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: approve ? 'claim.approve' : 'claim.reject', entityType: 'claim', entityId: claimId })
    return updated!
  })
}

/** The claimant submits evidence (佐证材料) that a milestone is done. */
export async function submitMilestoneEvidence(actor: Actor, input: { claimId: string; milestoneId: string; evidence: string }) {
  const invalid = evidenceError(input.evidence)
  if (invalid) throw invalid
  return defaultDb.transaction(async (tx) => {
    const [claim] = await tx.select().from(projectClaims).where(eq(projectClaims.id, input.claimId))
    if (!claim || actor.role !== 'org_member' || claim.organizationId !== actor.organizationId) throw new FlowError('claim_not_found')
    if (claim.status !== 'approved') throw new FlowError('claim_not_approved')
    const [milestone] = await tx.select().from(projectMilestones).where(and(eq(projectMilestones.id, input.milestoneId), eq(projectMilestones.listingId, claim.listingId)))
    if (!milestone) throw new FlowError('milestone_not_found')
    const prior = await tx.select().from(milestoneSubmissions).where(and(eq(milestoneSubmissions.claimId, claim.id), eq(milestoneSubmissions.milestoneId, milestone.id)))
    if (prior.some((p) => p.status === 'approved')) throw new FlowError('milestone_already_paid')
    if (prior.some((p) => p.status === 'submitted')) throw new FlowError('submission_pending')
    const [submission] = await tx.insert(milestoneSubmissions).values({ claimId: claim.id, milestoneId: milestone.id, evidence: input.evidence.trim(), submittedById: actor.id }).returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: 'milestone.submit', entityType: 'milestone_submission', entityId: submission!.id })
    return submission!
  })
}

/** Amount a milestone pays a claim: its budget share of the claim's budget, to the fen. */
export function milestoneAmount(claimBudget: string, sharePercent: string) {
  return new Decimal(claimBudget).times(sharePercent).div(100).toDecimalPlaces(2, Decimal.ROUND_DOWN)
}

/**
 * The owner approves (and the escrow pays) or rejects a submission. Paying posts the oldest
 * open holds into the escrow until it covers the amount, then pays escrow → the claimant,
 * all in the same transaction as the approval.
 */
export async function reviewSubmission(actor: Actor, submissionId: string, input: { approve: boolean; note?: string }) {
  return defaultDb.transaction(async (tx) => {
    const [submission] = await tx.select().from(milestoneSubmissions).where(eq(milestoneSubmissions.id, submissionId)).for('update')
    if (!submission) throw new FlowError('submission_not_found')
    const [claim] = await tx.select().from(projectClaims).where(eq(projectClaims.id, submission.claimId))
    await requireProjectOwner(tx, actor, claim!.listingId)
    if (submission.status !== 'submitted') throw new FlowError('submission_not_pending')
    if (!input.approve) {
      const [rejected] = await tx.update(milestoneSubmissions).set({ status: 'rejected', reviewNote: input.note ?? null, reviewedAt: new Date(), reviewedById: actor.id }).where(eq(milestoneSubmissions.id, submissionId)).returning()
      await recordAudit(tx, { actor: { id: actor.id }, action: 'milestone.reject', entityType: 'milestone_submission', entityId: submissionId })
      return { submission: rejected!, paid: '0.00', due: '0.00', unpaid: '0.00' }
    }
    // The listing first (FOR SHARE), as closing it takes the listing (FOR UPDATE) before the escrow: without
    // it, the payout's insert would wait on the close's listing lock while the close waits on our escrow lock.
    await tx.select({ id: listings.id }).from(listings).where(eq(listings.id, claim!.listingId)).for('share')
    const [milestone] = await tx.select().from(projectMilestones).where(eq(projectMilestones.id, submission.milestoneId))
    const due = milestoneAmount(claim!.budget, milestone!.budgetSharePercent)
    // Nobody ever pledged to the project: nothing to pay (and no escrow account to create for it).
    const found = await existingEscrowAccount(tx, claim!.listingId)
    if (!found) throw new FlowError('escrow_empty')
    const org = await organizationMoneyAccount(tx, claim!.organizationId)
    const now = new Date()
    // The escrow row is locked before what it holds is read, so two approvals at once pay one
    // after the other from the balance the first left (never both from the same money). The
    // donors' accounts of the holds that may be posted are locked in the same sorted statement:
    // createTransfers locks lower id first, and so does this, so a concurrent pledge, withdrawal
    // or expiry void of this escrow cannot deadlock with the approval.
    const candidates = await openLiveHolds(tx, found.id, now)
    const locked = await lockAccounts(tx, [found.id, org.id, ...candidates.map((h) => h.debitAccountId)])
    const escrow = locked.get(found.id)!
    let available = new Decimal(escrow.creditsPosted).minus(escrow.debitsPosted).minus(escrow.debitsPending)
    const batch: TransferInput[] = []
    if (available.lt(due)) {
      // Read again under the locks: a hold resolved meanwhile is gone; one from a donor whose
      // account is not locked (pledged after the first read) waits for a later approval.
      const holds = (await openLiveHolds(tx, escrow.id, now)).filter((h) => locked.has(h.debitAccountId))
      for (const h of holds) {
        if (available.gte(due)) break
        batch.push({ id: `release-${h.id}`, code: 'release', postPending: true, pendingId: h.id, listingId: claim!.listingId, milestoneId: milestone!.id, claimId: claim!.id, actorId: actor.id })
        available = available.plus(h.amount)
      }
    }
    const paid = Decimal.min(due, available)
    if (paid.lte(0)) throw new FlowError('escrow_empty')
    // One payout id per submission: a retry of this approval finds its own transfer, and a new
    // submission after a refused one gets a new id (a failed id stays failed, by design).
    const payoutId = `milestone-${submission.id}`
    batch.push({ id: payoutId, code: 'payout', debitAccountId: escrow.id, creditAccountId: org.id, amount: paid, listingId: claim!.listingId, milestoneId: milestone!.id, claimId: claim!.id, actorId: actor.id })
    await createTransfers(batch, { tx, now })
    const [approved] = await tx
      .update(milestoneSubmissions)
      .set({ status: 'approved', reviewNote: input.note ?? null, reviewedAt: new Date(), reviewedById: actor.id, payoutTransferId: payoutId })
      .where(eq(milestoneSubmissions.id, submissionId))
      .returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: 'milestone.approve', entityType: 'milestone_submission', entityId: submissionId, after: { paid: paid.toFixed(2), due: due.toFixed(2) } })
    // The escrow may hold less than the milestone's share: what there is is paid now, and the
    // rest (due − paid) is said to both sides, never silently dropped.
    return { submission: approved!, paid: paid.toFixed(2), due: due.toFixed(2), unpaid: Decimal.max(due.minus(paid), 0).toFixed(2) }
  })
}

export async function claimsOfProject(listingId: string, executor: Executor = defaultDb) {
  return executor
    .select({ claim: projectClaims, organizationName: organizations.name })
    .from(projectClaims)
    .innerJoin(organizations, eq(organizations.id, projectClaims.organizationId))
    .where(eq(projectClaims.listingId, listingId))
    .orderBy(asc(projectClaims.createdAt))
}

export async function claimsOfOrganization(organizationId: string, executor: Executor = defaultDb) {
  return executor
    .select({ claim: projectClaims, title: listings.title })
    .from(projectClaims)
    .innerJoin(listings, eq(listings.id, projectClaims.listingId))
    .where(eq(projectClaims.organizationId, organizationId))
    .orderBy(asc(projectClaims.createdAt))
}

/**
 * Milestones with every submission (and payout): the project's public history, shown to anyone
 * on /funds. Only what the public needs: which organization, when, the review's outcome and the
 * amount paid. Never the evidence, the review note or who submitted or reviewed (user ids).
 */
export async function milestoneHistory(listingId: string, executor: Executor = defaultDb) {
  const milestones = await executor
    .select({ id: projectMilestones.id, seq: projectMilestones.seq, title: projectMilestones.title, dueOn: projectMilestones.dueOn, budgetSharePercent: projectMilestones.budgetSharePercent })
    .from(projectMilestones)
    .where(eq(projectMilestones.listingId, listingId))
    .orderBy(asc(projectMilestones.seq))
  const subs = milestones.length
    ? await executor
        .select({ milestoneId: milestoneSubmissions.milestoneId, status: milestoneSubmissions.status, createdAt: milestoneSubmissions.createdAt, amount: ledgerTransfers.amount, organizationName: organizations.name })
        .from(milestoneSubmissions)
        .innerJoin(projectClaims, eq(projectClaims.id, milestoneSubmissions.claimId))
        .innerJoin(organizations, eq(organizations.id, projectClaims.organizationId))
        .leftJoin(ledgerTransfers, eq(ledgerTransfers.id, milestoneSubmissions.payoutTransferId))
        .where(inArray(milestoneSubmissions.milestoneId, milestones.map((m) => m.id)))
        .orderBy(asc(milestoneSubmissions.createdAt))
    : []
  return milestones.map((m) => ({
    ...m,
    submissions: subs
      .filter((x) => x.milestoneId === m.id)
      .map((x) => ({ organizationName: x.organizationName, createdAt: x.createdAt, status: x.status, paid: x.amount ? new Decimal(x.amount).toFixed(2) : null })),
  }))
}

/** A claim's own milestones with its submissions, review notes included: for the claiming organization only. */
export async function claimMilestoneHistory(claimId: string, executor: Executor = defaultDb) {
  const [claim] = await executor.select({ listingId: projectClaims.listingId, budget: projectClaims.budget }).from(projectClaims).where(eq(projectClaims.id, claimId))
  if (!claim) return []
  const milestones = await executor.select().from(projectMilestones).where(eq(projectMilestones.listingId, claim.listingId)).orderBy(asc(projectMilestones.seq))
  const subs = await executor
    .select({ id: milestoneSubmissions.id, milestoneId: milestoneSubmissions.milestoneId, status: milestoneSubmissions.status, reviewNote: milestoneSubmissions.reviewNote, amount: ledgerTransfers.amount })
    .from(milestoneSubmissions)
    .leftJoin(ledgerTransfers, eq(ledgerTransfers.id, milestoneSubmissions.payoutTransferId))
    .where(eq(milestoneSubmissions.claimId, claimId))
    .orderBy(asc(milestoneSubmissions.createdAt))
  return milestones.map((m) => {
    // What the milestone owes this claim (its share of the claim's budget): an approval paid from
    // an escrow holding less leaves the rest still due, shown next to what was paid.
    const owed = milestoneAmount(claim.budget, m.budgetSharePercent)
    return {
      id: m.id,
      title: m.title,
      dueOn: m.dueOn,
      budgetSharePercent: m.budgetSharePercent,
      amount: owed.toFixed(2),
      submissions: subs
        .filter((s) => s.milestoneId === m.id)
        .map((s) => {
          const paid = s.amount ? new Decimal(s.amount) : null
          const stillDue = s.status === 'approved' ? Decimal.max(owed.minus(paid ?? 0), 0) : null
          return { id: s.id, status: s.status, reviewNote: s.reviewNote, paid: paid ? paid.toFixed(2) : null, due: owed.toFixed(2), stillDue: stillDue ? stillDue.toFixed(2) : null }
        }),
    }
  })
}

/** Claims on the organization's own projects waiting for its decision. */
export async function claimsAwaitingDecision(organizationId: string, executor: Executor = defaultDb) {
  return executor
    .select({ claim: projectClaims, title: listings.title, organizationName: organizations.name })
    .from(projectClaims)
    .innerJoin(listings, eq(listings.id, projectClaims.listingId))
    .innerJoin(organizations, eq(organizations.id, projectClaims.organizationId))
    .where(and(eq(listings.organizationId, organizationId), eq(projectClaims.status, 'pending')))
    .orderBy(asc(projectClaims.createdAt))
}

/** Milestone evidence on the organization's own projects waiting for review. */
export async function submissionsAwaitingReview(organizationId: string, executor: Executor = defaultDb) {
  return executor
    .select({ submission: milestoneSubmissions, title: listings.title, milestoneTitle: projectMilestones.title, share: projectMilestones.budgetSharePercent, budget: projectClaims.budget, organizationName: organizations.name })
    .from(milestoneSubmissions)
    .innerJoin(projectClaims, eq(projectClaims.id, milestoneSubmissions.claimId))
    .innerJoin(listings, eq(listings.id, projectClaims.listingId))
    .innerJoin(projectMilestones, eq(projectMilestones.id, milestoneSubmissions.milestoneId))
    .innerJoin(organizations, eq(organizations.id, projectClaims.organizationId))
    .where(and(eq(listings.organizationId, organizationId), eq(milestoneSubmissions.status, 'submitted')))
    .orderBy(asc(milestoneSubmissions.createdAt))
}

/** Published projects open for claims (not the organization's own). */
export async function openProjects(organizationId: string, executor: Executor = defaultDb) {
  return executor
    .select({ id: listings.id, title: listings.title, budget: projectDetails.budget, organizationName: organizations.name })
    .from(listings)
    .innerJoin(projectDetails, eq(projectDetails.listingId, listings.id))
    .innerJoin(organizations, eq(organizations.id, listings.organizationId))
    .where(and(eq(listings.status, 'published'), notEnded(listings.endsOn), eq(projectDetails.claimOpen, true), sql`${listings.organizationId} <> ${organizationId}`))
    .orderBy(asc(listings.createdAt))
    .limit(100)
}
