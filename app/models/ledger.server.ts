/**
 * The escrow ledger (ADR 030): TigerBeetle's double-entry model on PostgreSQL.
 *
 * - Every amount is decimal.js in code and numeric in the database.
 * - createTransfers() inserts transfers and moves both accounts' balances in one transaction,
 *   locking the two account rows in a fixed order (lower id first) at READ COMMITTED.
 * - Pending transfers are holds; a post (possibly partial) or a void resolves a hold exactly once
 *   (a partial unique index on pending_id refuses the second resolution in the database).
 * - Transfer ids are idempotency keys: same id + same fields → the existing transfer; same id +
 *   different fields → an error; an id that failed for a state-dependent reason stays failed.
 */
import Decimal from 'decimal.js'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import {
  CNY,
  DEFAULT_ITEM_SCALE,
  MONEY_SCALE,
  itemAsset,
  ledgerAccounts,
  ledgerAssets,
  ledgerFailedTransfers,
  ledgerTransfers,
  type AccountCode,
  type OwnerType,
  type TransferCode,
} from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'
import { pgError } from '~/utils/pg-error.server'
import { recordAudit } from './audit.server'

export type Account = typeof ledgerAccounts.$inferSelect
export type Transfer = typeof ledgerTransfers.$inferSelect

/** Largest amount accepted (numeric(20,3) holds 17 integer digits). */
const MAX_AMOUNT = new Decimal('1e15')

export const ledgerErrorCodes = [
  'amount_invalid',
  'amount_not_positive',
  'amount_too_precise',
  'amount_too_large',
  'ledger_mismatch',
  'accounts_must_differ',
  'account_not_found',
  'account_closed',
  'asset_not_found',
  'exceeds_credits',
  'exceeds_debits',
  'pending_not_found',
  'pending_not_pending',
  'pending_already_resolved',
  'pending_expired',
  'pending_fields_mismatch',
  'post_exceeds_pending',
  'void_amount_mismatch',
  'id_conflict',
  'id_invalid',
  'timeout_invalid',
  'previously_failed',
  'linked_event_failed',
] as const
export type LedgerErrorCode = (typeof ledgerErrorCodes)[number]

/** State-dependent failures: the id is recorded and stays failed. */
const STICKY: ReadonlySet<LedgerErrorCode> = new Set(['exceeds_credits', 'exceeds_debits', 'account_closed', 'pending_already_resolved', 'pending_expired'])

/** A refusal with a catalog key (`ledger:errors.<code>`) so both locales can explain it. */
export class LedgerError extends Error {
  readonly key: string
  constructor(
    readonly code: LedgerErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly transferId?: string,
  ) {
    super(`ledger: ${code}${transferId ? ` (${transferId})` : ''} ${JSON.stringify(params)}`)
    this.key = `ledger:errors.${code}`
  }
}

export function isLedgerError(error: unknown, code?: LedgerErrorCode): error is LedgerError {
  return error instanceof LedgerError && (code === undefined || error.code === code)
}

// ───────────────────────────── assets and accounts ─────────────────────────────

export async function ensureMoneyAsset(executor: Executor = defaultDb) {
  await executor.insert(ledgerAssets).values({ code: CNY, scale: MONEY_SCALE }).onConflictDoNothing()
  return CNY
}

/** One ledger per item kind and unit (棉被/条); whole units unless `scale` says otherwise. */
export async function ensureItemAsset(executor: Executor, kind: string, unit: string, scale = DEFAULT_ITEM_SCALE) {
  const code = itemAsset(kind, unit)
  await executor.insert(ledgerAssets).values({ code, scale, itemKind: kind.trim(), itemUnit: unit.trim() }).onConflictDoNothing()
  return code
}

const scaleCache = new Map<string, number>()
export async function assetScale(executor: Executor, ledger: string): Promise<number> {
  const cached = scaleCache.get(ledger)
  if (cached !== undefined) return cached
  const [row] = await executor.select({ scale: ledgerAssets.scale }).from(ledgerAssets).where(eq(ledgerAssets.code, ledger))
  if (!row) throw new LedgerError('asset_not_found', { ledger })
  scaleCache.set(ledger, row.scale)
  return row.scale
}

export type AccountKey = {
  ledger: string
  code: AccountCode
  ownerType: OwnerType
  ownerId: string
  scopeId?: string | null
  debitsMustNotExceedCredits?: boolean
  creditsMustNotExceedDebits?: boolean
}

/** The account with this identity, created on first use (flags are fixed at creation). */
export async function getOrCreateAccount(executor: Executor, key: AccountKey): Promise<Account> {
  const where = and(
    eq(ledgerAccounts.ledger, key.ledger),
    eq(ledgerAccounts.code, key.code),
    eq(ledgerAccounts.ownerType, key.ownerType),
    eq(ledgerAccounts.ownerId, key.ownerId),
    key.scopeId ? eq(ledgerAccounts.scopeId, key.scopeId) : sql`${ledgerAccounts.scopeId} is null`,
  )
  const [found] = await executor.select().from(ledgerAccounts).where(where)
  if (found) return found
  await executor
    .insert(ledgerAccounts)
    .values({
      ledger: key.ledger,
      code: key.code,
      ownerType: key.ownerType,
      ownerId: key.ownerId,
      scopeId: key.scopeId ?? null,
      debitsMustNotExceedCredits: key.debitsMustNotExceedCredits ?? false,
      creditsMustNotExceedDebits: key.creditsMustNotExceedDebits ?? false,
    })
    .onConflictDoNothing()
  const [created] = await executor.select().from(ledgerAccounts).where(where)
  return created!
}

