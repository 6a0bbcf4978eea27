import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, ledgerAccounts, ledgerTransfers } from '@db/schema'
import { createTransfer, createTransfers, getAccount, isLedgerError, LedgerError, reverseTransfer, voidExpiredHolds } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeItemAccount, makeMoneyAccount } from '../factories/ledger'
import { expectDatabaseRefusal } from '../setup/db-errors'

async function refusal(promise: Promise<unknown>): Promise<LedgerError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error, 'the ledger should have refused').toBeInstanceOf(LedgerError)
  return error as LedgerError
}

async function fundedPair(amount = '1000.00') {
  const source = await makeMoneyAccount({ code: 'donor', ownerType: 'user' })
  const donor = await makeMoneyAccount({ code: 'donor', ownerType: 'user', guarded: true })
  const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
  await createTransfer({ id: `fund-${randomUUID()}`, code: 'correction', debitAccountId: source.id, creditAccountId: donor.id, amount })
  return { donor, escrow }
}

describe('ledger transfers', () => {
  it('rejects bad amounts and mixed assets with a specific error', async () => {
    const { donor, escrow } = await fundedPair()
    const quilts = await makeItemAccount()
    const base = { code: 'pledge' as const, debitAccountId: donor.id, creditAccountId: escrow.id }
    expect((await refusal(createTransfer({ ...base, id: randomUUID(), amount: '10.001' }))).code).toBe('amount_too_precise')
    expect((await refusal(createTransfer({ ...base, id: randomUUID(), amount: '0' }))).code).toBe('amount_not_positive')
    expect((await refusal(createTransfer({ ...base, id: randomUUID(), amount: '-5' }))).code).toBe('amount_not_positive')
    expect((await refusal(createTransfer({ ...base, id: randomUUID(), amount: 'abc' }))).code).toBe('amount_invalid')
    expect((await refusal(createTransfer({ ...base, id: randomUUID(), amount: '1', creditAccountId: quilts.id }))).code).toBe('ledger_mismatch')
    // Items are whole units.
    const stock = await makeItemAccount('棉被', '条', { guarded: false })
    const other = await makeItemAccount('棉被', '条')
    expect((await refusal(createTransfer({ id: randomUUID(), code: 'distribution', debitAccountId: stock.id, creditAccountId: other.id, amount: '1.5' }))).code).toBe('amount_too_precise')
    expect((await db.select().from(ledgerTransfers).where(eq(ledgerTransfers.code, 'pledge')))).toHaveLength(0)
  })

  it('never overdraws a guarded account, and the failed id stays failed', async () => {
    const { donor, escrow } = await fundedPair('100.00')
    const id = randomUUID()
    const error = await refusal(createTransfer({ id, code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '100.01' }))
    expect(error.code).toBe('exceeds_credits')
    // Even after the donor is topped up, the same id does not succeed by accident.
    const source = await makeMoneyAccount({ code: 'donor', ownerType: 'user' })
    await createTransfer({ id: randomUUID(), code: 'correction', debitAccountId: source.id, creditAccountId: donor.id, amount: '500' })
    expect((await refusal(createTransfer({ id, code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '100.01' }))).code).toBe('previously_failed')
    // The database refuses an overdraft written behind the ledger's back.
    await expectDatabaseRefusal(db.update(ledgerAccounts).set({ debitsPosted: '100000' }).where(eq(ledgerAccounts.id, donor.id)), /debits_must_not_exceed_credits/)
  })

  it('is idempotent: same id and fields → one transfer; different fields → conflict', async () => {
    const { donor, escrow } = await fundedPair()
    const input = { id: randomUUID(), code: 'pledge' as const, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '25.50', pending: true }
    const first = await createTransfer(input)
    const again = await createTransfer({ ...input, amount: new Decimal('25.5') })
    expect(again).toEqual(first)
    expect((await refusal(createTransfer({ ...input, amount: '26' }))).code).toBe('id_conflict')
    const concurrent = await Promise.allSettled(Array.from({ length: 8 }, () => createTransfer({ ...input })))
    expect(concurrent.every((r) => r.status === 'fulfilled')).toBe(true)
    const d = (await getAccount(db, donor.id))!
    expect(d.debitsPending).toBe('25.500')
    const fresh = { ...input, id: randomUUID() }
    await Promise.all(Array.from({ length: 8 }, () => createTransfer(fresh)))
    expect((await getAccount(db, donor.id))!.debitsPending).toBe('51.000')
  })

  it('posts part of a hold (the rest returns), voids a hold, and resolves a hold only once', async () => {
    const { donor, escrow } = await fundedPair('1000')
    const hold = await createTransfer({ id: randomUUID(), code: 'pledge', pending: true, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '300' })
    expect((await getAccount(db, donor.id))!.debitsPending).toBe('300.000')
    expect((await refusal(createTransfer({ id: randomUUID(), code: 'release', postPending: true, pendingId: hold.id, amount: '300.01' }))).code).toBe('post_exceeds_pending')
    await createTransfer({ id: randomUUID(), code: 'release', postPending: true, pendingId: hold.id, amount: '120' })
    let d = (await getAccount(db, donor.id))!
    expect([d.debitsPending, d.debitsPosted]).toEqual(['0.000', '120.000'])
    expect((await refusal(createTransfer({ id: randomUUID(), code: 'refund', voidPending: true, pendingId: hold.id }))).code).toBe('pending_already_resolved')
    const hold2 = await createTransfer({ id: randomUUID(), code: 'pledge', pending: true, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '50' })
    await createTransfer({ id: randomUUID(), code: 'refund', voidPending: true, pendingId: hold2.id })
    d = (await getAccount(db, donor.id))!
    expect([d.debitsPending, d.debitsPosted]).toEqual(['0.000', '120.000'])
    // The database itself refuses a second resolution row.
    await expectDatabaseRefusal(
      db.insert(ledgerTransfers).values({ id: randomUUID(), debitAccountId: donor.id, creditAccountId: escrow.id, amount: '1', ledger: 'CNY', code: 'release', postPending: true, pendingId: hold2.id }),
      /one_resolution|duplicate key/,
    )
    expect(await checkLedger()).toEqual([])
  })

  it('refuses to post an expired hold; the expiry job voids it once and the money returns', async () => {
    const { donor, escrow } = await fundedPair('100')
    const past = new Date(Date.now() - 3600_000)
    const hold = await createTransfer({ id: randomUUID(), code: 'pledge', pending: true, timeoutSeconds: 60, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '40' }, { now: past })
    expect((await refusal(createTransfer({ id: randomUUID(), code: 'release', postPending: true, pendingId: hold.id }))).code).toBe('pending_expired')
    expect(await voidExpiredHolds()).toBe(1)
    expect(await voidExpiredHolds()).toBe(0)
    const d = (await getAccount(db, donor.id))!
    expect([d.debitsPending, d.debitsPosted]).toEqual(['0.000', '0.000'])
    // Audited once, as the ledger's own act, naming the hold, its void and the amount returned.
    const audited = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'ledger.hold_expired'), eq(auditEntries.entityId, hold.id)))
    expect(audited).toHaveLength(1)
    expect(audited[0]).toMatchObject({ actorId: null, actorLabel: 'ledger:void-expired-holds', entityType: 'transfer', after: { voidId: `void-expired-${hold.id}`, amount: '40.000' } })
    expect(await checkLedger()).toEqual([])
  })

  it('two expiry jobs at once void each expired hold once, each audited once', async () => {
    const { donor, escrow } = await fundedPair('100')
    const past = new Date(Date.now() - 3600_000)
    const holds = []
    for (let i = 0; i < 6; i++) holds.push(await createTransfer({ id: randomUUID(), code: 'pledge', pending: true, timeoutSeconds: 60, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '5' }, { now: past }))
    const [a, b] = await Promise.all([voidExpiredHolds(), voidExpiredHolds()])
    expect(a + b).toBe(6)
    const audited = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'ledger.hold_expired'), inArray(auditEntries.entityId, holds.map((h) => h.id))))
    expect(audited).toHaveLength(6)
    const d = (await getAccount(db, donor.id))!
    expect([d.debitsPending, d.debitsPosted]).toEqual(['0.000', '0.000'])
    expect(await checkLedger()).toEqual([])
  })

  it('linked batches succeed or fail together; unlinked batches report each transfer', async () => {
    const { donor, escrow } = await fundedPair('100')
    const a = { id: randomUUID(), code: 'pledge' as const, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '60' }
    const b = { ...a, id: randomUUID() }
    await expect(createTransfers([a, b])).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'exceeds_credits'))
    expect((await getAccount(db, donor.id))!.debitsPosted).toBe('0.000')
    const c = { ...a, id: randomUUID() }
    const d = { ...a, id: randomUUID() }
    const results = await createTransfers([c, d], { linked: false })
    expect(results.map((r) => r.ok)).toEqual([true, false])
    expect((await getAccount(db, donor.id))!.debitsPosted).toBe('60.000')
  })

  it('a batch sees its own earlier transfers: hold then post in one batch, a second post of it fails the batch', async () => {
    const { donor, escrow } = await fundedPair('100')
    const hold = randomUUID()
    const ok = await createTransfers([
      { id: hold, code: 'pledge', pending: true, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '70' },
      { id: randomUUID(), code: 'release', postPending: true, pendingId: hold, amount: '50' },
    ])
    expect(ok.map((r) => r.ok && r.transfer.linked)).toEqual([true, false])
    expect((await getAccount(db, donor.id))!).toMatchObject({ debitsPending: '0.000', debitsPosted: '50.000' })
    const hold2 = randomUUID()
    await expect(
      createTransfers([
        { id: hold2, code: 'pledge', pending: true, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '10' },
        { id: randomUUID(), code: 'release', postPending: true, pendingId: hold2 },
        { id: randomUUID(), code: 'refund', voidPending: true, pendingId: hold2 },
      ]),
    ).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'pending_already_resolved'))
    // Two pledges that together overdraw the donor fail together, though each alone would fit.
    await expect(
      createTransfers([
        { id: randomUUID(), code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '30' },
        { id: randomUUID(), code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '30' },
      ]),
    ).rejects.toSatisfy((e: unknown) => isLedgerError(e, 'exceeds_credits'))
    expect((await getAccount(db, donor.id))!).toMatchObject({ debitsPending: '0.000', debitsPosted: '50.000' })
    expect(await checkLedger()).toEqual([])
  })

  it('corrects a mistake with a reversing transfer, once, leaving the original untouched', async () => {
    const { donor, escrow } = await fundedPair('100')
    const wrong = await createTransfer({ id: randomUUID(), code: 'payout', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '40' })
    const reversal = await reverseTransfer(wrong.id, { note: '误操作：应拨付给另一个项目' })
    expect(await reverseTransfer(wrong.id, { note: '误操作：应拨付给另一个项目' })).toEqual(reversal)
    expect(reversal).toMatchObject({ code: 'correction', debitAccountId: escrow.id, creditAccountId: donor.id, amount: '40.000' })
    const [original] = await db.select().from(ledgerTransfers).where(eq(ledgerTransfers.id, wrong.id))
    expect(original).toEqual(wrong)
    expect((await getAccount(db, donor.id))!).toMatchObject({ debitsPosted: '40.000', creditsPosted: '140.000' })
    expect(await checkLedger()).toEqual([])
  })

  it('transfers are append-only in the database (update, delete, truncate refused)', async () => {
    const { donor, escrow } = await fundedPair('10')
    await createTransfer({ id: randomUUID(), code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '5' })
    const before = await db.select().from(ledgerTransfers)
    await expectDatabaseRefusal(db.update(ledgerTransfers).set({ amount: '1' }), /append-only/)
    await expectDatabaseRefusal(db.delete(ledgerTransfers), /append-only/)
    await expectDatabaseRefusal(db.execute(sql`truncate ledger_transfers cascade`), /append-only/)
    expect(await db.select().from(ledgerTransfers)).toEqual(before)
  })
})

