/**
 * Money donations through escrow: a pledge is a hold (donor → the listing's own escrow
 * account); delivery or a milestone releases it; cancellation, a deadline or the donor
 * returns it. Totals are always read from the ledger, never from counters.
 */
import { hasEnded } from './listing-dates'
import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import { CNY, DEFAULT_HOLD_SECONDS, MONEY_SCALE, donationDetails, ledgerAccounts, ledgerTransfers, listings, projectDetails } from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'
import { pgError } from '~/utils/pg-error.server'
import { recordAudit } from './audit.server'
import { createTransfers, ensureMoneyAsset, getOrCreateAccount, LedgerError, lockAccounts, parseAmount, type Transfer, type TransferInput } from './ledger.server'

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

/** Postgres refused the transaction for its timing, not its content: deadlock or serialization failure. */
function isTransient(error: unknown) {
  const code = pgError(error)?.code
  return code === '40P01' || code === '40001'
}

/**
 * Runs a donor's flow (one transaction) again when the database aborted it as a deadlock victim
 * or a serialization failure: the flows are idempotent by their keys, so a rerun is safe. Still
 * failing after a few tries → a refusal with a catalog key ("busy, try again"), never a 500.
 */
export async function retryTransient<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!isTransient(error)) throw error
      if (attempt >= attempts) throw new FlowError('busy')
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.floor(Math.random() * 20)))
    }
  }
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
  // Only ever credited by payouts (and debited by a correction of one): it never has to go below zero.
  return getOrCreateAccount(executor, { ledger: CNY, code: 'organization', ownerType: 'organization', ownerId: organizationId, debitsMustNotExceedCredits: true })
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
    // FOR SHARE until the pledge commits: closing the listing (FOR UPDATE, then returning every
    // hold) waits for it and returns it too, and a pledge after the close reads it closed.
    .for('share', { of: listings })
  if (!row) throw new FlowError('listing_not_found')
  const accepts = (row.kind === 'donation' && row.donationType === 'money') || (row.kind === 'project' && row.budget !== null)
  if (!accepts) throw new FlowError('listing_not_money')
  // Past its end date a listing takes no new pledges (the message says: ended or not published).
  if (row.status !== 'published' || hasEnded(row.endsOn)) throw new FlowError('listing_not_open')
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
  return retryTransient(() => pledgeOnce(donor, input))
}

async function pledgeOnce(donor: Actor, input: PledgeInput): Promise<PledgeResult> {
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

/** Open holds on an escrow that may still be posted (not past their timeout), oldest first. */
export async function openLiveHolds(tx: Executor, escrowId: string, now: Date) {
  return (await openHoldsOf(tx, escrowId)).filter((h) => !h.expiresAt || h.expiresAt > now)
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
  return retryTransient(() => withdrawOnce(donor, pledgeId))
}

async function withdrawOnce(donor: Actor, pledgeId: string) {
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

async function requireListingOwner(tx: Executor, actor: Actor, listingId: string, lock?: 'share' | 'update') {
  const query = tx.select().from(listings).where(eq(listings.id, listingId))
  const [listing] = lock ? await query.for(lock) : await query
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
    // FOR SHARE: a close waits for this release, and a release after a close reads it closed.
    const listing = await requireListingOwner(tx, actor, listingId, 'share')
    if (listing.kind !== 'donation') throw new FlowError('listing_not_money')
    // A closed listing returned its holds and a draft has none; a paused one may have delivered before it paused.
    if (listing.status !== 'published' && listing.status !== 'paused') throw new FlowError('listing_not_releasable')
    // Never pledged to: nothing to release, and no accounts are created for it.
    const found = await existingEscrowAccount(tx, listingId)
    const now = new Date()
    const candidates = found ? await openLiveHolds(tx, found.id, now) : []
    if (!found || !candidates.length) return { released: 0, total: '0.00' }
    const org = await organizationMoneyAccount(tx, listing.organizationId)
    // The escrow (and the holds' donor accounts, in createTransfers' order) locked before the holds
    // are read again: a second release at the same moment waits, then finds nothing left to release.
    const locked = await lockAccounts(tx, [found.id, org.id, ...candidates.map((h) => h.debitAccountId)])
    const live = (await openLiveHolds(tx, found.id, now)).filter((h) => locked.has(h.debitAccountId))
    const batch: TransferInput[] = live.flatMap((h) => [
      { id: `release-${h.id}`, code: 'release' as const, postPending: true, pendingId: h.id, listingId, actorId: actor.id },
      { id: `payout-${h.id}`, code: 'payout' as const, debitAccountId: found.id, creditAccountId: org.id, amount: h.amount, listingId, actorId: actor.id },
    ])
    const results = batch.length ? await createTransfers(batch, { tx, now }) : []
    // Only what this call created counts (a replay finds existing transfers and reports nothing twice).
    const released = live.filter((_, i) => {
      const payout = results[2 * i + 1]
      return payout?.ok && payout.created
    })
    const total = released.reduce((s, h) => s.plus(h.amount), new Decimal(0))
    if (released.length) {
      await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.release', entityType: 'listing', entityId: listingId, after: { holds: released.length, total: total.toFixed(2) } })
    }
    return { released: released.length, total: total.toFixed(2) }
  })
}

