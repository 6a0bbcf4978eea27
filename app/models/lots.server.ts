/**
 * In-kind donations: a lot (捐赠批次) moves donor → the organization's stock (one stock
 * account per lot) → households, each hand-over held in transit until the recipient
 * confirms (签收); lost/spoiled/expired quantity is written off with a reason.
 * Every figure is read from the ledger.
 */
import { randomInt, randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, asc, desc, eq, inArray, isNull, or, sql, type Column } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import { applications, distributions, donationDetails, householdMembers, households, ledgerAccounts, ledgerLots, ledgerTransfers, listings, organizations, writeOffs, type ItemCondition, type WriteOffReason } from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { FlowError, isOutlier, median, OUTLIER_FACTOR, retryTransient, type Actor } from './donations.server'
import { caseworkerPrefixes } from './household.server'
import { assetScale, createTransfers, ensureItemAsset, getOrCreateAccount, LedgerError, parseAmount } from './ledger.server'
import { chinaToday, hasEnded } from './listing-dates'

export type Lot = typeof ledgerLots.$inferSelect

function stockAccount(tx: Executor, lot: Lot) {
  return getOrCreateAccount(tx, { ledger: lot.ledger, code: 'stock', ownerType: 'organization', ownerId: lot.organizationId, scopeId: lot.id, debitsMustNotExceedCredits: true })
}
function donorItemAccount(tx: Executor, ledger: string, donorId: string) {
  return getOrCreateAccount(tx, { ledger, code: 'donor', ownerType: 'user', ownerId: donorId })
}
function householdItemAccount(tx: Executor, ledger: string, householdId: string) {
  return getOrCreateAccount(tx, { ledger, code: 'household', ownerType: 'household', ownerId: householdId })
}
function writeOffAccount(tx: Executor, ledger: string, organizationId: string) {
  // Only ever credited (a correction debits at most what a write-off put in): never below zero.
  return getOrCreateAccount(tx, { ledger, code: 'write_off', ownerType: 'organization', ownerId: organizationId, debitsMustNotExceedCredits: true })
}

/** Masks a name to surname + 某 (two-character compound surnames kept whole). */
const compoundSurnames = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '夏侯', '令狐']
export function maskName(name: string) {
  const trimmed = name.trim()
  if (!trimmed) return '某'
  const surname = compoundSurnames.find((s) => trimmed.startsWith(s)) ?? [...trimmed][0]!
  return `${surname}某`
}

/**
 * The ledger's reasons for a bad amount or an overdraft, said of an item quantity: 数量 and the
 * unit, never 金额 (a lot of quilts is not a sum of money). Other refusals are returned as they are.
 */
export function quantityError(error: LedgerError, unit: string): FlowError | LedgerError {
  const p = error.params
  switch (error.code) {
    case 'amount_invalid':
      return new FlowError('quantity_invalid', { value: String(p.value ?? ''), unit })
    case 'amount_not_positive':
      return new FlowError('quantity_not_positive', { unit })
    case 'amount_too_precise':
      return Number(p.scale) === 0 ? new FlowError('quantity_not_whole', { unit }) : new FlowError('quantity_too_precise', { scale: Number(p.scale), unit })
    case 'amount_too_large':
      return new FlowError('quantity_too_large', { unit })
    case 'exceeds_credits':
      return p.available === undefined || p.amount === undefined ? new FlowError('quantity_exceeds_stock_unknown', { unit }) : new FlowError('quantity_exceeds_stock', { available: String(p.available), quantity: String(p.amount), unit })
    default:
      return error
  }
}

/** A quantity typed by a person, read at the item's scale; refused with item words (see quantityError). */
export function parseQuantity(value: string | null | undefined, scale: number, unit: string): Decimal {
  if (!(value ?? '').trim()) throw new FlowError('quantity_required', { unit })
  try {
    return parseAmount(value!, scale)
  } catch (error) {
    throw error instanceof LedgerError ? quantityError(error, unit) : error
  }
}

