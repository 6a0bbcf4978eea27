// Outcome codes of closed loops (闭环结果): every application or invitation that ends gets exactly
// one application_outcomes row, written in the same transaction as the state change.
import { and, eq, inArray } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { applicationOutcomes, applications, households, type OutcomeCode } from '@db/schema'
import { recordAudit } from './audit.server'

/** Reasons an organization may give when it rejects an application (a required form field). */
export const rejectReasons = ['unreachable', 'no_capacity', 'offer_withdrawn'] as const satisfies readonly OutcomeCode[]
export type RejectReason = (typeof rejectReasons)[number]

export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === 'string' && (rejectReasons as readonly string[]).includes(value)
}

/**
 * Records how a loop ended. Idempotent: a loop that already has an outcome keeps its first one
 * (the state guards of the callers make a second close impossible anyway).
 */
export async function recordOutcome(
  tx: Executor,
  input: { applicationId: string; outcome: OutcomeCode; wasAccepted: boolean; closedById: string | null; note?: string; closedAt?: Date },
) {
  const rows = await tx
    .insert(applicationOutcomes)
    .values({
      applicationId: input.applicationId,
      outcome: input.outcome,
      wasAccepted: input.wasAccepted,
      closedById: input.closedById,
      note: (input.note ?? '').slice(0, 500),
      ...(input.closedAt ? { closedAt: input.closedAt } : {}),
    })
    .onConflictDoNothing()
    .returning({ applicationId: applicationOutcomes.applicationId })
  return rows.length === 1
}

/** A withdrawn application applied to again reopens the loop: its old outcome no longer holds. */
export async function reopenLoop(tx: Executor, applicationId: string) {
  await tx.delete(applicationOutcomes).where(eq(applicationOutcomes.applicationId, applicationId))
}

export async function outcomeOf(tx: Executor, applicationId: string) {
  const [row] = await tx.select().from(applicationOutcomes).where(eq(applicationOutcomes.applicationId, applicationId))
  return row
}

/**
 * Closes the open loops of a listing that is being closed: applied, invited and accepted
 * applications become rejected with the outcome "offer withdrawn", each audited. Loops that
 * already ended are untouched, so closing twice writes nothing twice.
 */
export async function closeOpenApplications(tx: Executor, listingId: string, actorId: string) {
  const open = await tx
    .select({ id: applications.id, status: applications.status, householdId: applications.householdId, householdVersion: households.version })
    .from(applications)
    .innerJoin(households, eq(households.id, applications.householdId))
    .where(and(eq(applications.listingId, listingId), inArray(applications.status, ['applied', 'invited', 'accepted'])))
    .for('update', { of: applications })
  if (open.length === 0) return []
  const now = new Date()
  await tx
    .update(applications)
    .set({ status: 'rejected', rejectedAt: now, updatedById: actorId, updatedAt: now })
    .where(inArray(applications.id, open.map((a) => a.id)))
  for (const a of open) {
    await recordOutcome(tx, { applicationId: a.id, outcome: 'offer_withdrawn', wasAccepted: a.status === 'accepted', closedById: actorId, note: 'listing_closed', closedAt: now })
    await recordAudit(tx, { actor: { id: actorId }, action: 'application.close_with_listing', entityType: 'application', entityId: a.id, before: { status: a.status }, after: { status: 'rejected', outcome: 'offer_withdrawn' } })
  }
  return open.map((a) => ({ applicationId: a.id, householdId: a.householdId, householdVersion: a.householdVersion, wasAccepted: a.status === 'accepted' }))
}
