// createTransfer() posts a well-formed transfer in one round trip through the SQL function
// gongjian_ledger_transfer() (ADR 031); createTransfers() keeps the general TypeScript path.
// The same random sequence of transfers — funding, plain transfers, holds, full and partial
// posts, voids, expired holds, overdrafts, closed accounts, mixed assets, too-precise amounts,
// replays and conflicting replays — is run through both paths on two mirrored sets of accounts:
// every step must end the same way (same transfer or same refusal with the same details), the
// balances must match, and reconciliation must find nothing.
import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import fc from 'fast-check'
import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ledgerAccounts } from '@db/schema'
import { createTransfer, createTransfers, isLedgerError, type Account, type Transfer, type TransferInput } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeItemAccount, makeMoneyAccount } from '../factories/ledger'

const roles = ['source', 'donor0', 'donor1', 'escrow0', 'escrow1', 'org', 'closed', 'capped', 'quilts'] as const
type Role = (typeof roles)[number]
type World = { prefix: string; accounts: Record<Role, Account>; post: (input: TransferInput, now: Date) => Promise<Transfer> }

async function makeWorld(prefix: string, post: World['post']): Promise<World> {
  const accounts = {
    source: await makeMoneyAccount({ code: 'donor', ownerType: 'user' }),
    donor0: await makeMoneyAccount({ code: 'donor', ownerType: 'user', guarded: true }),
    donor1: await makeMoneyAccount({ code: 'donor', ownerType: 'user', guarded: true }),
    escrow0: await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true }),
    escrow1: await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true }),
    org: await makeMoneyAccount({ code: 'organization' }),
    closed: await makeMoneyAccount({ code: 'organization' }),
    capped: await makeMoneyAccount({ code: 'project', creditsMustNotExceedDebits: true }),
    quilts: await makeItemAccount('棉被', '条'),
  }
  await db.update(ledgerAccounts).set({ closedAt: new Date() }).where(eq(ledgerAccounts.id, accounts.closed.id))
  return { prefix, accounts, post }
}

const amount = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 99 })).map(([y, f]) => `${y}.${String(f).padStart(2, '0')}`),
  fc.constantFrom('0.005', '12.345', '1e3', '100'),
)
const from = fc.constantFrom<Role>('source', 'donor0', 'donor1', 'escrow0', 'closed')
const to = fc.constantFrom<Role>('donor0', 'donor1', 'escrow0', 'escrow1', 'org', 'closed', 'capped', 'quilts')
const step = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('fund' as const), to: fc.constantFrom<Role>('donor0', 'donor1'), amount }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('plain' as const), from, to, amount }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('hold' as const), from, to, amount, timeout: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('post' as const), pick: fc.nat(), amount: fc.option(amount, { nil: undefined }), late: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('void' as const), pick: fc.nat(), amount: fc.option(amount, { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat(), change: fc.boolean() }), weight: 2 },
)
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never

/** An outcome with world-specific ids replaced by roles and step numbers, so both worlds compare. */
function normalize(world: World, value: unknown): unknown {
  let text = JSON.stringify(value)
  for (const role of roles) text = text.split(world.accounts[role].id).join(role)
  return JSON.parse(text.split(world.prefix).join('#'))
}

async function outcome(world: World, input: TransferInput, now: Date) {
  try {
    const t = await world.post(input, now)
    return normalize(world, { ok: true, id: t.id, debit: t.debitAccountId, credit: t.creditAccountId, amount: new Decimal(t.amount).toFixed(3), ledger: t.ledger, code: t.code, pending: t.pending, postPending: t.postPending, voidPending: t.voidPending, pendingId: t.pendingId, timeoutSeconds: t.timeoutSeconds, expiresAt: t.expiresAt?.toISOString() ?? null, createdAt: t.createdAt.toISOString() })
  } catch (error) {
    if (!isLedgerError(error)) throw error
    return normalize(world, { ok: false, code: error.code, params: error.params, transferId: error.transferId })
  }
}

async function balances(world: World) {
  const rows = await db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, roles.map((r) => world.accounts[r].id)))
  return Object.fromEntries(roles.map((role) => {
    const row = rows.find((r) => r.id === world.accounts[role].id)!
    return [role, [row.debitsPending, row.debitsPosted, row.creditsPending, row.creditsPosted].join('|')]
  }))
}