/** Why a lot's expiry date cannot be recorded (null when it can): not a real date, or already past in China. */
export function expiryError(expiresOn: string | null | undefined, now = new Date()): FlowError | null {
  if (!expiresOn) return null
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresOn)
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null
  if (!m || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== expiresOn) return new FlowError('expiry_invalid')
  const today = chinaToday(now)
  if (expiresOn < today) return new FlowError('expiry_past', { date: expiresOn, today })
  return null
}

export type RegisterLotInput = {
  key: string
  organizationId: string
  listingId?: string | null
  itemKind: string
  itemUnit: string
  quantity: string
  condition: ItemCondition
  expiresOn?: string | null
}

/**
 * A lot far larger than expected (10× what the listing asks for, or without a requested quantity
 * 10× the median of earlier lots of the item): the donor is asked to confirm, as for money.
 */
export type LotOutlier = { status: 'needs_confirmation'; quantity: string; reference: string; basis: 'requested' | 'median'; unit: string; kind: string }
export type PledgeLotResult = { status: 'recorded'; lot: Lot } | LotOutlier

/** A donor registers a lot; it enters the organization's stock for that lot in one step. */
export async function registerLot(donor: Actor, input: RegisterLotInput) {
  if (donor.role !== 'donor') throw new FlowError('not_donor')
  const result = await retryTransient(() => registerLotOnce(donor, input, { checkOutlier: false }))
  return (result as { status: 'recorded'; lot: Lot }).lot
}

/**
 * The donor's form (捐赠物资): like registerLot, but an outlying quantity is first questioned
 * (needs_confirmation, nothing written) unless the donor has confirmed it.
 */
export async function pledgeLot(donor: Actor, input: RegisterLotInput & { confirmOutlier?: boolean }): Promise<PledgeLotResult> {
  if (donor.role !== 'donor') throw new FlowError('not_donor')
  return retryTransient(() => registerLotOnce(donor, input, { checkOutlier: !input.confirmOutlier }))
}

async function registerLotOnce(donor: Actor, input: RegisterLotInput, options: { checkOutlier: boolean }): Promise<PledgeLotResult> {
  // A blank quantity or an impossible/past expiry is refused before anything is read or written.
  if (!(input.quantity ?? '').trim()) throw new FlowError('quantity_required', { unit: input.itemUnit })
  const expiry = expiryError(input.expiresOn)
  if (expiry) throw expiry
  return defaultDb.transaction(async (tx) => {
    let requested: string | null = null
    if (input.listingId) {
      const [l] = await tx
        .select({ organizationId: listings.organizationId, status: listings.status, endsOn: listings.endsOn, itemKind: donationDetails.itemKind, itemUnit: donationDetails.itemUnit, quantity: donationDetails.quantity })
        .from(listings)
        .innerJoin(donationDetails, eq(donationDetails.listingId, listings.id))
        .where(eq(listings.id, input.listingId))
        // FOR SHARE until the lot is registered: a close of the listing waits for it, and a lot
        // registered after the close reads the listing closed.
        .for('share', { of: listings })
      if (!l || l.organizationId !== input.organizationId || l.itemKind === null) throw new FlowError('listing_not_in_kind')
      // Past its end date a listing takes no new donations (as money pledges).
      if (l.status !== 'published' || hasEnded(l.endsOn)) throw new FlowError('listing_not_open')
      requested = l.quantity
    }
    const ledger = await ensureItemAsset(tx, input.itemKind, input.itemUnit)
    const quantity = parseQuantity(input.quantity, await assetScale(tx, ledger), input.itemUnit.trim())
    const lotId = uuidFromKey(input.key)
    const [existing] = await tx.select().from(ledgerLots).where(eq(ledgerLots.id, lotId))
    if (existing) return { status: 'recorded' as const, lot: existing }
    if (options.checkOutlier) {
      const outlier = await lotOutlier(tx, { ledger, quantity, requested, unit: input.itemUnit.trim(), kind: input.itemKind.trim() })
      if (outlier) return outlier
    }
    const [lot] = await tx
      .insert(ledgerLots)
      .values({
        id: lotId,
        ledger,
        donorId: donor.id,
        organizationId: input.organizationId,
        listingId: input.listingId ?? null,
        itemKind: input.itemKind.trim(),
        itemUnit: input.itemUnit.trim(),
        quantity: quantity.toFixed(),
        condition: input.condition,
        expiresOn: input.expiresOn ?? null,
      })
      .returning()
    const [from, stock] = await Promise.all([donorItemAccount(tx, ledger, donor.id), stockAccount(tx, lot!)])
    await createTransfers(
      [{ id: `lot-${lot!.id}`, code: 'lot_receipt', debitAccountId: from.id, creditAccountId: stock.id, amount: quantity, lotId: lot!.id, listingId: lot!.listingId, actorId: donor.id }],
      { tx },
    )
    await recordAudit(tx, { actor: { id: donor.id }, action: 'ledger.lot_register', entityType: 'lot', entityId: lot!.id, after: { ledger, quantity: quantity.toFixed() } })
    return { status: 'recorded' as const, lot: lot! }
  })
}

