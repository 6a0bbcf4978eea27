/**
 * Money an organization has received: every posted transfer credited to its CNY account
 * (milestone payments of projects it claimed, released donations of its own listings),
 * newest first, with the project/listing and milestone it was paid for. Read-only: an
 * organization that never received anything has no account and gets an empty list.
 */
import Decimal from 'decimal.js'
import { and, desc, eq } from 'drizzle-orm'
import { CNY, ledgerAccounts, ledgerTransfers, listings, projectMilestones } from '@db/schema'
import type { Executor } from '@db/client'
import { db as defaultDb } from '~/utils/db.server'
import { creditBalance } from './ledger.server'

export type MoneyReceived = {
  id: string
  code: string
  listingId: string | null
  title: string | null
  milestoneTitle: string | null
  amount: string
  at: string
}

export async function moneyReceivedByOrganization(organizationId: string, executor: Executor = defaultDb) {
  const [account] = await executor
    .select()
    .from(ledgerAccounts)
    .where(and(eq(ledgerAccounts.ledger, CNY), eq(ledgerAccounts.code, 'organization'), eq(ledgerAccounts.ownerType, 'organization'), eq(ledgerAccounts.ownerId, organizationId)))
  if (!account) return { balance: '0.00', received: [] as MoneyReceived[] }
  const rows = await executor
    .select({
      id: ledgerTransfers.id,
      code: ledgerTransfers.code,
      amount: ledgerTransfers.amount,
      createdAt: ledgerTransfers.createdAt,
      listingId: ledgerTransfers.listingId,
      title: listings.title,
      milestoneTitle: projectMilestones.title,
    })
    .from(ledgerTransfers)
    .leftJoin(listings, eq(listings.id, ledgerTransfers.listingId))
    .leftJoin(projectMilestones, eq(projectMilestones.id, ledgerTransfers.milestoneId))
    // Holds never credit an organization's account, so every row here is a posted transfer.
    .where(and(eq(ledgerTransfers.creditAccountId, account.id), eq(ledgerTransfers.pending, false)))
    .orderBy(desc(ledgerTransfers.seq))
    .limit(200)
  return {
    balance: creditBalance(account).toFixed(2),
    received: rows.map(
      (r): MoneyReceived => ({
        id: r.id,
        code: r.code,
        listingId: r.listingId,
        title: r.title,
        milestoneTitle: r.milestoneTitle,
        amount: new Decimal(r.amount).toFixed(2),
        at: r.createdAt.toISOString(),
      }),
    ),
  }
}