/**
 * Locks accounts FOR UPDATE in one statement, lower id first: the order createTransfers() locks
 * in, so a flow that must read a balance under lock before deciding its transfers (and then
 * posts them) never deadlocks with another transfer on the same accounts. Returns the locked rows.
 */
export async function lockAccounts(tx: Executor, ids: string[]): Promise<Map<string, Account>> {
  const sorted = [...new Set(ids)].sort()
  if (!sorted.length) return new Map()
  const rows = await tx.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, sorted)).orderBy(asc(ledgerAccounts.id)).for('update')
  return new Map(rows.map((r) => [r.id, r]))
}

export async function getAccount(executor: Executor, id: string) {
  const [row] = await executor.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, id))
  return row
}

/** Posted balance from the account's natural side: credits − debits (what it holds). */
export function creditBalance(a: Pick<Account, 'creditsPosted' | 'debitsPosted'>) {
  return new Decimal(a.creditsPosted).minus(a.debitsPosted)
}

// ───────────────────────────── amounts ─────────────────────────────

/** Parses and checks an amount against the asset's scale. Never goes through a JS number. */
export function parseAmount(value: Decimal.Value, scale: number, transferId?: string): Decimal {
  let amount: Decimal
  // Typed amounts are plain decimals: decimal.js would also read "1e3", "0x10" or "Infinity",
  // which no one means when they type a sum of money.
  if (typeof value === 'string' && !/^[+-]?\d+(\.\d+)?$/.test(value.trim())) throw new LedgerError('amount_invalid', { value: value.slice(0, 40) }, transferId)
  try {
    amount = new Decimal(typeof value === 'string' ? value.trim() : value)
  } catch {
    throw new LedgerError('amount_invalid', { value: String(value) }, transferId)
  }
  if (!amount.isFinite()) throw new LedgerError('amount_invalid', { value: String(value) }, transferId)
  if (amount.lte(0)) throw new LedgerError('amount_not_positive', { value: amount.toString() }, transferId)
  if (amount.decimalPlaces() > scale) throw new LedgerError('amount_too_precise', { value: amount.toString(), scale }, transferId)
  if (amount.gte(MAX_AMOUNT)) throw new LedgerError('amount_too_large', { value: amount.toString() }, transferId)
  return amount
}

// ───────────────────────────── transfers ─────────────────────────────

export type TransferInput = {
  /** The caller's idempotency key. */
  id: string
  code: TransferCode
  debitAccountId?: string
  creditAccountId?: string
  /** Required for plain and pending transfers; a post defaults to the whole hold, a void is always the whole hold. */
  amount?: Decimal.Value
  ledger?: string
  pending?: boolean
  postPending?: boolean
  voidPending?: boolean
  pendingId?: string
  timeoutSeconds?: number
  listingId?: string | null
  lotId?: string | null
  milestoneId?: string | null
  claimId?: string | null
  actorId?: string | null
  note?: string | null
}

export type TransferResult = { id: string; ok: true; transfer: Transfer; created: boolean } | { id: string; ok: false; error: LedgerError }

class DuplicateIdRace extends Error {}

/**
 * An overdraft refused by the database's CHECK constraint (a concurrent writer got there between
 * our check and our update): the figures are not known there. i18next's context picks the
 * catalog's `exceeds_credits_unknown` message, which names none, instead of showing "?".
 */
const OVERDRAFT_UNKNOWN = { context: 'unknown' } as const

function sameRefs(existing: Transfer, input: TransferInput) {
  return (
    (input.listingId ?? null) === existing.listingId &&
    (input.lotId ?? null) === existing.lotId &&
    (input.milestoneId ?? null) === existing.milestoneId &&
    (input.claimId ?? null) === existing.claimId
  )
}

/** Same id twice: identical fields return the existing transfer, anything else is a conflict. */
function compareWithExisting(existing: Transfer, input: TransferInput) {
  const mismatch: string[] = []
  if (existing.code !== input.code) mismatch.push('code')
  if (existing.pending !== !!input.pending) mismatch.push('pending')
  if (existing.postPending !== !!input.postPending) mismatch.push('postPending')
  if (existing.voidPending !== !!input.voidPending) mismatch.push('voidPending')
  if ((input.pendingId ?? null) !== existing.pendingId) mismatch.push('pendingId')
  if (input.debitAccountId && input.debitAccountId !== existing.debitAccountId) mismatch.push('debitAccountId')
  if (input.creditAccountId && input.creditAccountId !== existing.creditAccountId) mismatch.push('creditAccountId')
  if (input.ledger && input.ledger !== existing.ledger) mismatch.push('ledger')
  if (input.amount !== undefined) {
    let same = false
    try {
      same = new Decimal(input.amount).eq(existing.amount)
    } catch {
      same = false
    }
    if (!same) mismatch.push('amount')
  } else if (!input.postPending && !input.voidPending) mismatch.push('amount')
  if ((input.timeoutSeconds ?? null) !== existing.timeoutSeconds) mismatch.push('timeoutSeconds')
  if (!sameRefs(existing, input)) mismatch.push('refs')
  if (mismatch.length) throw new LedgerError('id_conflict', { fields: mismatch.join(',') }, input.id)
  return existing
}