/** The question to ask about a lot's quantity, if it is 10× the listing's request (or the item's median lot). */
async function lotOutlier(tx: Executor, input: { ledger: string; quantity: Decimal; requested: string | null; unit: string; kind: string }): Promise<LotOutlier | null> {
  const ask = (reference: Decimal, basis: LotOutlier['basis']): LotOutlier => ({ status: 'needs_confirmation', quantity: input.quantity.toFixed(), reference: reference.toFixed(), basis, unit: input.unit, kind: input.kind })
  if (input.requested !== null && new Decimal(input.requested).gt(0)) {
    const requested = new Decimal(input.requested)
    return input.quantity.gt(requested.times(OUTLIER_FACTOR)) ? ask(requested, 'requested') : null
  }
  const earlier = await tx.select({ quantity: ledgerLots.quantity }).from(ledgerLots).where(eq(ledgerLots.ledger, input.ledger)).orderBy(desc(ledgerLots.createdAt)).limit(200)
  const m = median(earlier.map((l) => new Decimal(l.quantity)))
  return m !== null && input.quantity.gt(m.times(OUTLIER_FACTOR)) ? ask(m, 'median') : null
}

/** The unit a lot is counted in (for messages about its quantities); null when there is no such lot. */
export async function lotUnit(lotId: string, executor: Executor = defaultDb) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(lotId)) return null
  const [row] = await executor.select({ unit: ledgerLots.itemUnit }).from(ledgerLots).where(eq(ledgerLots.id, lotId))
  return row?.unit ?? null
}

/** Deterministic uuid from a caller key (form idempotency), so a double submit is one lot. */
function uuidFromKey(key: string) {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key)) return key.toLowerCase()
  throw new FlowError('bad_key')
}

async function requireLotOfOrg(tx: Executor, actor: Actor, lotId: string) {
  const [lot] = await tx.select().from(ledgerLots).where(eq(ledgerLots.id, lotId))
  if (!lot) throw new FlowError('lot_not_found')
  if (actor.role !== 'org_member' || actor.organizationId !== lot.organizationId) throw new FlowError('not_owner')
  return lot
}

export type Allocation = { householdId: string; quantity: string }

/** Application statuses that make a household a recipient of a listing (accepted into it). */
const receivingStatuses = ['accepted', 'completed'] as const

export type EligibleRecipient = { householdId: string; masked: string; regionCode: string; hasResidentAccount: boolean }

/**
 * Households that may receive from a lot: those accepted for the lot's donation listing
 * (applied and accepted, or invited and accepted), with consent. MASKED: surname + 某 and
 * the village code only — the organization never sees names, phones or ID numbers here.
 */
async function eligibleRows(tx: Executor, lot: Lot, householdIds?: string[]) {
  if (!lot.listingId) return []
  const rows = await tx
    .select({ householdId: households.id, regionCode: households.regionCode, residentUserId: households.residentUserId, headName: householdMembers.fullName })
    .from(applications)
    .innerJoin(households, eq(households.id, applications.householdId))
    .leftJoin(householdMembers, and(eq(householdMembers.householdId, households.id), eq(householdMembers.isHead, true)))
    .where(
      and(
        eq(applications.listingId, lot.listingId),
        inArray(applications.status, [...receivingStatuses]),
        eq(households.consentGiven, true),
        householdIds ? inArray(households.id, householdIds.length ? householdIds : ['00000000-0000-0000-0000-000000000000']) : undefined,
      ),
    )
    .orderBy(asc(households.regionCode), asc(households.id))
  return rows
}