/** What each donor account put into an escrow: the posted part of its holds. */
async function contributionsTo(tx: Executor, escrowId: string) {
  const rows = await tx
    .select({ accountId: ledgerTransfers.debitAccountId, amount: sql<string>`sum(${ledgerTransfers.amount})::text` })
    .from(ledgerTransfers)
    .where(and(eq(ledgerTransfers.creditAccountId, escrowId), eq(ledgerTransfers.postPending, true)))
    .groupBy(ledgerTransfers.debitAccountId)
    .orderBy(asc(ledgerTransfers.debitAccountId))
  return rows.map((r) => ({ accountId: r.accountId, amount: new Decimal(r.amount) }))
}

/**
 * Splits `total` (at most `scale` decimals) in proportion to the weights, exactly: every share is
 * rounded down to the scale and the units left over go one each to the largest remainders (ties:
 * the earlier key), so the shares add up to the total to the fen and nothing is created or lost.
 */
export function proportionalShares<K extends string>(total: Decimal.Value, weights: { key: K; weight: Decimal.Value }[], scale = MONEY_SCALE) {
  const factor = new Decimal(10).pow(scale)
  const units = BigInt(new Decimal(total).times(factor).toFixed(0, Decimal.ROUND_DOWN))
  const parts = weights.map((w) => ({ key: w.key, weight: BigInt(new Decimal(w.weight).times(factor).toFixed(0, Decimal.ROUND_DOWN)) }))
  const sum = parts.reduce((s, p) => s + p.weight, 0n)
  if (sum <= 0n || units <= 0n) return parts.map((p) => ({ key: p.key, amount: new Decimal(0) }))
  const shares = parts.map((p, i) => ({ key: p.key, i, units: (units * p.weight) / sum, rest: (units * p.weight) % sum }))
  let left = units - shares.reduce((s, x) => s + x.units, 0n)
  for (const x of [...shares].sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1))) {
    if (left <= 0n) break
    x.units += 1n
    left -= 1n
  }
  return shares.map((x) => ({ key: x.key, amount: new Decimal(x.units.toString()).div(factor) }))
}

/**
 * The listing is cancelled or closed: every open hold goes back to its donor, and so does what is
 * left in the escrow. A milestone payment posts whole holds into the escrow (the rest of them stays
 * there for the next milestones, so a pledge keeps serving the project); once the project closes no
 * milestone can use that money any more, so it goes back to the donors who put it in, in proportion
 * to what each put in (posted into the escrow), rounded exactly to the fen. The returns are plain
 * `refund` transfers escrow → donor with ids derived from the escrow and the donor account: a rerun
 * finds an empty escrow and returns nothing twice.
 */