async function recordFailure(error: LedgerError) {
  if (!error.transferId || !STICKY.has(error.code)) return
  // Outside the (rolled back) transaction: the failure must outlive it.
  await defaultDb
    .insert(ledgerFailedTransfers)
    .values({ id: error.transferId, reason: error.code, params: error.params })
    .onConflictDoNothing()
}

type Deltas = { dp: Decimal; dq: Decimal; cp: Decimal; cq: Decimal }
type Planned = { input: TransferInput; values: typeof ledgerTransfers.$inferInsert }

/**
 * One database transaction's worth of transfers. Reads everything it needs in a few set
 * queries, locks every account involved at once in a fixed order (lower id first, so two
 * batches never deadlock), applies the transfers in memory under those locks, then writes
 * all rows in one insert and each account once. Set-wise I/O is what makes the batch API fast.
 */
class Batch {
  private readonly existing = new Map<string, Transfer>()
  private readonly failed = new Map<string, { reason: string; params: Record<string, string | number> }>()
  private readonly pendings = new Map<string, Transfer>()
  private readonly resolvedBy = new Map<string, string>()
  private readonly accounts = new Map<string, Account>()
  private readonly deltas = new Map<string, Deltas>()
  private readonly planned: Planned[] = []
  private readonly plannedById = new Map<string, Planned>()

  constructor(
    private readonly tx: Transaction,
    private readonly now: Date,
  ) {}

