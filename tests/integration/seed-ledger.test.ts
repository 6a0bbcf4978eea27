import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { distributions, ledgerLots, ledgerTransfers, milestoneSubmissions, projectClaims, users } from '@db/schema'
import { seed } from '@db/seed'
import { lotPositions } from '~/models/lots.server'
import { checkLedger } from '~/models/reconciliation.server'
import { donorTrace } from '~/models/trace.server'
import { db } from '~/utils/db.server'

const n = async (table: typeof ledgerTransfers | typeof distributions | typeof ledgerLots | typeof projectClaims | typeof milestoneSubmissions) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n
const counts = async () => ({ transfers: await n(ledgerTransfers), lots: await n(ledgerLots), distributions: await n(distributions), claims: await n(projectClaims), submissions: await n(milestoneSubmissions) })

describe('ledger seed', () => {
  it('records real flows once: held and released pledges, a split lot with confirmations, a paid milestone; invariants hold', async () => {
    await seed(db, { households: 60, listings: 300, quiet: true })
    const first = await counts()
    expect(first.lots).toBe(1)
    expect(first.claims).toBe(1)
    expect(first.submissions).toBe(1)
    expect(first.distributions).toBeGreaterThanOrEqual(2)
    expect(await checkLedger()).toEqual([])

    // A second run changes nothing.
    await seed(db, { households: 60, listings: 300, quiet: true })
    expect(await counts()).toEqual(first)
    expect(await checkLedger()).toEqual([])

    // The demo donor's page has held and released money, the lot's path and a Sankey with flows.
    const [donor] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'donor'))
    const trace = await donorTrace(donor!.id)
    const states = new Set(trace.money.map((g) => g.state))
    expect(states.has('held')).toBe(true)
    expect([...states].some((s) => s !== 'held')).toBe(true)
    expect(trace.items).toHaveLength(1)
    expect(trace.flows.map((f) => f.kind).sort()).toEqual(['items', 'money'])
    expect(trace.flows.reduce((n, f) => n + f.links.length, 0)).toBeGreaterThan(4)
    // Recipients are masked (surname + 某) on the donor's page.
    for (const r of trace.items[0]!.recipients) expect(r.masked).toMatch(/^.{1,2}某$/)

    const [lot] = await db.select().from(ledgerLots)
    const position = (await lotPositions([lot!.id])).get(lot!.id)!
    expect(position.quantity).toBe('100')
    expect(Number(position.delivered)).toBeGreaterThan(0)
    expect(Number(position.inTransit)).toBeGreaterThan(0)
    expect(Number(position.inStock)).toBeGreaterThanOrEqual(40)
    // The milestone was paid from escrow.
    const [sub] = await db.select().from(milestoneSubmissions)
    expect(sub!.status).toBe('approved')
    expect(sub!.payoutTransferId).toBeTruthy()
  }, 120_000)
})