export async function eligibleRecipients(actor: Actor, lotId: string, executor: Executor = defaultDb): Promise<EligibleRecipient[]> {
  const lot = await requireLotOfOrg(executor, actor, lotId)
  const rows = await eligibleRows(executor, lot)
  return rows.map((r) => ({ householdId: r.householdId, masked: maskName(r.headName ?? ''), regionCode: r.regionCode, hasResidentAccount: Boolean(r.residentUserId) }))
}

/**
 * Splits part of a lot across households (发放): one linked batch of holds stock → household
 * (in transit). Each gets a confirmation code for the caseworker path.
 */
export async function distributeLot(actor: Actor, lotId: string, allocations: Allocation[], options: { key: string; confirmOutlier?: boolean }) {
  if (!allocations.length) throw new FlowError('no_allocations')
  return defaultDb.transaction(async (tx) => {
    const lot = await requireLotOfOrg(tx, actor, lotId)
    const scale = await assetScale(tx, lot.ledger)
    const stock = await stockAccount(tx, lot)
    if (!options.confirmOutlier) {
      const past = await tx.select({ amount: ledgerTransfers.amount }).from(ledgerTransfers).where(and(eq(ledgerTransfers.debitAccountId, stock.id), eq(ledgerTransfers.pending, true)))
      for (const a of allocations) {
        const m = isOutlier(parseAmount(a.quantity, scale), past.map((p) => new Decimal(p.amount)))
        if (m) return { status: 'needs_confirmation' as const, median: m.toFixed(), quantity: a.quantity, unit: lot.itemUnit, kind: lot.itemKind }
      }
    }
    const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
    if (allocations.some((a) => !uuidRe.test(a.householdId))) throw new FlowError('household_not_eligible')
    if (new Set(allocations.map((a) => a.householdId)).size !== allocations.length) throw new FlowError('duplicate_household')
    const eligible = new Map((await eligibleRows(tx, lot, allocations.map((a) => a.householdId))).map((r) => [r.householdId, r]))
    if (allocations.some((a) => !eligible.has(a.householdId))) throw new FlowError('household_not_eligible')
    const rows = []
    const batch = []
    for (const [i, a] of allocations.entries()) {
      const recipient = eligible.get(a.householdId)!
      const household = await householdItemAccount(tx, lot.ledger, a.householdId)
      const transferId = `dist-${options.key}-${i}`
      batch.push({ id: transferId, code: 'distribution' as const, pending: true, debitAccountId: stock.id, creditAccountId: household.id, amount: a.quantity, lotId: lot.id, listingId: lot.listingId, actorId: actor.id })
      rows.push({
        lotId: lot.id,
        householdId: a.householdId,
        recipientUserId: recipient.residentUserId,
        recipientMasked: maskName(recipient.headName ?? ''),
        recipientRegionCode: recipient.regionCode,
        confirmationCode: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        pendingTransferId: transferId,
      })
    }
    const results = await createTransfers(batch, { tx })
    const created = rows.filter((_, i) => results[i]!.ok && results[i]!.ok && (results[i] as { created: boolean }).created)
    const inserted = created.length ? await tx.insert(distributions).values(created).onConflictDoNothing().returning() : []
    await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.distribute', entityType: 'lot', entityId: lot.id, after: { households: allocations.length } })
    return { status: 'recorded' as const, distributions: inserted }
  })
}

