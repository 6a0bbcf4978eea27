// Feedback (评价) on completed assistance, in seed 000's three dimensions: satisfaction (满意度),
// capability gained (能力提升度) and social integration (社会融入度), each 1–5, plus free text.
// The resident gives it for their own household; a caseworker may record it on the resident's
// behalf for households in their regions. One feedback per subject: a second one is refused.
import { and, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Executor } from '@db/client'
import {
  applications,
  distributions,
  feedback,
  FEEDBACK_MAX,
  FEEDBACK_MIN,
  feedbackSubjects,
  households,
  ledgerLots,
  listings,
  milestoneSubmissions,
  organizations,
  projectClaims,
  projectMilestones,
  type FeedbackSubject,
} from '@db/schema'
import { db } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { caseworkerPrefixes } from './household.server'

export class FeedbackError extends Error {
  constructor(
    public key: string,
    public status = 400,
  ) {
    super(key)
  }
}

export type FeedbackActor = { id: string; role: string }

export const FEEDBACK_COMMENT_MAX = 1000

const score = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.trim())) : v),
  z
    .number({ required_error: 'evaluation:errors.score_required', invalid_type_error: 'evaluation:errors.score_range' })
    .int('evaluation:errors.score_range')
    .min(FEEDBACK_MIN, 'evaluation:errors.score_range')
    .max(FEEDBACK_MAX, 'evaluation:errors.score_range'),
)

/** One schema for the form and the model: scores 1–5 (whole numbers), comment at most 1000 characters. */
export const FeedbackInput = z.object({
  satisfaction: score,
  capability: score,
  integration: score,
  comment: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .refine((v) => v.length <= FEEDBACK_COMMENT_MAX, 'evaluation:errors.comment_too_long'),
})
export type FeedbackValues = z.infer<typeof FeedbackInput>
export type FeedbackFieldErrors = Partial<Record<keyof FeedbackValues, string>>

export function parseFeedback(raw: Record<string, unknown>): { ok: true; values: FeedbackValues } | { ok: false; fieldErrors: FeedbackFieldErrors } {
  const parsed = FeedbackInput.safeParse(raw)
  if (parsed.success) return { ok: true, values: parsed.data }
  const fieldErrors: FeedbackFieldErrors = {}
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof FeedbackValues
    fieldErrors[field] ??= issue.message
  }
  return { ok: false, fieldErrors }
}

export function isFeedbackSubject(value: unknown): value is FeedbackSubject {
  return typeof value === 'string' && (feedbackSubjects as readonly string[]).includes(value)
}