describe('single-transfer path', () => {
  it('ends every step exactly as the general batch path does', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 25 }), async (steps: Step[]) => {
        run++
        const fast = await makeWorld(`f${run}-`, (input, now) => createTransfer(input, { now }))
        const general = await makeWorld(`g${run}-`, async (input, now) => {
          const [result] = await createTransfers([input], { linked: true, now })
          if (!result!.ok) throw result!.error
          return result!.transfer
        })
        const inputs: ((w: World) => TransferInput)[] = []
        const holds: number[] = []
        const start = Date.now()
        for (const [n, s] of steps.entries()) {
          const id = (w: World) => `${w.prefix}${n}`
          let make: (w: World) => TransferInput
          let now = new Date(start + n * 1000)
          if (s.t === 'fund') make = (w) => ({ id: id(w), code: 'correction', debitAccountId: w.accounts.source.id, creditAccountId: w.accounts[s.to].id, amount: s.amount })
          else if (s.t === 'plain') make = (w) => ({ id: id(w), code: 'pledge', debitAccountId: w.accounts[s.from].id, creditAccountId: w.accounts[s.to].id, amount: s.amount })
          else if (s.t === 'hold') {
            holds.push(n)
            make = (w) => ({ id: id(w), code: 'pledge', pending: true, debitAccountId: w.accounts[s.from].id, creditAccountId: w.accounts[s.to].id, amount: s.amount, timeoutSeconds: s.timeout })
          } else if (s.t === 'post' || s.t === 'void') {
            const hold = holds.length ? holds[s.pick % holds.length]! : n
            // A late post comes two hours on: holds with a short timeout have expired by then.
            if (s.t === 'post' && s.late) now = new Date(start + 7_200_000)
            make = (w) => ({ id: id(w), code: 'release', postPending: s.t === 'post', voidPending: s.t === 'void', pendingId: `${w.prefix}${hold}`, amount: s.amount })
          } else {
            const earlier = inputs.length ? inputs[s.pick % inputs.length]! : null
            if (!earlier) continue
            make = (w) => {
              const again = earlier(w)
              return s.change ? { ...again, note: 'changed', listingId: undefined, amount: again.amount === undefined ? '1.00' : new Decimal(again.amount).plus(1).toFixed() } : again
            }
          }
          inputs.push(make)
          const a = await outcome(fast, make(fast), now)
          const b = await outcome(general, make(general), now)
          expect(a, `step ${n} ${JSON.stringify(s)}`).toEqual(b)
        }
        expect(await balances(fast)).toEqual(await balances(general))
      }),
      { numRuns: 25 },
    )
    expect(await checkLedger(db)).toEqual([])
  }, 120_000)

  it('concurrent calls each get their own outcome: no overdraft, replays return the same transfer, a changed replay is refused', async () => {
    const source = await makeMoneyAccount({ code: 'donor', ownerType: 'user' })
    const donor = await makeMoneyAccount({ code: 'donor', ownerType: 'user', guarded: true })
    const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
    await createTransfer({ id: randomUUID(), code: 'correction', debitAccountId: source.id, creditAccountId: donor.id, amount: '500.00' })
    const pledge = (id: string, amount = '50.00') => ({ id, code: 'pledge' as const, debitAccountId: donor.id, creditAccountId: escrow.id, amount })
    const first = randomUUID()
    const holdId = randomUUID()
    // All in the same tick: the first call goes alone, the rest are coalesced into shared statements.
    const calls = [
      createTransfer(pledge(first)),
      ...Array.from({ length: 30 }, () => createTransfer(pledge(randomUUID()))),
      ...Array.from({ length: 5 }, () => createTransfer(pledge(first))),
      createTransfer(pledge(first, '51.00')),
      createTransfer({ id: holdId, code: 'pledge', pending: true, debitAccountId: source.id, creditAccountId: escrow.id, amount: '7.00' }),
      createTransfer({ id: randomUUID(), code: 'release', postPending: true, pendingId: holdId, amount: '3.00' }),
    ]
    const results = await Promise.allSettled(calls)
    const code = (r: PromiseSettledResult<Transfer>) => (r.status === 'fulfilled' ? 'ok' : isLedgerError(r.reason) ? r.reason.code : String(r.reason))
    const pledges = results.slice(0, 31)
    expect(pledges.filter((r) => r.status === 'fulfilled')).toHaveLength(10)
    expect(pledges.map(code).filter((c) => c !== 'ok').every((c) => c === 'exceeds_credits')).toBe(true)
    const original = (results[0] as PromiseFulfilledResult<Transfer>).value
    for (const replay of results.slice(31, 36)) {
      expect(replay.status).toBe('fulfilled')
      expect((replay as PromiseFulfilledResult<Transfer>).value).toMatchObject({ id: first, seq: original.seq, amount: original.amount })
    }
    expect(code(results[36]!)).toBe('id_conflict')
    expect(code(results[37]!)).toBe('ok')
    // The post came after its hold in the same tick: it either found it or was told it does not exist yet.
    expect(['ok', 'pending_not_found']).toContain(code(results[38]!))

    const [row] = await db.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, donor.id))
    expect(new Decimal(row!.debitsPosted).toFixed(2)).toBe('500.00')
    const [plain] = await db.execute<{ n: number }>(sql`select count(*)::int n from ledger_transfers where debit_account_id = ${donor.id}`)
    expect(plain!.n).toBe(10)
    // A refused id stays refused, even now that nothing would stop it.
    const refused = results.findIndex((r, i) => i < 31 && r.status === 'rejected')
    const failedId = ((results[refused] as PromiseRejectedResult).reason as { transferId: string }).transferId
    await createTransfer({ id: randomUUID(), code: 'correction', debitAccountId: source.id, creditAccountId: donor.id, amount: '100.00' })
    await expect(createTransfer(pledge(failedId))).rejects.toMatchObject({ code: 'previously_failed' })
    expect(await checkLedger(db)).toEqual([])
  })
})
