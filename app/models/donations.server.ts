/**
 * Money donations through escrow: a pledge is a hold (donor → the listing's own escrow
 * account); delivery or a milestone releases it; cancellation, a deadline or the donor
 * returns it. Totals are always read from the ledger, never from counters.
 */
import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import { CNY, DEFAULT_HOLD_SECONDS, MONEY_SCALE, donationDetails, ledgerAccounts, ledgerTransfers, listings, projectDetails } from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { createTransfers, ensureMoneyAsset, getOrCreateAccount, LedgerError, parseAmount, type Transfer, type TransferInput } from './ledger.server'

export type Actor = { id: string; role: string; organizationId: string | null }
type ListingActorLike = Parameters<typeof import('./listing.server').changeListingStatus>[0]

/** A refusal of a flow step (not a ledger refusal); `key` is a catalog key. */
export class FlowError extends Error {
  readonly key: string
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`flow: ${code} ${JSON.stringify(params)}`)
    this.key = `ledger:flow.${code}`
  }
}

/** Ten times the median of earlier amounts asks for confirmation (catches 5000-for-500). */
export const OUTLIER_FACTOR = 10

export function median(values: Decimal[]): Decimal | null {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a.comparedTo(b))
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).div(2)
}

export function isOutlier(amount: Decimal, history: Decimal[]) {
  const m = median(history)
  return m !== null && amount.gt(m.times(OUTLIER_FACTOR)) ? m : null
}

// ───────────────────────────── accounts of the flows ─────────────────────────────

export function donorMoneyAccount(executor: Executor, donorId: string) {
  // The donor's side of the books: money from outside enters here, so it may go "negative".
  return getOrCreateAccount(executor, { ledger: CNY, code: 'donor', ownerType: 'user', ownerId: donorId })
}

export function escrowAccount(executor: Executor, listingId: string) {
  return getOrCreateAccount(executor, { ledger: CNY, code: 'escrow', ownerType: 'listing', ownerId: listingId, debitsMustNotExceedCredits: true })
}

/** The listing's escrow account if anyone ever pledged to it (never creates one). */
export async function existingEscrowAccount(executor: Executor, listingId: string) {
  const [escrow] = await executor
    .select()
    .from(ledgerAccounts)
    .where(and(eq(ledgerAccounts.ledger, CNY), eq(ledgerAccounts.code, 'escrow'), eq(ledgerAccounts.ownerType, 'listing'), eq(ledgerAccounts.ownerId, listingId)))
  return escrow ?? null
}

export function organizationMoneyAccount(executor: Executor, organizationId: string) {
  return getOrCreateAccount(executor, { ledger: CNY, code: 'organization', ownerType: 'organization', ownerId: organizationId })
}

type PledgeTarget = { id: string; kind: 'donation' | 'project'; organizationId: string; title: string; endsOn: string | null; status: string }

async function pledgeTarget(executor: Executor, listingId: string): Promise<PledgeTarget> {
  const [row] = await executor
    .select({
      id: listings.id,
      kind: listings.kind,
      organizationId: listings.organizationId,
      title: listings.title,
      endsOn: listings.endsOn,
      status: listings.status,
      donationType: donationDetails.donationType,
      budget: projectDetails.budget,
    })
    .from(listings)
    .leftJoin(donationDetails, eq(donationDetails.listingId, listings.id))
    .leftJoin(projectDetails, eq(projectDetails.listingId, listings.id))
    .where(eq(listings.id, listingId))
  if (!row) throw new FlowError('listing_not_found')
  const accepts = (row.kind === 'donation' && row.donationType === 'money') || (row.kind === 'project' && row.budget !== null)
  if (!accepts) throw new FlowError('listing_not_money')
  if (row.status !== 'published') throw new FlowError('listing_not_open')
  return row as PledgeTarget
}

/** A hold lives at most a year; a donor whose listing runs longer pledges again. */
export const MAX_HOLD_SECONDS = 366 * 24 * 3600

/** Seconds until the end of the listing's last day (Asia/Shanghai), or the default life. */
export function holdTimeout(endsOn: string | null, now = new Date()) {
  if (!endsOn) return DEFAULT_HOLD_SECONDS
  const end = new Date(`${endsOn}T23:59:59+08:00`).getTime()
  return Math.min(MAX_HOLD_SECONDS, Math.max(1, Math.floor((end - now.getTime()) / 1000)))
}

// ───────────────────────────── pledges ─────────────────────────────

export type PledgeInput = {
  listingId: string
  amount: string
  /** The caller's idempotency key (the form carries one, so a double submit is one pledge). */
  key: string
  confirmOutlier?: boolean
}

export type PledgeResult = { status: 'recorded'; transfer: Transfer } | { status: 'needs_confirmation'; median: string; amount: string }