/** The recipient confirms (签收): the resident in the app, or the caseworker with the code. */
export async function confirmDistribution(actor: Actor, distributionId: string, code?: string) {
  return defaultDb.transaction(async (tx) => {
    const [d] = await tx.select().from(distributions).where(eq(distributions.id, distributionId)).for('update')
    if (!d) throw new FlowError('distribution_not_found')
    if (actor.role === 'resident') {
      if (d.recipientUserId !== actor.id) throw new FlowError('not_recipient')
    } else if (actor.role === 'caseworker') {
      // Only the caseworkers of the recipient's region may confirm on their behalf; others
      // learn nothing about the hand-over.
      const prefixes = await caseworkerPrefixes(tx, actor.id)
      if (!prefixes.some((p) => d.recipientRegionCode.startsWith(p))) throw new FlowError('distribution_not_found')
      if (!code || code.trim() !== d.confirmationCode) throw new FlowError('wrong_code')
    } else throw new FlowError('not_recipient')
    if (d.confirmedAt) return d
    const [result] = await createTransfers([{ id: `confirm-${d.pendingTransferId}`, code: 'distribution', postPending: true, pendingId: d.pendingTransferId, lotId: d.lotId, actorId: actor.id }], { tx })
    if (!result!.ok) throw result!.error
    const [updated] = await tx.update(distributions).set({ confirmedAt: new Date(), confirmedById: actor.id }).where(eq(distributions.id, d.id)).returning()
    await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.confirm_distribution', entityType: 'distribution', entityId: d.id })
    return updated!
  })
}

/** The organization calls back an unconfirmed hand-over; the quantity returns to stock. */
export async function cancelDistribution(actor: Actor, distributionId: string) {
  return defaultDb.transaction(async (tx) => {
    const [d] = await tx.select().from(distributions).where(eq(distributions.id, distributionId)).for('update')
    if (!d) throw new FlowError('distribution_not_found')
    await requireLotOfOrg(tx, actor, d.lotId)
    if (d.confirmedAt) throw new FlowError('already_confirmed')
    await createTransfers([{ id: `recall-${d.pendingTransferId}`, code: 'distribution', voidPending: true, pendingId: d.pendingTransferId, lotId: d.lotId, actorId: actor.id }], { tx })
    return d
  })
}

/** Written off (核销/报损) with a reason: stock → write-off, never silently dropped. */
export async function writeOffLot(actor: Actor, lotId: string, input: { key: string; quantity: string; reason: WriteOffReason; note?: string }) {
  return defaultDb.transaction(async (tx) => {
    const lot = await requireLotOfOrg(tx, actor, lotId)
    const [stock, target] = await Promise.all([stockAccount(tx, lot), writeOffAccount(tx, lot.ledger, lot.organizationId)])
    const id = `writeoff-${input.key}`
    const [result] = await createTransfers([{ id, code: 'write_off', debitAccountId: stock.id, creditAccountId: target.id, amount: input.quantity, lotId: lot.id, listingId: lot.listingId, actorId: actor.id, note: input.reason }], { tx })
    if (!result!.ok) throw result!.error
    await tx.insert(writeOffs).values({ transferId: id, lotId: lot.id, reason: input.reason, note: input.note ?? '', recordedById: actor.id }).onConflictDoNothing()
    // A replay of the same form finds the write-off already recorded: audited once, when it happened.
    if (result!.created) await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.write_off', entityType: 'lot', entityId: lot.id, after: { quantity: input.quantity, reason: input.reason } })
    return result!.transfer
  })
}

export type LotPosition = { lotId: string; quantity: string; inStock: string; inTransit: string; delivered: string; writtenOff: string }

/** Where every unit of the lots is now, from their stock accounts and transfers. */
export async function lotPositions(lotIds: string[], executor: Executor = defaultDb): Promise<Map<string, LotPosition>> {
  if (!lotIds.length) return new Map()
  const rows = await executor.execute<{ id: string; quantity: string; in_stock: string; in_transit: string; delivered: string; written_off: string }>(sql`
    select l.id, l.quantity::text,
      (coalesce(s.credits_posted, 0) - coalesce(s.debits_posted, 0) - coalesce(s.debits_pending, 0))::text in_stock,
      coalesce(s.debits_pending, 0)::text in_transit,
      (select coalesce(sum(t.amount), 0) from ledger_transfers t join ledger_accounts h on h.id = t.credit_account_id
        where t.lot_id = l.id and t.debit_account_id = s.id and h.code = 'household' and not t.pending and not t.void_pending)::text delivered,
      (select coalesce(sum(t.amount), 0) from ledger_transfers t join ledger_accounts w on w.id = t.credit_account_id
        where t.lot_id = l.id and t.debit_account_id = s.id and w.code = 'write_off')::text written_off
    from ledger_lots l
    left join ledger_accounts s on s.code = 'stock' and s.scope_id = l.id
    where l.id in (${sql.join(lotIds.map((id) => sql`${id}::uuid`), sql`, `)})`)
  return new Map(
    [...rows].map((r) => [
      r.id,
      { lotId: r.id, quantity: new Decimal(r.quantity).toFixed(), inStock: new Decimal(r.in_stock).toFixed(), inTransit: new Decimal(r.in_transit).toFixed(), delivered: new Decimal(r.delivered).toFixed(), writtenOff: new Decimal(r.written_off).toFixed() },
    ]),
  )
}

