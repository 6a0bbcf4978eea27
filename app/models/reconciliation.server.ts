/**
 * Reconciliation (LEDGER.md invariants 1–4): recompute every balance from the transfers and
 * check that the books balance. Violations become admin alerts (one per run and kind).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { ledgerAlerts } from '@db/schema'
import { db as defaultDb } from '~/utils/db.server'

export type Violation = { kind: string; details: Record<string, unknown> }

export async function checkLedger(executor: Executor = defaultDb): Promise<Violation[]> {
  const violations: Violation[] = []

  // 1. Per ledger: posted debits = posted credits, pending debits = pending credits.
  const totals = await executor.execute<{ ledger: string; dp: string; dq: string; cp: string; cq: string }>(sql`
    select ledger, sum(debits_pending)::text dp, sum(debits_posted)::text dq,
           sum(credits_pending)::text cp, sum(credits_posted)::text cq
    from ledger_accounts group by ledger
    having sum(debits_pending) <> sum(credits_pending) or sum(debits_posted) <> sum(credits_posted)`)
  for (const row of totals) violations.push({ kind: 'ledger_unbalanced', details: { ...row } })

  // 2. Each account's stored balances equal the sums recomputed from its transfers.
  const drift = await executor.execute<{ id: string; stored: string; computed: string }>(sql`
    with effects as (
      select t.debit_account_id account_id,
             case when t.pending and r.id is null then t.amount else 0 end dp,
             case when not t.pending and not t.void_pending then t.amount else 0 end dq,
             0::numeric cp, 0::numeric cq
      from ledger_transfers t left join ledger_transfers r on r.pending_id = t.id
      union all
      select t.credit_account_id, 0, 0,
             case when t.pending and r.id is null then t.amount else 0 end,
             case when not t.pending and not t.void_pending then t.amount else 0 end
      from ledger_transfers t left join ledger_transfers r on r.pending_id = t.id
    ), computed as (
      select account_id, sum(dp) dp, sum(dq) dq, sum(cp) cp, sum(cq) cq from effects group by account_id
    )
    select a.id,
           concat_ws('/', a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted) stored,
           concat_ws('/', coalesce(c.dp, 0), coalesce(c.dq, 0), coalesce(c.cp, 0), coalesce(c.cq, 0)) computed
    from ledger_accounts a left join computed c on c.account_id = a.id
    where a.debits_pending <> coalesce(c.dp, 0) or a.debits_posted <> coalesce(c.dq, 0)
       or a.credits_pending <> coalesce(c.cp, 0) or a.credits_posted <> coalesce(c.cq, 0)`)
  for (const row of drift) violations.push({ kind: 'balance_drift', details: { ...row } })

  // 3. No forbidden negative balance.
  const negative = await executor.execute<{ id: string }>(sql`
    select id from ledger_accounts
    where (debits_must_not_exceed_credits and debits_pending + debits_posted > credits_posted)
       or (credits_must_not_exceed_debits and credits_pending + credits_posted > debits_posted)
       or least(debits_pending, debits_posted, credits_pending, credits_posted) < 0`)
  for (const row of negative) violations.push({ kind: 'forbidden_negative', details: { ...row } })

  // 4. Every hold resolved at most once, only holds are resolved, a post never exceeds its hold.
  const holds = await executor.execute<{ pending_id: string; problem: string }>(sql`
    select r.pending_id, case
        when count(*) over (partition by r.pending_id) > 1 then 'resolved_twice'
        when not p.pending then 'resolves_non_pending'
        when r.amount > p.amount then 'post_exceeds_hold'
        when r.debit_account_id <> p.debit_account_id or r.credit_account_id <> p.credit_account_id then 'accounts_differ'
      end problem
    from ledger_transfers r join ledger_transfers p on p.id = r.pending_id`)
  for (const row of holds) if (row.problem) violations.push({ kind: 'hold_resolution', details: { ...row } })

  // 6. Every lot: quantity = delivered + in stock + in transit + written off (stock accounts are per lot).
  const lots = await executor.execute<{ id: string; quantity: string; accounted: string }>(sql`
    select l.id, l.quantity::text, coalesce(sum(
      case when t.debit_account_id = d.id and not t.pending and not t.void_pending then t.amount else 0 end), 0)::text accounted
    from ledger_lots l
    left join ledger_accounts d on d.code = 'donor' and d.ledger = l.ledger and d.owner_id = l.donor_id
    left join ledger_transfers t on t.lot_id = l.id
    group by l.id, l.quantity
    having l.quantity <> coalesce(sum(case when t.debit_account_id = d.id and not t.pending and not t.void_pending then t.amount else 0 end), 0)`)
  for (const row of lots) violations.push({ kind: 'lot_unbalanced', details: { ...row } })

  return violations
}

/** Runs the checks and raises an alert per violated kind; a rerun with the same key adds nothing. */
export async function reconcileLedger(runKey: string, executor: Executor = defaultDb) {
  const violations = await checkLedger(executor)
  const byKind = new Map<string, Violation[]>()
  for (const v of violations) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v])
  for (const [kind, list] of byKind) {
    await executor
      .insert(ledgerAlerts)
      .values({ kind, runKey, details: { count: list.length, sample: list.slice(0, 20).map((v) => v.details) } })
      .onConflictDoNothing()
  }
  return { violations: violations.length, kinds: [...byKind.keys()] }
}

export async function openAlerts(executor: Executor = defaultDb) {
  return executor.select().from(ledgerAlerts).where(isNull(ledgerAlerts.acknowledgedAt)).orderBy(desc(ledgerAlerts.createdAt)).limit(100)
}

/** An admin acknowledges an alert (it stays in the table; only the acknowledgement is recorded). */
export async function acknowledgeAlert(adminId: string, alertId: string, executor: Executor = defaultDb) {
  const [row] = await executor
    .update(ledgerAlerts)
    .set({ acknowledgedAt: new Date(), acknowledgedById: adminId })
    .where(and(eq(ledgerAlerts.id, alertId), isNull(ledgerAlerts.acknowledgedAt)))
    .returning()
  return row ?? null
}