/** Pledge (认捐): a hold from the donor into the listing's escrow until release or return. */
export async function pledgeMoney(donor: Actor, input: PledgeInput): Promise<PledgeResult> {
  if (donor.role !== 'donor') throw new FlowError('not_donor')
  await ensureMoneyAsset(defaultDb)
  return defaultDb.transaction(async (tx) => {
    const target = await pledgeTarget(tx, input.listingId)
    if (target.endsOn && holdTimeout(target.endsOn) <= 60) throw new FlowError('listing_not_open')
    const [donorAccount, escrow] = await Promise.all([donorMoneyAccount(tx, donor.id), escrowAccount(tx, target.id)])
    const transferId = `pledge-${input.key}`
    // An invalid amount is refused with its specific reason before any "is this really what you
    // meant?" question: asking to confirm ¥1e400 would be absurd.
    const amount = parseAmount(input.amount, MONEY_SCALE)
    if (!input.confirmOutlier) {
      const [existing] = await tx.select({ id: ledgerTransfers.id }).from(ledgerTransfers).where(eq(ledgerTransfers.id, transferId))
      if (!existing) {
        const history = await tx
          .select({ amount: ledgerTransfers.amount })
          .from(ledgerTransfers)
          .where(and(eq(ledgerTransfers.pending, true), eq(ledgerTransfers.code, 'pledge'), sql`(${ledgerTransfers.debitAccountId} = ${donorAccount.id} or ${ledgerTransfers.creditAccountId} = ${escrow.id})`))
          .orderBy(desc(ledgerTransfers.seq))
          .limit(200)
        const m = isOutlier(amount, history.map((h) => new Decimal(h.amount)))
        if (m) return { status: 'needs_confirmation' as const, median: m.toFixed(2), amount: amount.toFixed(2) }
      }
    }
    const [result] = await createTransfers(
      [
        {
          id: transferId,
          code: 'pledge',
          pending: true,
          timeoutSeconds: holdTimeout(target.endsOn),
          debitAccountId: donorAccount.id,
          creditAccountId: escrow.id,
          amount: input.amount,
          listingId: target.id,
          actorId: donor.id,
        },
      ],
      { tx },
    )
    if (!result!.ok) throw result!.error
    if (result!.created) {
      await recordAudit(tx, { actor: { id: donor.id }, action: 'ledger.pledge', entityType: 'listing', entityId: target.id, after: { transferId, amount: result!.transfer.amount } })
    }
    return { status: 'recorded' as const, transfer: result!.transfer }
  })
}

async function openHoldsOf(tx: Executor, escrowId: string) {
  return tx
    .select()
    .from(ledgerTransfers)
    .where(
      and(
        eq(ledgerTransfers.creditAccountId, escrowId),
        eq(ledgerTransfers.pending, true),
        sql`not exists (select 1 from ledger_transfers r where r.pending_id = ${ledgerTransfers.id})`,
      ),
    )
    .orderBy(asc(ledgerTransfers.seq))
}

/** The donor takes back a pledge that is still held (退回). */
export async function withdrawPledge(donor: Actor, pledgeId: string) {
  return defaultDb.transaction(async (tx) => {
    const [hold] = await tx
      .select({ hold: ledgerTransfers, ownerId: ledgerAccounts.ownerId })
      .from(ledgerTransfers)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerTransfers.debitAccountId))
      .where(and(eq(ledgerTransfers.id, pledgeId), eq(ledgerTransfers.pending, true), eq(ledgerTransfers.code, 'pledge')))
    if (!hold || hold.ownerId !== donor.id) throw new FlowError('pledge_not_found')
    const [result] = await createTransfers([{ id: `withdraw-${pledgeId}`, code: 'refund', voidPending: true, pendingId: pledgeId, actorId: donor.id, listingId: hold.hold.listingId }], { tx })
    if (!result!.ok) throw result!.error
    await recordAudit(tx, { actor: { id: donor.id }, action: 'ledger.withdraw', entityType: 'transfer', entityId: pledgeId })
    return result!.transfer
  })
}

async function requireListingOwner(tx: Executor, actor: Actor, listingId: string) {
  const [listing] = await tx.select().from(listings).where(eq(listings.id, listingId))
  if (!listing) throw new FlowError('listing_not_found')
  if (actor.role !== 'org_member' || actor.organizationId !== listing.organizationId) throw new FlowError('not_owner')
  return listing
}

/**
 * Delivery confirmed (donation listing): every open hold is posted into escrow and paid
 * on to the organization, all in one linked batch. Rerunning releases only new holds.
 */
export async function releaseDonationListing(actor: Actor, listingId: string) {
  return defaultDb.transaction(async (tx) => {
    const listing = await requireListingOwner(tx, actor, listingId)
    if (listing.kind !== 'donation') throw new FlowError('listing_not_money')
    // Never pledged to: nothing to release, and no accounts are created for it.
    const escrow = await existingEscrowAccount(tx, listingId)
    const holds = escrow ? await openHoldsOf(tx, escrow.id) : []
    const now = new Date()
    const live = holds.filter((h) => !h.expiresAt || h.expiresAt > now)
    const org = live.length ? await organizationMoneyAccount(tx, listing.organizationId) : null
    const batch: TransferInput[] = live.flatMap((h) => [
      { id: `release-${h.id}`, code: 'release' as const, postPending: true, pendingId: h.id, listingId, actorId: actor.id },
      { id: `payout-${h.id}`, code: 'payout' as const, debitAccountId: escrow!.id, creditAccountId: org!.id, amount: h.amount, listingId, actorId: actor.id },
    ])
    if (batch.length) await createTransfers(batch, { tx, now })
    const total = live.reduce((s, h) => s.plus(h.amount), new Decimal(0))
    await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.release', entityType: 'listing', entityId: listingId, after: { holds: live.length, total: total.toFixed(2) } })
    return { released: live.length, total: total.toFixed(2) }
  })
}