  async prepare(inputs: TransferInput[]) {
    const tx = this.tx
    const ids = [...new Set(inputs.map((i) => i.id).filter((id) => id && id.length <= 128))]
    const pendingIds = [...new Set(inputs.filter((i) => (i.postPending || i.voidPending) && i.pendingId).map((i) => i.pendingId!))]
    const lookup = [...new Set([...ids, ...pendingIds])]
    if (lookup.length) {
      // Known transfers and failed ids in one round trip.
      const [known, failed] = await Promise.all([
        tx.select().from(ledgerTransfers).where(inArray(ledgerTransfers.id, lookup)),
        ids.length ? tx.select().from(ledgerFailedTransfers).where(inArray(ledgerFailedTransfers.id, ids)) : Promise.resolve([]),
      ])
      for (const row of known) {
        if (ids.includes(row.id)) this.existing.set(row.id, row)
        if (row.pending) this.pendings.set(row.id, row)
      }
      for (const row of failed) this.failed.set(row.id, { reason: row.reason, params: (row.params ?? {}) as Record<string, string | number> })
    }
    const accountIds = new Set<string>()
    for (const i of inputs) {
      if (i.debitAccountId) accountIds.add(i.debitAccountId)
      if (i.creditAccountId) accountIds.add(i.creditAccountId)
      const p = i.pendingId ? this.pendings.get(i.pendingId) : undefined
      if (p) {
        accountIds.add(p.debitAccountId)
        accountIds.add(p.creditAccountId)
      }
    }
    const sorted = [...accountIds].filter((id) => /^[0-9a-f-]{36}$/i.test(id)).sort()
    if (sorted.length) {
      const rows = await tx.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, sorted)).orderBy(asc(ledgerAccounts.id)).for('update')
      for (const row of rows) this.accounts.set(row.id, row)
    }
    // Under the locks: a concurrent resolution of these holds has committed by now, or will come after us.
    if (pendingIds.length) {
      for (const row of await tx.select({ id: ledgerTransfers.id, pendingId: ledgerTransfers.pendingId }).from(ledgerTransfers).where(inArray(ledgerTransfers.pendingId, pendingIds))) {
        this.resolvedBy.set(row.pendingId!, row.id)
      }
    }
  }

  private delta(accountId: string) {
    let d = this.deltas.get(accountId)
    if (!d) {
      d = { dp: new Decimal(0), dq: new Decimal(0), cp: new Decimal(0), cq: new Decimal(0) }
      this.deltas.set(accountId, d)
    }
    return d
  }

  /** Balances as they stand within this batch (locked row + this batch's changes). */
  private current(account: Account) {
    const d = this.deltas.get(account.id)
    return {
      debitsPending: new Decimal(account.debitsPending).plus(d?.dp ?? 0),
      debitsPosted: new Decimal(account.debitsPosted).plus(d?.dq ?? 0),
      creditsPending: new Decimal(account.creditsPending).plus(d?.cp ?? 0),
      creditsPosted: new Decimal(account.creditsPosted).plus(d?.cq ?? 0),
    }
  }

  /** Checks one transfer against the batch's view and plans its row. Throws LedgerError. */
  async apply(input: TransferInput): Promise<{ planned?: Planned; existing?: Transfer }> {
    if (!input.id || input.id.length > 128) throw new LedgerError('id_invalid', {}, input.id)
    const existing = this.existing.get(input.id)
    if (existing) return { existing: compareWithExisting(existing, input) }
    const inBatch = this.plannedById.get(input.id)
    if (inBatch) return { planned: inBatch, existing: compareWithExisting(inBatch.values as Transfer, input) }
    const failed = this.failed.get(input.id)
    if (failed) throw new LedgerError('previously_failed', { ...failed.params, reason: failed.reason }, input.id)

    const resolving = !!(input.postPending || input.voidPending)
    let pending: Transfer | undefined
    let debitId = input.debitAccountId
    let creditId = input.creditAccountId
    let ledger = input.ledger
    let amount: Decimal

    if (resolving) {
      if (!input.pendingId) throw new LedgerError('pending_not_found', { pendingId: '' }, input.id)
      pending = this.pendings.get(input.pendingId)
      if (!pending) {
        const [row] = await this.tx.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, input.pendingId))
        if (row && !row.pending) throw new LedgerError('pending_not_pending', { pendingId: input.pendingId }, input.id)
        throw new LedgerError('pending_not_found', { pendingId: input.pendingId }, input.id)
      }
      if ((debitId && debitId !== pending.debitAccountId) || (creditId && creditId !== pending.creditAccountId) || (ledger && ledger !== pending.ledger)) {
        throw new LedgerError('pending_fields_mismatch', { pendingId: pending.id }, input.id)
      }
      debitId = pending.debitAccountId
      creditId = pending.creditAccountId
      ledger = pending.ledger
      const scale = await assetScale(this.tx, ledger)
      const held = new Decimal(pending.amount)
      amount = input.amount === undefined ? held : parseAmount(input.amount, scale, input.id)
      if (input.voidPending && !amount.eq(held)) throw new LedgerError('void_amount_mismatch', { amount: amount.toString(), held: held.toString() }, input.id)
      if (input.postPending && amount.gt(held)) throw new LedgerError('post_exceeds_pending', { amount: amount.toString(), held: held.toString() }, input.id)
    } else {
      if (!debitId || !creditId) throw new LedgerError('account_not_found', { account: debitId ?? creditId ?? '' }, input.id)
      if (debitId === creditId) throw new LedgerError('accounts_must_differ', {}, input.id)
      if (input.amount === undefined) throw new LedgerError('amount_invalid', { value: '' }, input.id)
      if (input.pendingId) throw new LedgerError('pending_fields_mismatch', { pendingId: input.pendingId }, input.id)
      if (input.timeoutSeconds !== undefined && (!input.pending || !Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds <= 0 || input.timeoutSeconds > 2_147_483_647)) {
        throw new LedgerError('timeout_invalid', { value: String(input.timeoutSeconds) }, input.id)
      }
      const d = this.accounts.get(debitId)
      if (!d) throw new LedgerError('account_not_found', { account: debitId }, input.id)
      ledger ??= d.ledger
      amount = parseAmount(input.amount, await assetScale(this.tx, ledger), input.id)
    }

    const debit = this.accounts.get(debitId)
    const credit = this.accounts.get(creditId)
    if (!debit) throw new LedgerError('account_not_found', { account: debitId }, input.id)
    if (!credit) throw new LedgerError('account_not_found', { account: creditId }, input.id)
    if (debit.ledger !== ledger || credit.ledger !== ledger) {
      throw new LedgerError('ledger_mismatch', { debit: debit.ledger, credit: credit.ledger, ledger }, input.id)
    }

    const held = pending ? new Decimal(pending.amount) : new Decimal(0)
    let dPending = new Decimal(0)
    let dPosted = new Decimal(0)
    if (input.pending) dPending = amount
    else if (input.postPending) {
      dPending = held.neg()
      dPosted = amount
    } else if (input.voidPending) dPending = held.neg()
    else dPosted = amount

    if (pending) {
      const by = this.resolvedBy.get(pending.id)
      if (by) throw new LedgerError('pending_already_resolved', { pendingId: pending.id, by }, input.id)
      if (input.postPending && pending.expiresAt && new Date(pending.expiresAt).getTime() <= this.now.getTime()) {
        throw new LedgerError('pending_expired', { pendingId: pending.id }, input.id)
      }
    } else if (debit.closedAt || credit.closedAt) throw new LedgerError('account_closed', {}, input.id)

    const db_ = this.current(debit)
    const cr_ = this.current(credit)
    if (debit.debitsMustNotExceedCredits) {
      const after = db_.debitsPending.plus(db_.debitsPosted).plus(dPending).plus(dPosted)
      if (after.gt(db_.creditsPosted)) {
        throw new LedgerError('exceeds_credits', { available: db_.creditsPosted.minus(db_.debitsPending).minus(db_.debitsPosted).toString(), amount: amount.toString() }, input.id)
      }
    }
    if (credit.creditsMustNotExceedDebits) {
      const after = cr_.creditsPending.plus(cr_.creditsPosted).plus(dPending).plus(dPosted)
      if (after.gt(cr_.debitsPosted)) throw new LedgerError('exceeds_debits', { amount: amount.toString() }, input.id)
    }

    // Commit to the batch's view.
    const dd = this.delta(debitId)
    dd.dp = dd.dp.plus(dPending)
    dd.dq = dd.dq.plus(dPosted)
    const cd = this.delta(creditId)
    cd.cp = cd.cp.plus(dPending)
    cd.cq = cd.cq.plus(dPosted)
    const expiresAt = input.pending && input.timeoutSeconds ? new Date(this.now.getTime() + input.timeoutSeconds * 1000) : null
    const values = {
      id: input.id,
      debitAccountId: debitId,
      creditAccountId: creditId,
      amount: amount.toFixed(),
      ledger: ledger!,
      code: input.code,
      pending: !!input.pending,
      postPending: !!input.postPending,
      voidPending: !!input.voidPending,
      linked: false,
      pendingId: input.pendingId ?? null,
      timeoutSeconds: input.pending ? (input.timeoutSeconds ?? null) : null,
      expiresAt,
      listingId: input.listingId ?? null,
      lotId: input.lotId ?? null,
      milestoneId: input.milestoneId ?? null,
      claimId: input.claimId ?? null,
      actorId: input.actorId ?? null,
      note: input.note ?? null,
      createdAt: this.now,
    }
    const planned = { input, values }
    this.planned.push(planned)
    this.plannedById.set(input.id, planned)
    if (values.pending) this.pendings.set(input.id, { ...values, seq: 0 } as Transfer)
    if (pending) this.resolvedBy.set(pending.id, input.id)
    return { planned }
  }

  /** Writes every planned row in one insert and each touched account once. */
  async flush(linked: boolean): Promise<Map<string, Transfer>> {
    const written = new Map<string, Transfer>()
    if (!this.planned.length) return written
    const many = linked && this.planned.length > 1
    try {
      const rows = await this.tx
        .insert(ledgerTransfers)
        .values(this.planned.map((p, i) => ({ ...p.values, linked: many && i < this.planned.length - 1 })))
        .returning()
      for (const row of rows) written.set(row.id, row)
      // Every touched account in one statement (ids in lock order); CHECK constraints still apply per row.
      const changed = [...this.deltas.entries()]
        .filter(([, d]) => !(d.dp.isZero() && d.dq.isZero() && d.cp.isZero() && d.cq.isZero()))
        .sort(([a], [b]) => a.localeCompare(b))
      if (changed.length) {
        const values = sql.join(
          changed.map(([id, d]) => sql`(${id}::uuid, ${d.dp.toFixed()}::numeric, ${d.dq.toFixed()}::numeric, ${d.cp.toFixed()}::numeric, ${d.cq.toFixed()}::numeric)`),
          sql`, `,
        )
        await this.tx.execute(sql`
          update ledger_accounts a set
            debits_pending = a.debits_pending + v.dp, debits_posted = a.debits_posted + v.dq,
            credits_pending = a.credits_pending + v.cp, credits_posted = a.credits_posted + v.cq
          from (values ${values}) as v(id, dp, dq, cp, cq)
          where a.id = v.id`)
      }
    } catch (error) {
      // The same refusals as the single-transfer path (pgRefusal), plus the id race only a batch can lose.
      const refused = pgRefusal(error, this.planned[0]!.input.id)
      if (refused) throw refused
      const pg = pgError(error)
      if (pg?.code === '23505' && (pg.constraint_name ?? pg.constraint) === 'ledger_transfers_pkey') throw new DuplicateIdRace()
      throw error
    }
    return written
  }
}