/** What a feedback is about: the listing, the organization that delivered it, and a title to show. */
export type FeedbackTarget = {
  subject: FeedbackSubject
  subjectId: string
  householdId: string
  listingId: string
  listingTitle: string
  organizationId: string
  organizationName: string
  /** Milestone title for project milestones. */
  detail: string | null
  completedAt: Date | null
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Completed assistance of one household that may be evaluated: completed applications, confirmed
 * hand-overs of donated items (签收), approved milestones of projects the household is an accepted
 * beneficiary of. `onlyPending` leaves out those that already have feedback.
 */
export async function feedbackTargets(executor: Executor, householdId: string, options: { onlyPending?: boolean; subject?: FeedbackSubject; subjectId?: string } = {}): Promise<FeedbackTarget[]> {
  const { onlyPending = true, subject, subjectId } = options
  if (subjectId && !uuidPattern.test(subjectId)) return []
  const out: FeedbackTarget[] = []
  if (!subject || subject === 'application') {
    const rows = await executor
      .select({ id: applications.id, listingId: listings.id, title: listings.title, organizationId: organizations.id, organizationName: organizations.name, completedAt: applications.completedAt })
      .from(applications)
      .innerJoin(listings, eq(listings.id, applications.listingId))
      .innerJoin(organizations, eq(organizations.id, listings.organizationId))
      .leftJoin(feedback, eq(feedback.applicationId, applications.id))
      .where(
        and(
          eq(applications.householdId, householdId),
          eq(applications.status, 'completed'),
          onlyPending ? isNull(feedback.id) : undefined,
          subjectId ? eq(applications.id, subjectId) : undefined,
        ),
      )
      .orderBy(desc(applications.completedAt))
    for (const r of rows) out.push({ subject: 'application', subjectId: r.id, householdId, listingId: r.listingId, listingTitle: r.title, organizationId: r.organizationId, organizationName: r.organizationName, detail: null, completedAt: r.completedAt })
  }
  if (!subject || subject === 'distribution') {
    const rows = await executor
      .select({ id: distributions.id, listingId: listings.id, title: listings.title, organizationId: organizations.id, organizationName: organizations.name, completedAt: distributions.confirmedAt })
      .from(distributions)
      .innerJoin(ledgerLots, eq(ledgerLots.id, distributions.lotId))
      .innerJoin(listings, eq(listings.id, ledgerLots.listingId))
      .innerJoin(organizations, eq(organizations.id, listings.organizationId))
      .leftJoin(feedback, eq(feedback.distributionId, distributions.id))
      .where(
        and(
          eq(distributions.householdId, householdId),
          isNotNull(distributions.confirmedAt),
          onlyPending ? isNull(feedback.id) : undefined,
          subjectId ? eq(distributions.id, subjectId) : undefined,
        ),
      )
      .orderBy(desc(distributions.confirmedAt))
    for (const r of rows) out.push({ subject: 'distribution', subjectId: r.id, householdId, listingId: r.listingId, listingTitle: r.title, organizationId: r.organizationId, organizationName: r.organizationName, detail: null, completedAt: r.completedAt })
  }
  if (!subject || subject === 'milestone') {
    // The organization evaluated for a milestone is the claimant that delivered it.
    const rows = await executor
      .select({
        id: milestoneSubmissions.id,
        listingId: listings.id,
        title: listings.title,
        organizationId: organizations.id,
        organizationName: organizations.name,
        milestoneTitle: projectMilestones.title,
        completedAt: milestoneSubmissions.reviewedAt,
      })
      .from(milestoneSubmissions)
      .innerJoin(projectClaims, eq(projectClaims.id, milestoneSubmissions.claimId))
      .innerJoin(projectMilestones, eq(projectMilestones.id, milestoneSubmissions.milestoneId))
      .innerJoin(listings, eq(listings.id, projectClaims.listingId))
      .innerJoin(organizations, eq(organizations.id, projectClaims.organizationId))
      .innerJoin(applications, and(eq(applications.listingId, listings.id), eq(applications.householdId, householdId), inArray(applications.status, ['accepted', 'completed'])))
      .leftJoin(feedback, and(eq(feedback.milestoneSubmissionId, milestoneSubmissions.id), eq(feedback.householdId, householdId)))
      .where(and(eq(milestoneSubmissions.status, 'approved'), onlyPending ? isNull(feedback.id) : undefined, subjectId ? eq(milestoneSubmissions.id, subjectId) : undefined))
      .orderBy(desc(milestoneSubmissions.reviewedAt))
    for (const r of rows) out.push({ subject: 'milestone', subjectId: r.id, householdId, listingId: r.listingId, listingTitle: r.title, organizationId: r.organizationId, organizationName: r.organizationName, detail: r.milestoneTitle, completedAt: r.completedAt })
  }
  return out.sort((a, b) => (b.completedAt?.getTime() ?? 0) - (a.completedAt?.getTime() ?? 0))
}

async function residentHousehold(executor: Executor, userId: string) {
  const [h] = await executor.select({ id: households.id, regionCode: households.regionCode }).from(households).where(eq(households.residentUserId, userId))
  return h
}

/** The household the actor may give feedback for: the resident's own, or one in the caseworker's regions. */
async function householdFor(executor: Executor, actor: FeedbackActor, householdId?: string) {
  if (actor.role === 'resident') {
    const h = await residentHousehold(executor, actor.id)
    if (!h || (householdId && householdId !== h.id)) throw new FeedbackError('evaluation:errors.not_found', 404)
    return h
  }
  if (actor.role === 'caseworker' && householdId && uuidPattern.test(householdId)) {
    const [h] = await executor.select({ id: households.id, regionCode: households.regionCode }).from(households).where(eq(households.id, householdId))
    const prefixes = await caseworkerPrefixes(executor, actor.id)
    if (h && prefixes.some((p) => h.regionCode.startsWith(p))) return h
  }
  throw new FeedbackError('evaluation:errors.not_found', 404)
}

/** Feedback prompts waiting for the resident (completed assistance without feedback yet). */
export async function pendingFeedbackForResident(userId: string) {
  const h = await residentHousehold(db, userId)
  return h ? feedbackTargets(db, h.id) : []
}

/** Pending prompts and given feedback of a household, for its caseworker (scope checked). */
export async function feedbackOfHousehold(actor: FeedbackActor, householdId: string) {
  const h = await householdFor(db, actor, householdId)
  const [pending, given] = await Promise.all([
    feedbackTargets(db, h.id),
    db
      .select({ id: feedback.id, subject: feedback.subject, title: listings.title, satisfaction: feedback.satisfaction, capability: feedback.capability, integration: feedback.integration, onBehalf: feedback.onBehalf, createdAt: feedback.createdAt })
      .from(feedback)
      .innerJoin(listings, eq(listings.id, feedback.listingId))
      .where(eq(feedback.householdId, h.id))
      .orderBy(desc(feedback.createdAt)),
  ])
  return { pending, given }
}

/**
 * The feedback form's subject, checked for the actor: it must be completed assistance of the
 * household. `given` is the existing feedback, when there is one.
 */
export async function feedbackSubjectFor(actor: FeedbackActor, subject: string, subjectId: string, householdId?: string) {
  if (!isFeedbackSubject(subject)) throw new FeedbackError('evaluation:errors.not_found', 404)
  const h = await householdFor(db, actor, householdId)
  const [target] = await feedbackTargets(db, h.id, { onlyPending: false, subject, subjectId })
  if (!target) throw new FeedbackError('evaluation:errors.not_eligible', 404)
  const [given] = await db.select().from(feedback).where(existingFeedbackWhere(target))
  return { target, given: given ?? null }
}

function existingFeedbackWhere(target: FeedbackTarget) {
  if (target.subject === 'application') return eq(feedback.applicationId, target.subjectId)
  if (target.subject === 'distribution') return eq(feedback.distributionId, target.subjectId)
  return and(eq(feedback.milestoneSubmissionId, target.subjectId), eq(feedback.householdId, target.householdId))
}

export type SubmitFeedbackInput = { subject: string; subjectId: string; householdId?: string } & Record<string, unknown>

/**
 * Records one feedback. Validation errors come back per field (catalog keys) and nothing is
 * written; a subject that is not completed assistance of the household, or one that already
 * has feedback, is refused. The write is audited in the same transaction.
 */
export async function submitFeedback(actor: FeedbackActor, input: SubmitFeedbackInput) {
  if (actor.role !== 'resident' && actor.role !== 'caseworker') throw new FeedbackError('evaluation:errors.not_found', 403)
  if (!isFeedbackSubject(input.subject)) throw new FeedbackError('evaluation:errors.not_found', 404)
  const parsed = parseFeedback(input)
  if (!parsed.ok) return parsed
  const subject = input.subject
  const values = parsed.values
  return db.transaction(async (tx) => {
    const h = await householdFor(tx, actor, input.householdId)
    // One writer per household at a time, so two submissions of the same form cannot both pass the check.
    await tx.execute(sql`select 1 from households where id = ${h.id} for update`)
    const [target] = await feedbackTargets(tx, h.id, { onlyPending: false, subject, subjectId: input.subjectId })
    if (!target) throw new FeedbackError('evaluation:errors.not_eligible', 404)
    const [existing] = await tx.select({ id: feedback.id }).from(feedback).where(existingFeedbackWhere(target))
    if (existing) throw new FeedbackError('evaluation:errors.already_given', 409)
    const onBehalf = actor.role === 'caseworker'
    const [row] = await tx
      .insert(feedback)
      .values({
        subject,
        applicationId: subject === 'application' ? target.subjectId : null,
        distributionId: subject === 'distribution' ? target.subjectId : null,
        milestoneSubmissionId: subject === 'milestone' ? target.subjectId : null,
        householdId: h.id,
        listingId: target.listingId,
        organizationId: target.organizationId,
        regionCode: h.regionCode,
        satisfaction: values.satisfaction,
        capability: values.capability,
        integration: values.integration,
        comment: values.comment,
        recordedById: actor.id,
        onBehalf,
      })
      .returning()
    await recordAudit(tx, {
      actor: { id: actor.id },
      action: onBehalf ? 'feedback.record_on_behalf' : 'feedback.submit',
      entityType: 'feedback',
      entityId: row!.id,
      after: { subject, subjectId: target.subjectId, householdId: h.id, listingId: target.listingId, satisfaction: values.satisfaction, capability: values.capability, integration: values.integration, onBehalf },
    })
    return { ok: true as const, feedback: row! }
  })
}