/** The listing is cancelled: every open hold goes back to its donor. */
export async function returnAllHolds(actor: Actor | null, listingId: string, tx?: Transaction) {
  const work = async (t: Transaction) => {
    if (actor) await requireListingOwner(t, actor, listingId)
    const escrow = await existingEscrowAccount(t, listingId)
    if (!escrow) return 0
    const holds = await openHoldsOf(t, escrow.id)
    if (holds.length) {
      await createTransfers(
        holds.map((h) => ({ id: `cancel-${h.id}`, code: 'refund' as const, voidPending: true, pendingId: h.id, listingId, actorId: actor?.id ?? null })),
        { tx: t },
      )
    }
    return holds.length
  }
  return tx ? work(tx) : defaultDb.transaction(work)
}

/** Cancels (closes) a listing and returns every held pledge, in one transaction. */
export async function cancelListingFunds(actor: Actor, listingId: string) {
  // One path for closing a listing (version, audit, index, matches), which returns the holds.
  await requireListingOwner(defaultDb, actor, listingId)
  const { changeListingStatus } = await import('./listing.server')
  const outcome = await changeListingStatus(actor as ListingActorLike, listingId, 'close')
  return outcome.returnedHolds ?? 0
}

/**
 * Money totals of a listing, live from its escrow account:
 * held = open holds, released = posted into escrow, paidOut = paid on to organizations,
 * returned = voided holds, pledged = held + released.
 */
export async function listingMoneyTotals(listingId: string, executor: Executor = defaultDb) {
  const escrow = await existingEscrowAccount(executor, listingId)
  if (!escrow) return { pledged: '0.00', held: '0.00', released: '0.00', paidOut: '0.00', inEscrow: '0.00', returned: '0.00', escrowAccountId: null }
  const [ret] = await executor.execute<{ returned: string }>(sql`
    select coalesce(sum(amount), 0)::text returned from ledger_transfers where void_pending and credit_account_id = ${escrow.id}`)
  const held = new Decimal(escrow.creditsPending)
  const released = new Decimal(escrow.creditsPosted)
  const paidOut = new Decimal(escrow.debitsPosted)
  return {
    pledged: held.plus(released).toFixed(2),
    held: held.toFixed(2),
    released: released.toFixed(2),
    paidOut: paidOut.toFixed(2),
    inEscrow: released.minus(paidOut).toFixed(2),
    returned: new Decimal(ret?.returned ?? '0').toFixed(2),
    escrowAccountId: escrow.id,
  }
}

/** Each pledge on a listing with its state and release deadline (donors are not named). */
export async function listingPledges(listingId: string, executor: Executor = defaultDb) {
  const rows = await executor.execute<{ id: string; amount: string; created_at: Date; expires_at: Date | null; resolution: string | null; resolved_amount: string | null }>(sql`
    select t.id, t.amount::text, t.created_at, t.expires_at,
      case when r.void_pending then 'returned' when r.post_pending then 'released' end resolution, r.amount::text resolved_amount
    from ledger_transfers t left join ledger_transfers r on r.pending_id = t.id
    where t.listing_id = ${listingId} and t.pending and t.code = 'pledge'
    order by t.seq desc limit 500`)
  return [...rows].map((r) => ({
    id: r.id,
    amount: new Decimal(r.amount).toFixed(2),
    createdAt: new Date(r.created_at),
    deadline: r.expires_at ? new Date(r.expires_at) : null,
    state: (r.resolution ?? 'held') as 'held' | 'released' | 'returned',
  }))
}

export function newPledgeKey() {
  return randomUUID()
}

export { LedgerError }

/** What the pledge page needs to show about a listing (public facts only). */
export async function listingForGiving(listingId: string) {
  const [row] = await defaultDb
    .select({
      id: listings.id,
      title: listings.title,
      kind: listings.kind,
      status: listings.status,
      organizationId: listings.organizationId,
      endsOn: listings.endsOn,
      donationType: donationDetails.donationType,
      itemKind: donationDetails.itemKind,
      itemUnit: donationDetails.itemUnit,
      targetAmount: donationDetails.targetAmount,
      budget: projectDetails.budget,
    })
    .from(listings)
    .leftJoin(donationDetails, eq(donationDetails.listingId, listings.id))
    .leftJoin(projectDetails, eq(projectDetails.listingId, listings.id))
    .where(eq(listings.id, listingId))
  if (!row || (row.kind !== 'donation' && row.kind !== 'project')) return null
  return row
}