export type CreateOptions = {
  /** All-or-nothing (default): one failure fails the batch. Otherwise each transfer stands alone. */
  linked?: boolean
  /** Run inside the caller's transaction (flows that write their own rows alongside). */
  tx?: Transaction
  now?: Date
}

/**
 * The batch API: many transfers in one database transaction.
 * linked → every transfer or none (a failure throws the first LedgerError);
 * not linked → a result per transfer, each in its own savepoint.
 */
export async function createTransfers(inputs: TransferInput[], options: CreateOptions = {}): Promise<TransferResult[]> {
  const linked = options.linked ?? true
  const run = async (tx: Transaction) => {
    const now = options.now ?? new Date()
    if (linked) {
      const batch = new Batch(tx, now)
      await batch.prepare(inputs)
      const outcomes: { planned?: Planned; existing?: Transfer }[] = []
      for (const input of inputs) outcomes.push(await batch.apply(input))
      const written = await batch.flush(true)
      return inputs.map((input, i): TransferResult => {
        const o = outcomes[i]!
        if (o.existing && !o.planned) return { id: input.id, ok: true, transfer: o.existing, created: false }
        const transfer = written.get(o.planned!.values.id)!
        return { id: input.id, ok: true, transfer, created: !o.existing }
      })
    }
    const results: TransferResult[] = []
    for (const input of inputs) {
      const attempt = () =>
        tx.transaction(async (sp) => {
          const batch = new Batch(sp, now)
          await batch.prepare([input])
          const o = await batch.apply(input)
          if (o.existing) return { transfer: o.existing, created: false }
          const written = await batch.flush(false)
          return { transfer: written.get(input.id)!, created: true }
        })
      try {
        results.push({ id: input.id, ok: true, ...(await attempt()) })
      } catch (error) {
        if (error instanceof DuplicateIdRace) {
          const again = await attempt().catch((e: unknown) => e)
          if (again instanceof LedgerError) results.push({ id: input.id, ok: false, error: again })
          else if (again instanceof Error) throw again
          else results.push({ id: input.id, ok: true, ...(again as { transfer: Transfer; created: boolean }) })
          continue
        }
        if (!(error instanceof LedgerError)) throw error
        await recordFailure(error)
        results.push({ id: input.id, ok: false, error })
      }
    }
    return results
  }

  if (options.tx) {
    try {
      return await run(options.tx)
    } catch (error) {
      if (error instanceof LedgerError) await recordFailure(error)
      if (error instanceof DuplicateIdRace) throw new LedgerError('id_conflict', { fields: 'concurrent' })
      throw error
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await defaultDb.transaction(run, { isolationLevel: 'read committed' })
    } catch (error) {
      // A concurrent insert of the same id won the race: run again, which finds it.
      if (error instanceof DuplicateIdRace && attempt < 3) continue
      if (error instanceof LedgerError) await recordFailure(error)
      throw error
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Stateless half of Batch.apply() for one transfer: the parsed amount when the input can go
 * through gongjian_ledger_transfer(), undefined when it must take the general path (which then
 * produces exactly the refusal it always did, in the same order of checks).
 */
function fastPathAmount(input: TransferInput): Decimal | null | undefined {
  if (!input.id || input.id.length > 128) return undefined
  const phases = Number(!!input.pending) + Number(!!input.postPending) + Number(!!input.voidPending)
  if (phases > 1) return undefined
  for (const id of [input.debitAccountId, input.creditAccountId, input.listingId, input.lotId, input.milestoneId, input.claimId, input.actorId]) {
    if (id !== undefined && id !== null && !UUID.test(id)) return undefined
  }
  let amount: Decimal | null = null
  if (input.amount !== undefined) {
    try {
      // The largest scale any asset has (3); the function checks the asset's own scale.
      amount = parseAmount(input.amount, 3, input.id)
    } catch {
      return undefined
    }
  }
  if (input.postPending || input.voidPending) return input.pendingId ? amount : undefined
  if (!input.debitAccountId || !input.creditAccountId || input.debitAccountId === input.creditAccountId) return undefined
  if (amount === null || input.pendingId) return undefined
  if (input.timeoutSeconds !== undefined && (!input.pending || !Number.isInteger(input.timeoutSeconds) || input.timeoutSeconds <= 0 || input.timeoutSeconds > 2_147_483_647)) {
    return undefined
  }
  return amount
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())
/** A ledger_transfers row as to_jsonb() returns it (amount already text) → the drizzle shape. */
function transferFromJson(row: Record<string, unknown>): Transfer {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) out[camel(key)] = value
  out.createdAt = new Date(row.created_at as string)
  out.expiresAt = row.expires_at ? new Date(row.expires_at as string) : null
  return out as Transfer
}

type PostOutcome =
  | { status: 'created' | 'existing'; row: Record<string, unknown> }
  | { status: 'error'; code: LedgerErrorCode; params: Record<string, string | number> }
  | { status: 'race' }

export function pgRefusal(error: unknown, transferId: string): LedgerError | undefined {
  const pg = pgError(error)
  const constraint = pg?.constraint_name ?? pg?.constraint ?? ''
  if (pg?.code === '23505' && constraint === 'ledger_transfers_one_resolution') return new LedgerError('pending_already_resolved', {}, transferId)
  if (pg?.code === '23514' && constraint.includes('debits_must_not_exceed_credits')) return new LedgerError('exceeds_credits', OVERDRAFT_UNKNOWN, transferId)
  if (pg?.code === '23514' && constraint.includes('credits_must_not_exceed_debits')) return new LedgerError('exceeds_debits', OVERDRAFT_UNKNOWN, transferId)
  return undefined
}

/** The params a sticky failure was recorded with (the fast path's function returns only its reason). */
async function withFailureParams(executor: Executor, outcome: PostOutcome, transferId: string): Promise<PostOutcome> {
  if (outcome.status !== 'error' || outcome.code !== 'previously_failed') return outcome
  const [row] = await executor.select({ params: ledgerFailedTransfers.params }).from(ledgerFailedTransfers).where(eq(ledgerFailedTransfers.id, transferId))
  return { ...outcome, params: { ...((row?.params ?? {}) as Record<string, string | number>), ...outcome.params } }
}

/** created/existing → the transfer; error → LedgerError; race → undefined (look again). */
function settle(input: TransferInput, outcome: PostOutcome): Transfer | undefined {
  if (outcome.status === 'created') return transferFromJson(outcome.row)
  if (outcome.status === 'existing') return compareWithExisting(transferFromJson(outcome.row), input)
  if (outcome.status === 'error') throw new LedgerError(outcome.code, outcome.params, input.id)
  return undefined
}

/** One transfer in one round trip (ADR 031). Throws LedgerError on refusal. */
async function postOne(input: TransferInput, amount: Decimal | null, executor: Executor, now: Date): Promise<Transfer> {
  for (let attempt = 0; ; attempt++) {
    let outcome: PostOutcome
    try {
      const rows = await executor.execute<{ r: PostOutcome }>(sql`select gongjian_ledger_transfer(
        ${input.id}, ${input.code}::ledger_transfer_code, ${input.debitAccountId ?? null}::uuid, ${input.creditAccountId ?? null}::uuid,
        ${amount === null ? null : amount.toFixed()}::numeric, ${input.ledger ?? null}::varchar,
        ${!!input.pending}, ${!!input.postPending}, ${!!input.voidPending}, ${input.pendingId ?? null}::varchar, ${input.timeoutSeconds ?? null}::int,
        ${input.listingId ?? null}::uuid, ${input.lotId ?? null}::uuid, ${input.milestoneId ?? null}::uuid, ${input.claimId ?? null}::uuid,
        ${input.actorId ?? null}::uuid, ${input.note ?? null}::text, ${now.toISOString()}::timestamptz) as r`)
      outcome = await withFailureParams(executor, [...rows][0]!.r, input.id)
    } catch (error) {
      throw pgRefusal(error, input.id) ?? error
    }
    const transfer = settle(input, outcome)
    if (transfer) return transfer
    // A concurrent posting of the same id won: look again, which finds it.
    if (attempt >= 3) throw new LedgerError('id_conflict', { fields: 'concurrent' }, input.id)
  }
}

// ── Coalescing: concurrent createTransfer() calls of this process share one statement ──
// Like TigerBeetle's client: while a statement is in flight, new calls wait and then go together
// through gongjian_ledger_transfers(). Each call still gets its own outcome, exactly as if posted
// alone (in arrival order), and resolves only after its statement committed. On a hot account this
// turns N lock-hold-through-commit cycles into one.
type Waiter = { input: TransferInput; amount: Decimal | null; now: Date; resolve: (t: Transfer) => void; reject: (e: unknown) => void }
const queue: Waiter[] = []
let inFlight = 0
let scheduled = false
const MAX_IN_FLIGHT = 1
const MAX_COALESCED = 256

function enqueue(waiter: Waiter) {
  queue.push(waiter)
  if (scheduled) return
  scheduled = true
  // Calls made in the same tick go together.
  queueMicrotask(() => {
    scheduled = false
    pump()
  })
}

function pump() {
  while (inFlight < MAX_IN_FLIGHT && queue.length) {
    const batch = queue.splice(0, MAX_COALESCED)
    inFlight++
    void runCoalesced(batch)
      .catch((error: unknown) => {
        for (const w of batch) w.reject(error)
      })
      .finally(() => {
        inFlight--
        pump()
      })
  }
}

async function runCoalesced(batch: Waiter[]) {
  const alone = (w: Waiter) => postOne(w.input, w.amount, defaultDb, w.now).then(w.resolve, w.reject)
  if (batch.length === 1) return alone(batch[0]!)
  let outcomes: PostOutcome[]
  try {
    const payload = batch.map(({ input, amount, now }) => ({
      id: input.id,
      code: input.code,
      debit: input.debitAccountId ?? null,
      credit: input.creditAccountId ?? null,
      amount: amount === null ? null : amount.toFixed(),
      ledger: input.ledger ?? null,
      pending: !!input.pending,
      post: !!input.postPending,
      void: !!input.voidPending,
      pendingId: input.pendingId ?? null,
      timeout: input.timeoutSeconds ?? null,
      listing: input.listingId ?? null,
      lot: input.lotId ?? null,
      milestone: input.milestoneId ?? null,
      claim: input.claimId ?? null,
      actor: input.actorId ?? null,
      note: input.note ?? null,
      now: now.toISOString(),
    }))
    const rows = await defaultDb.execute<{ r: PostOutcome[] }>(sql`select gongjian_ledger_transfers(${JSON.stringify(payload)}::jsonb) as r`)
    outcomes = [...rows][0]!.r
  } catch {
    // One element's database error (a foreign key, a deadlock) fails the statement: nothing was
    // written, so each goes alone and only the culprit gets the error.
    await Promise.all(batch.map(alone))
    return
  }
  await Promise.all(
    batch.map(async (w, i) => {
      try {
        const transfer = settle(w.input, await withFailureParams(defaultDb, outcomes[i]!, w.input.id))
        if (transfer) w.resolve(transfer)
        else await alone(w)
      } catch (error) {
        w.reject(error)
      }
    }),
  )
}

/** One transfer; throws LedgerError on refusal. One round trip when the input is well-formed. */
export async function createTransfer(input: TransferInput, options: Omit<CreateOptions, 'linked'> = {}): Promise<Transfer> {
  const amount = fastPathAmount(input)
  if (amount !== undefined) {
    const now = options.now ?? new Date()
    try {
      if (options.tx) return await postOne(input, amount, options.tx, now)
      return await new Promise<Transfer>((resolve, reject) => enqueue({ input, amount, now, resolve, reject }))
    } catch (error) {
      if (error instanceof LedgerError) await recordFailure(error)
      throw error
    }
  }
  const [result] = await createTransfers([input], { ...options, linked: true })
  if (!result!.ok) throw result!.error
  return result!.transfer
}

/** The unresolved holds whose timeout has passed (for the scheduled void job). */
export async function expiredHolds(executor: Executor = defaultDb, now = new Date(), limit = 500) {
  const rows = await executor.execute<{ id: string }>(sql`
    select t.id from ledger_transfers t
    where t.pending and t.expires_at <= ${now.toISOString()}
      and not exists (select 1 from ledger_transfers r where r.pending_id = t.id)
    order by t.expires_at limit ${limit}`)
  return [...rows].map((r) => r.id)
}

/**
 * Voids every expired hold (the money goes back to the donor's side); deterministic void ids make a
 * rerun harmless. Each void is audited, in the same transaction, as the ledger's own act: nobody
 * clicked anything, so the audit log is where an administrator reads why a pledge came back.
 * Returns how many it voided.
 */
export async function voidExpiredHolds(now = new Date()): Promise<number> {
  let voided = 0
  let races = 0
  for (;;) {
    const ids = await expiredHolds(defaultDb, now)
    if (!ids.length) return voided
    const progressed = await voidHoldsAudited(ids, now).catch((error: unknown) => {
      // Another voider (a duplicated or retried job) voided one of these holds at the same moment and
      // this batch rolled back: read the expired holds again (theirs are no longer among them).
      if (isLedgerError(error, 'id_conflict') && ++races <= 3) return -1
      throw error
    })
    if (progressed === -1) continue
    voided += progressed
    if (progressed === 0) return voided
  }
}

/** One round of voidExpiredHolds: the voids and their audit entries in one transaction. Returns how many it voided. */
async function voidHoldsAudited(ids: string[], now: Date) {
  return defaultDb.transaction(async (tx) => {
    // Every account of the round locked up front in one statement, lower id first (the order every
    // other transfer locks in). Voiding hold after hold in savepoints would otherwise gather the
    // locks in expiry order while keeping them all, and deadlock with a pledge locking in id order.
    const accounts = await tx
      .select({ debit: ledgerTransfers.debitAccountId, credit: ledgerTransfers.creditAccountId })
      .from(ledgerTransfers)
      .where(inArray(ledgerTransfers.id, ids))
    await lockAccounts(tx, accounts.flatMap((a) => [a.debit, a.credit]))
    const results = await createTransfers(
      ids.map((id) => ({ id: `void-expired-${id}`.slice(0, 128), code: 'refund' as const, voidPending: true, pendingId: id })),
      { linked: false, now, tx },
    )
    const created = results.filter((r): r is Extract<TransferResult, { ok: true }> => r.ok && r.created)
    for (const r of created)
      await recordAudit(tx, {
        actor: { system: 'ledger:void-expired-holds' },
        action: 'ledger.hold_expired',
        entityType: 'transfer',
        entityId: r.transfer.pendingId!,
        after: { voidId: r.transfer.id, amount: r.transfer.amount },
      })
    return created.length
  })
}

/** Open (unresolved) holds with their expiry. */
export function holdState(transfer: Transfer, resolution: Transfer | undefined): 'held' | 'released' | 'returned' {
  if (!resolution) return 'held'
  return resolution.voidPending ? 'returned' : 'released'
}

/**
 * Corrects a posted transfer by a new one in the opposite direction (code `correction`),
 * never by editing it. Holds are resolved with a void instead. The reversal's id is derived
 * from the original, so reversing twice is one reversal.
 */
export async function reverseTransfer(transferId: string, input: { actorId?: string | null; note: string; amount?: Decimal.Value }, options: Omit<CreateOptions, 'linked'> = {}) {
  const executor = options.tx ?? defaultDb
  const [original] = await executor.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, transferId))
  if (!original) throw new LedgerError('pending_not_found', { pendingId: transferId })
  if (original.pending || original.voidPending) throw new LedgerError('pending_fields_mismatch', { pendingId: transferId })
  return createTransfer(
    {
      id: `reversal-${transferId}`.slice(0, 128),
      code: 'correction',
      debitAccountId: original.creditAccountId,
      creditAccountId: original.debitAccountId,
      amount: input.amount ?? original.amount,
      ledger: original.ledger,
      listingId: original.listingId,
      lotId: original.lotId,
      milestoneId: original.milestoneId,
      claimId: original.claimId,
      actorId: input.actorId ?? null,
      note: input.note,
    },
    options,
  )
}