/** Per item kind for a listing: pledged (lots), in stock, in transit, delivered, written off. */
export async function listingItemTotals(listingId: string, executor: Executor = defaultDb) {
  const lots = await executor.select().from(ledgerLots).where(eq(ledgerLots.listingId, listingId)).orderBy(asc(ledgerLots.createdAt))
  const positions = await lotPositions(lots.map((l) => l.id), executor)
  const byKind = new Map<string, { itemKind: string; itemUnit: string; pledged: Decimal; inStock: Decimal; inTransit: Decimal; delivered: Decimal; writtenOff: Decimal }>()
  for (const lot of lots) {
    const p = positions.get(lot.id)!
    const k = byKind.get(lot.ledger) ?? { itemKind: lot.itemKind, itemUnit: lot.itemUnit, pledged: new Decimal(0), inStock: new Decimal(0), inTransit: new Decimal(0), delivered: new Decimal(0), writtenOff: new Decimal(0) }
    k.pledged = k.pledged.plus(lot.quantity)
    k.inStock = k.inStock.plus(p.inStock)
    k.inTransit = k.inTransit.plus(p.inTransit)
    k.delivered = k.delivered.plus(p.delivered)
    k.writtenOff = k.writtenOff.plus(p.writtenOff)
    byKind.set(lot.ledger, k)
  }
  return [...byKind.values()].map((k) => ({ ...k, pledged: k.pledged.toFixed(), inStock: k.inStock.toFixed(), inTransit: k.inTransit.toFixed(), delivered: k.delivered.toFixed(), writtenOff: k.writtenOff.toFixed() }))
}

export async function distributionsOfLots(lotIds: string[], executor: Executor = defaultDb) {
  if (!lotIds.length) return []
  return executor
    .select({
      d: distributions,
      amount: ledgerTransfers.amount,
      recalled: sql<boolean>`exists (select 1 from ledger_transfers r where r.pending_id = ${distributions.pendingTransferId} and r.void_pending)`,
    })
    .from(distributions)
    .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, distributions.pendingTransferId))
    .where(inArray(distributions.lotId, lotIds))
    .orderBy(asc(distributions.createdAt))
}

/** A resident's hand-overs waiting for their confirmation. */
export async function pendingReceiptsFor(userId: string, executor: Executor = defaultDb) {
  return executor
    .select({
      id: distributions.id,
      lotId: distributions.lotId,
      amount: ledgerTransfers.amount,
      itemKind: ledgerLots.itemKind,
      itemUnit: ledgerLots.itemUnit,
      organizationName: organizations.name,
      confirmedAt: distributions.confirmedAt,
      createdAt: distributions.createdAt,
    })
    .from(distributions)
    .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, distributions.pendingTransferId))
    .innerJoin(ledgerLots, eq(ledgerLots.id, distributions.lotId))
    .innerJoin(organizations, eq(organizations.id, ledgerLots.organizationId))
    .where(and(eq(distributions.recipientUserId, userId), sql`not exists (select 1 from ledger_transfers r where r.pending_id = ${distributions.pendingTransferId} and r.void_pending)`))
    .orderBy(asc(distributions.createdAt))
}

export async function lotsOfOrganization(organizationId: string, executor: Executor = defaultDb) {
  return executor.select().from(ledgerLots).where(eq(ledgerLots.organizationId, organizationId)).orderBy(asc(ledgerLots.createdAt))
}

export function newKey() {
  return randomUUID()
}


/** Whether a delivery region and a caseworker's region overlap (one contains the other). */
function overlaps(deliveryRegionCode: string, prefixes: string[]) {
  return prefixes.some((p) => deliveryRegionCode.startsWith(p) || p.startsWith(deliveryRegionCode))
}