export async function returnAllHolds(actor: Actor | null, listingId: string, tx?: Transaction) {
  const work = async (t: Transaction) => {
    // The listing row first (the close already holds it FOR UPDATE): no pledge comes in meanwhile.
    if (actor) await requireListingOwner(t, actor, listingId, 'update')
    else await t.select({ id: listings.id }).from(listings).where(eq(listings.id, listingId)).for('update')
    const found = await existingEscrowAccount(t, listingId)
    if (!found) return 0
    const [holds0, contributions0] = await Promise.all([openHoldsOf(t, found.id), contributionsTo(t, found.id)])
    // Every account these returns touch, locked at once in createTransfers' order.
    const locked = await lockAccounts(t, [found.id, ...holds0.map((h) => h.debitAccountId), ...contributions0.map((c) => c.accountId)])
    const holds = await openHoldsOf(t, found.id)
    if (holds.length) {
      await createTransfers(
        holds.map((h) => ({ id: `cancel-${h.id}`, code: 'refund' as const, voidPending: true, pendingId: h.id, listingId, actorId: actor?.id ?? null })),
        { tx: t },
      )
    }
    // Voids touch only pending balances: what is left posted in the escrow is read from the locked row.
    const escrow = locked.get(found.id)!
    const remaining = new Decimal(escrow.creditsPosted).minus(escrow.debitsPosted).minus(escrow.debitsPending)
    if (remaining.gt(0)) {
      const contributions = (await contributionsTo(t, found.id)).filter((c) => locked.has(c.accountId))
      const shares = proportionalShares(remaining, contributions.map((c) => ({ key: c.accountId, weight: c.amount }))).filter((x) => x.amount.gt(0))
      if (shares.length) {
        await createTransfers(
          shares.map((x) => ({ id: `escrow-return-${found.id}-${x.key}`, code: 'refund' as const, debitAccountId: found.id, creditAccountId: x.key, amount: x.amount, listingId, actorId: actor?.id ?? null })),
          { tx: t },
        )
        await recordAudit(t, {
          actor: actor ? { id: actor.id } : { system: 'ledger:close-returns-escrow' },
          action: 'ledger.escrow_return',
          entityType: 'listing',
          entityId: listingId,
          after: { donors: shares.length, total: remaining.toFixed(2) },
        })
      }
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
  // Returned: holds voided back to their donors, plus what a close sent back from the escrow.
  const [ret] = await executor.execute<{ returned: string; refunded: string }>(sql`
    select coalesce(sum(amount) filter (where void_pending and credit_account_id = ${escrow.id}), 0)::text returned,
      coalesce(sum(amount) filter (where code = 'refund' and not void_pending and not pending and debit_account_id = ${escrow.id}), 0)::text refunded
    from ledger_transfers where credit_account_id = ${escrow.id} or debit_account_id = ${escrow.id}`)
  const refunded = new Decimal(ret?.refunded ?? '0')
  const held = new Decimal(escrow.creditsPending)
  const released = new Decimal(escrow.creditsPosted)
  const paidOut = new Decimal(escrow.debitsPosted).minus(refunded)
  return {
    pledged: held.plus(released).toFixed(2),
    held: held.toFixed(2),
    released: released.toFixed(2),
    paidOut: paidOut.toFixed(2),
    inEscrow: released.minus(escrow.debitsPosted).toFixed(2),
    returned: new Decimal(ret?.returned ?? '0').plus(refunded).toFixed(2),
    escrowAccountId: escrow.id,
  }
}

/** What closed listings sent back to this donor from their escrows (the part of posted pledges no milestone used). */
export async function escrowReturnsTo(donorId: string, executor: Executor = defaultDb) {
  const rows = await executor.execute<{ id: string; listing_id: string; title: string; amount: string; created_at: Date }>(sql`
    select t.id, l.id listing_id, l.title, t.amount::text, t.created_at
    from ledger_transfers t
    join ledger_accounts d on d.id = t.credit_account_id and d.code = 'donor' and d.owner_type = 'user' and d.owner_id = ${donorId}
    join ledger_accounts e on e.id = t.debit_account_id and e.code = 'escrow'
    join listings l on l.id = t.listing_id
    where t.code = 'refund' and not t.pending and not t.void_pending
    order by t.seq`)
  return [...rows].map((r) => ({ id: r.id, listingId: r.listing_id, title: r.title, amount: new Decimal(r.amount).toFixed(2), createdAt: new Date(r.created_at).toISOString() }))
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
