import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { donorMoneyAccount, escrowAccount, FlowError, listingMoneyTotals, pledgeMoney, retryTransient } from '~/models/donations.server'
import { createTransfers, ensureMoneyAsset, voidExpiredHolds } from '~/models/ledger.server'
import { checkLedger } from '~/models/reconciliation.server'
import { db } from '~/utils/db.server'
import { makeMoneyDonationListing } from '../factories/ledger'
import { makeUser } from '../factories/users'
import { actor, holdLocks, lockWaiters, settle } from './ledger-fixes.helpers'

describe('the expired-hold job and pledges at the same moment', () => {
  it('do not deadlock: the job locks a round in id order, like every transfer', async () => {
    await ensureMoneyAsset(db)
    const l1 = await makeMoneyDonationListing({ endsOn: '2099-12-31' })
    const l2 = await makeMoneyDonationListing({ endsOn: '2099-12-31' })
    const e1 = await escrowAccount(db, l1.id)
    const e2 = await escrowAccount(db, l2.id)
    const d1User = await makeUser({ role: 'donor' })
    const d1 = await donorMoneyAccount(db, d1User.id)
    // The second donor's account sorts before the first escrow: a pledge of theirs to listing 1
    // locks their account first, then escrow 1.
    let d2User = await makeUser({ role: 'donor' })
    let d2 = await donorMoneyAccount(db, d2User.id)
    for (let i = 0; d2.id > e1.id && i < 200; i++) {
      d2User = await makeUser({ role: 'donor' })
      d2 = await donorMoneyAccount(db, d2User.id)
    }
    expect(d2.id < e1.id).toBe(true)
    // Two expired holds: d1 → escrow 1 expired first, d2 → escrow 2 expired second.
    const past = new Date(Date.now() - 3600_000)
    await createTransfers(
      [
        { id: `old-${randomUUID()}`, code: 'pledge', pending: true, timeoutSeconds: 60, debitAccountId: d1.id, creditAccountId: e1.id, amount: '10', listingId: l1.id },
        { id: `old-${randomUUID()}`, code: 'pledge', pending: true, timeoutSeconds: 120, debitAccountId: d2.id, creditAccountId: e2.id, amount: '20', listingId: l2.id },
      ],
      { now: past },
    )

    // Line them up: the second donor's account is held elsewhere. The pledge waits for it (before
    // escrow 1); then the job starts (in expiry order it would take d1 and escrow 1, then wait for d2).
    const release = await holdLocks(`select id from ledger_accounts where id = '${d2.id}' for update`)
    const pledge = settle(pledgeMoney(actor(d2User, 'donor'), { listingId: l1.id, amount: '500', key: randomUUID(), confirmOutlier: true }))
    await lockWaiters(1)
    const job = settle(voidExpiredHolds())
    await lockWaiters(2)
    await release()
    const [p, j] = await Promise.all([pledge, job])
    expect(p.ok ? p.value.status : String(p.error)).toBe('recorded')
    expect(j.ok ? j.value : String(j.error)).toBe(2)
    expect(await listingMoneyTotals(l1.id)).toMatchObject({ held: '500.00', returned: '10.00' })
    expect(await checkLedger()).toEqual([])
  })

  it('a deadlock or serialization failure in a donor flow is retried, then reported with a catalog key', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' })
    let calls = 0
    expect(
      await retryTransient(async () => {
        if (++calls < 3) throw deadlock
        return 'done'
      }),
    ).toBe('done')
    expect(calls).toBe(3)
    const wrapped = Object.assign(new Error('Failed query'), { cause: { code: '40001' } })
    const e = await retryTransient(async () => {
      throw wrapped
    }).then(() => null, (x: unknown) => x)
    expect(e).toBeInstanceOf(FlowError)
    expect((e as FlowError).key).toBe('ledger:flow.busy')
    // Other errors are not retried.
    calls = 0
    await expect(
      retryTransient(async () => {
        calls++
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(calls).toBe(1)
  })
})