/** `column` starts with `prefix` (a LIKE the region-prefix index can serve; wildcards escaped). */
function startsWith(column: Column, prefix: string) {
  return sql`${column} like ${prefix.replace(/[\\%_]/g, '\\$&') + '%'}`
}

type CaseworkerRecipient = { id: string; regionCode: string; residentUserId: string | null; headName: string | null; consentGiven: boolean }

/**
 * The households a caseworker reaches with a lot delivered to `delivery`: in one of the
 * caseworker's regions and inside the delivery region. One query serves both the page's choices
 * (lotsForCaseworker) and the hand-over's check (caseworkerHandOver), so the two cannot disagree.
 */
async function caseworkerReach(executor: Executor, prefixes: string[], delivery: string, householdId?: string): Promise<CaseworkerRecipient[]> {
  if (!prefixes.length || !delivery) return []
  const rows = await executor
    .select({ id: households.id, regionCode: households.regionCode, residentUserId: households.residentUserId, headName: householdMembers.fullName, consentGiven: households.consentGiven })
    .from(households)
    .leftJoin(householdMembers, and(eq(householdMembers.householdId, households.id), eq(householdMembers.isHead, true)))
    .where(and(or(...prefixes.map((p) => startsWith(households.regionCode, p))), startsWith(households.regionCode, delivery), householdId ? eq(households.id, householdId) : undefined))
    .orderBy(asc(households.regionCode), asc(householdMembers.fullName), asc(households.id))
  const seen = new Set<string>()
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id))
}

/** Why a household the caseworker reaches (or not: undefined) may not receive; null when it may. */
function recipientRefusal(household: CaseworkerRecipient | undefined): FlowError | null {
  if (!household) return new FlowError('household_not_in_region')
  // The same consent the organization's path (distributeLot) requires: without it nothing is handed over.
  if (!household.consentGiven) return new FlowError('household_no_consent')
  return null
}

/**
 * The caseworker path (社工代发): a caseworker hands part of a lot to a household in their own
 * region, when the lot's donation listing delivers to that region. The hand-over is in transit
 * until the resident confirms in the app or the caseworker records the slip's code; the
 * organization and the donor see the recipient masked like any other.
 */
export async function caseworkerHandOver(actor: Actor, lotId: string, input: { householdId: string; quantity: string; key: string }) {
  if (actor.role !== 'caseworker') throw new FlowError('not_caseworker')
  return defaultDb.transaction(async (tx) => {
    const [row] = await tx
      .select({ lot: ledgerLots, deliveryRegionCode: donationDetails.deliveryRegionCode })
      .from(ledgerLots)
      .innerJoin(donationDetails, eq(donationDetails.listingId, ledgerLots.listingId))
      .where(eq(ledgerLots.id, lotId))
    if (!row) throw new FlowError('lot_not_found')
    const prefixes = await caseworkerPrefixes(tx, actor.id)
    const delivery = row.deliveryRegionCode
    if (!delivery || !overlaps(delivery, prefixes)) throw new FlowError('lot_not_in_region')
    const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
    if (!uuidRe.test(input.householdId)) throw new FlowError('household_not_in_region')
    const [household] = await caseworkerReach(tx, prefixes, delivery, input.householdId)
    const refused = recipientRefusal(household)
    if (refused) throw refused
    const lot = row.lot
    const stock = await stockAccount(tx, lot)
    const target = await householdItemAccount(tx, lot.ledger, household!.id)
    const transferId = `cwdist-${uuidFromKey(input.key)}`
    const [result] = await createTransfers(
      [{ id: transferId, code: 'distribution', pending: true, debitAccountId: stock.id, creditAccountId: target.id, amount: input.quantity, lotId: lot.id, listingId: lot.listingId, actorId: actor.id }],
      { tx },
    )
    if (!result!.ok) throw result!.error
    const [inserted] = await tx
      .insert(distributions)
      .values({
        lotId: lot.id,
        householdId: household!.id,
        recipientUserId: household!.residentUserId,
        recipientMasked: maskName(household!.headName ?? ''),
        recipientRegionCode: household!.regionCode,
        confirmationCode: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        pendingTransferId: transferId,
      })
      .onConflictDoNothing()
      .returning()
    const d = inserted ?? (await tx.select().from(distributions).where(eq(distributions.pendingTransferId, transferId)))[0]!
    if (inserted) await recordAudit(tx, { actor: { id: actor.id }, action: 'ledger.caseworker_hand_over', entityType: 'lot', entityId: lot.id, after: { distributionId: d.id } })
    return d
  })
}