describe('ledger under concurrency (real PostgreSQL)', () => {
  it('many simultaneous releases and voids of the same holds: exactly one winner each', async () => {
    const { donor, escrow } = await fundedPair('10000')
    const holds = await Promise.all(
      Array.from({ length: 10 }, () => createTransfer({ id: randomUUID(), code: 'pledge', pending: true, debitAccountId: donor.id, creditAccountId: escrow.id, amount: '100' })),
    )
    const attempts = holds.flatMap((h) =>
      Array.from({ length: 6 }, (_, i) =>
        createTransfer(i % 2 ? { id: randomUUID(), code: 'refund', voidPending: true, pendingId: h.id } : { id: randomUUID(), code: 'release', postPending: true, pendingId: h.id }).then(
          () => ({ hold: h.id, ok: true }),
          (e: unknown) => {
            expect(isLedgerError(e, 'pending_already_resolved')).toBe(true)
            return { hold: h.id, ok: false }
          },
        ),
      ),
    )
    const outcomes = await Promise.all(attempts)
    for (const h of holds) expect(outcomes.filter((o) => o.hold === h.id && o.ok)).toHaveLength(1)
    const resolutions = await db.execute<{ n: number }>(sql`select count(*)::int n from ledger_transfers where pending_id in (${sql.join(holds.map((h) => sql`${h.id}`), sql`, `)})`)
    expect([...resolutions][0]!.n).toBe(10)
    expect(await checkLedger()).toEqual([])
  })

  it('no overdraft when many writers drain one guarded account at once', async () => {
    const { donor, escrow } = await fundedPair('1000')
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => createTransfer({ id: randomUUID(), code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '70' })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(14)
    const d = (await getAccount(db, donor.id))!
    expect(d.debitsPosted).toBe('980.000')
    expect(await checkLedger()).toEqual([])
  })
})
