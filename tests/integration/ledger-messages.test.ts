import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { ledgerAccounts } from '@db/schema'
import { createTransfer, createTransfers, isLedgerError, LedgerError, pgRefusal } from '~/models/ledger.server'
import { db } from '~/utils/db.server'
import { makeMoneyAccount } from '../factories/ledger'
import { translator } from './ledger-fixes.helpers'

async function refusal(p: Promise<unknown>) {
  const e = await p.then(() => null, (x: unknown) => x)
  expect(e).toBeInstanceOf(LedgerError)
  return e as LedgerError
}

async function guardedPair() {
  const donor = await makeMoneyAccount({ code: 'donor', ownerType: 'user', guarded: true })
  const escrow = await makeMoneyAccount({ code: 'escrow', ownerType: 'listing', guarded: true })
  const source = await makeMoneyAccount({ code: 'donor', ownerType: 'user' })
  await createTransfer({ id: `fund-${randomUUID()}`, code: 'correction', debitAccountId: source.id, creditAccountId: donor.id, amount: '100' })
  return { donor, escrow }
}

describe('ledger refusals as people read them', () => {
  it('a transfer that failed before says why in words, on both paths, in both languages', async () => {
    const zh = await translator('zh-CN')
    const en = await translator('en')
    const { donor, escrow } = await guardedPair()
    // The one-transfer path (database function).
    const id = randomUUID()
    expect((await refusal(createTransfer({ id, code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '150' }))).code).toBe('exceeds_credits')
    const again = await refusal(createTransfer({ id, code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '150' }))
    expect(again.code).toBe('previously_failed')
    expect(zh(again.key, again.params)).toBe('这笔转账此前已失败（余额不足：可用 100，需要 150），不会再次执行')
    expect(en(again.key, again.params)).toBe('This transfer failed before (Insufficient balance: 100 available, 150 needed) and will not be retried')
    // The batch path.
    const [result] = await createTransfers([{ id, code: 'pledge', debitAccountId: donor.id, creditAccountId: escrow.id, amount: '150', note: 'batch' }], { linked: false })
    expect(result!.ok).toBe(false)
    if (result!.ok) return
    expect(result!.error.code).toBe('previously_failed')
    const text = zh(result!.error.key, result!.error.params)
    expect(text).toBe('这笔转账此前已失败（余额不足：可用 100，需要 150），不会再次执行')
    expect(text).not.toContain('exceeds_credits')
  })

  it('an overdraft caught by the database constraint names no unknown figures', async () => {
    const zh = await translator('zh-CN')
    const en = await translator('en')
    const { donor } = await guardedPair()
    const error = await db
      .update(ledgerAccounts)
      .set({ debitsPosted: '1000' })
      .where(eq(ledgerAccounts.id, donor.id))
      .then(() => null, (e: unknown) => e)
    const refused = pgRefusal(error, 'some-transfer')!
    expect(isLedgerError(refused, 'exceeds_credits')).toBe(true)
    for (const text of [zh(refused.key, refused.params), en(refused.key, refused.params)]) {
      expect(text).not.toMatch(/\?|\{\{/)
      expect(text.length).toBeGreaterThan(4)
    }
    expect(zh(refused.key, refused.params)).toBe('余额不足，无法完成这笔转账')
    // A later retry of that id explains the earlier refusal the same way.
    const later = new LedgerError('previously_failed', { ...refused.params, reason: 'exceeds_credits' })
    expect(zh(later.key, later.params)).toBe('这笔转账此前已失败（余额不足，无法完成这笔转账），不会再次执行')
  })
})