export type CaseworkerLot = { id: string; title: string; itemKind: string; itemUnit: string; inStock: string; households: { id: string; headName: string; regionCode: string }[] }

/**
 * Lots with stock whose donation listing delivers into the caseworker's regions, each with the
 * households the hand-over would accept (caseworkerReach less those it refuses, e.g. no consent).
 */
export async function lotsForCaseworker(actor: Actor, executor: Executor = defaultDb): Promise<CaseworkerLot[]> {
  const prefixes = await caseworkerPrefixes(executor, actor.id)
  if (!prefixes.length) return []
  const rows = await executor
    .select({ lot: ledgerLots, deliveryRegionCode: donationDetails.deliveryRegionCode, title: listings.title })
    .from(ledgerLots)
    .innerJoin(donationDetails, eq(donationDetails.listingId, ledgerLots.listingId))
    .innerJoin(listings, eq(listings.id, ledgerLots.listingId))
    .orderBy(asc(ledgerLots.createdAt))
  const mine = rows.filter((r) => r.deliveryRegionCode && overlaps(r.deliveryRegionCode, prefixes))
  const positions = await lotPositions(mine.map((r) => r.lot.id), executor)
  const stocked = mine.filter((r) => new Decimal(positions.get(r.lot.id)!.inStock).gt(0))
  // One reach query per delivery region (lots of one listing share it).
  const deliveries = [...new Set(stocked.map((r) => r.deliveryRegionCode!))]
  const reach = new Map(await Promise.all(deliveries.map(async (d) => [d, (await caseworkerReach(executor, prefixes, d)).filter((h) => !recipientRefusal(h))] as const)))
  return stocked.map((r) => ({
    id: r.lot.id,
    title: r.title,
    itemKind: r.lot.itemKind,
    itemUnit: r.lot.itemUnit,
    inStock: positions.get(r.lot.id)!.inStock,
    households: reach.get(r.deliveryRegionCode!)!.map((h) => ({ id: h.id, headName: h.headName ?? '', regionCode: h.regionCode })),
  }))
}

/**
 * Hand-overs a caseworker may confirm with the recipient's code (those confirmDistribution lets
 * them confirm: the recipient lives in one of their regions) still in transit — neither
 * confirmed nor called back — oldest first. The recipient is masked as everywhere else.
 */
export async function pendingHandOversForCaseworker(actor: Actor, executor: Executor = defaultDb) {
  const prefixes = await caseworkerPrefixes(executor, actor.id)
  if (!prefixes.length) return []
  return executor
    .select({
      id: distributions.id,
      lotId: distributions.lotId,
      amount: ledgerTransfers.amount,
      itemKind: ledgerLots.itemKind,
      itemUnit: ledgerLots.itemUnit,
      title: listings.title,
      masked: distributions.recipientMasked,
      regionCode: distributions.recipientRegionCode,
      inApp: sql<boolean>`${distributions.recipientUserId} is not null`,
      createdAt: distributions.createdAt,
    })
    .from(distributions)
    .innerJoin(ledgerTransfers, eq(ledgerTransfers.id, distributions.pendingTransferId))
    .innerJoin(ledgerLots, eq(ledgerLots.id, distributions.lotId))
    .leftJoin(listings, eq(listings.id, ledgerLots.listingId))
    .where(
      and(
        isNull(distributions.confirmedAt),
        or(...prefixes.map((p) => startsWith(distributions.recipientRegionCode, p))),
        sql`not exists (select 1 from ledger_transfers r where r.pending_id = ${distributions.pendingTransferId})`,
        // A hold past its timeout can no longer be confirmed (the expiry job voids it).
        sql`(${ledgerTransfers.expiresAt} is null or ${ledgerTransfers.expiresAt} > now())`,
      ),
    )
    .orderBy(asc(distributions.createdAt), asc(distributions.id))
}
