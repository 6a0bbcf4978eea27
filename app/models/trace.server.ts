/**
 * Donor transparency: every gift with its state, a timeline, a flow (Sankey) from the donor
 * through organizations and projects to recipients (masked: surname + 某, village-level
 * region), and CSV exports. Everything is read from the ledger.
 */
import Decimal from 'decimal.js'
import { asc, eq, inArray, sql } from 'drizzle-orm'
import { distributions, ledgerLots, listings, organizations } from '@db/schema'
import { db } from '~/utils/db.server'
import { regionPathNames } from './region.server'
import { escrowReturnsTo } from './donations.server'
import { lotPositions } from './lots.server'

/** `partly_returned`: paid on in part, the rest sent back when the listing closed. */
export type GiftState = 'held' | 'released' | 'delivered' | 'partly_returned' | 'returned'

export type MoneyGift = {
  id: string
  listingId: string
  title: string
  kind: string
  organizationName: string
  amount: string
  state: GiftState
  createdAt: string
  deadline: string | null
  resolvedAt: string | null
}

export type ItemGift = {
  id: string
  itemKind: string
  itemUnit: string
  quantity: string
  organizationName: string
  listingId: string | null
  listingTitle: string | null
  createdAt: string
  inStock: string
  inTransit: string
  delivered: string
  writtenOff: string
  state: GiftState
  recipients: { masked: string; region: string; quantity: string; confirmed: boolean }[]
}

export type TimelineEvent = { at: string; event: string; what: string; amount: string; unit: string }
export type FlowLink = { source: string; target: string; value: number }
/** One diagram: money in yuan, or one item kind in its own unit. */
export type DonorFlow = { key: string; kind: 'money' | 'items'; unit: string; links: FlowLink[] }

/** Village-level region label: the village and township names, never anything finer. */
async function villageLabels(codes: string[]) {
  const names = await regionPathNames(codes)
  return new Map(codes.map((c) => [c, (names.get(c) ?? c).split(' / ').slice(-2).join(' ')]))
}

export async function donorTrace(donorId: string) {
  const pledgeRows = await db.execute<{
    id: string
    amount: string
    created_at: Date
    expires_at: Date | null
    listing_id: string
    title: string
    kind: string
    org: string
    r_kind: string | null
    r_amount: string | null
    r_at: Date | null
  }>(sql`
    select t.id, t.amount::text, t.created_at, t.expires_at, l.id listing_id, l.title, l.kind::text kind, o.name org,
      case when r.void_pending then 'void' when r.post_pending then 'post' end r_kind, r.amount::text r_amount, r.created_at r_at
    from ledger_transfers t
    join ledger_accounts d on d.id = t.debit_account_id and d.code = 'donor' and d.owner_type = 'user' and d.owner_id = ${donorId}
    join listings l on l.id = t.listing_id
    join organizations o on o.id = l.organization_id
    left join ledger_transfers r on r.pending_id = t.id
    where t.pending and t.code = 'pledge'
    order by t.seq`)

  // Per listing escrow: released into it, paid on from it (payouts), and returned from it to donors
  // when the listing closed with money left (refunds; not a delivery).
  const listingIds = [...new Set([...pledgeRows].map((r) => r.listing_id))]
  const escrowRows = listingIds.length
    ? await db.execute<{ owner_id: string; released: string; paid: string; returned: string }>(sql`
        select a.owner_id, a.credits_posted::text released,
          coalesce((select sum(t.amount) from ledger_transfers t where t.debit_account_id = a.id and t.code = 'payout' and not t.pending), 0)::text paid,
          coalesce((select sum(t.amount) from ledger_transfers t where t.debit_account_id = a.id and t.code = 'refund' and not t.pending and not t.void_pending), 0)::text returned
        from ledger_accounts a
        where a.code = 'escrow' and a.owner_type = 'listing' and a.owner_id in (${sql.join(listingIds.map((id) => sql`${id}::uuid`), sql`, `)})`)
    : []
  const escrow = new Map([...escrowRows].map((r) => [r.owner_id, r]))
  const payoutsByListing = listingIds.length
    ? await db.execute<{ listing_id: string; org: string; amount: string }>(sql`
        select t.listing_id, o.name org, sum(t.amount)::text amount
        from ledger_transfers t join ledger_accounts c on c.id = t.credit_account_id and c.code = 'organization'
        join organizations o on o.id = c.owner_id
        where t.code = 'payout' and t.listing_id in (${sql.join(listingIds.map((id) => sql`${id}::uuid`), sql`, `)})
        group by t.listing_id, o.name`)
    : []

  const money: MoneyGift[] = [...pledgeRows].map((r) => {
    let state: GiftState = 'held'
    if (r.r_kind === 'void') state = 'returned'
    else if (r.r_kind === 'post') {
      const e = escrow.get(r.listing_id)
      // Out of the escrow: paid on (delivered), sent back at the close (returned), or both (partly returned).
      const paid = new Decimal(e?.paid ?? 0)
      const returned = new Decimal(e?.returned ?? 0)
      const out = e ? paid.plus(returned).gte(e.released) : false
      state = !out ? 'released' : returned.isZero() ? 'delivered' : paid.isZero() ? 'returned' : 'partly_returned'
    }
    return {
      id: r.id,
      listingId: r.listing_id,
      title: r.title,
      kind: r.kind,
      organizationName: r.org,
      amount: new Decimal(r.r_kind === 'post' ? r.r_amount! : r.amount).toFixed(2),
      state,
      createdAt: new Date(r.created_at).toISOString(),
      deadline: r.expires_at ? new Date(r.expires_at).toISOString() : null,
      resolvedAt: r.r_at ? new Date(r.r_at).toISOString() : null,
    }
  })

  const lots = await db
    .select({ lot: ledgerLots, org: organizations.name, listingTitle: listings.title })
    .from(ledgerLots)
    .innerJoin(organizations, eq(organizations.id, ledgerLots.organizationId))
    .leftJoin(listings, eq(listings.id, ledgerLots.listingId))
    .where(eq(ledgerLots.donorId, donorId))
    .orderBy(asc(ledgerLots.createdAt))
  const positions = await lotPositions(lots.map((l) => l.lot.id))
  const dists = lots.length
    ? await db
        .select({ d: distributions, amount: sql<string>`(select amount::text from ledger_transfers where id = ${distributions.pendingTransferId})` })
        .from(distributions)
        .where(inArray(distributions.lotId, lots.map((l) => l.lot.id)))
        .orderBy(asc(distributions.createdAt))
    : []
  const villages = await villageLabels([...new Set(dists.map((d) => d.d.recipientRegionCode))])
  const recalled = dists.length
    ? new Set(
        [...(await db.execute<{ pending_id: string }>(sql`select pending_id from ledger_transfers where void_pending and pending_id in (${sql.join(dists.map((d) => sql`${d.d.pendingTransferId}`), sql`, `)})`))].map((r) => r.pending_id),
      )
    : new Set<string>()

  const items: ItemGift[] = lots.map(({ lot, org, listingTitle }) => {
    const p = positions.get(lot.id)!
    const delivered = new Decimal(p.delivered)
    const state: GiftState = delivered.gt(0) ? 'delivered' : 'released'
    return {
      id: lot.id,
      itemKind: lot.itemKind,
      itemUnit: lot.itemUnit,
      quantity: new Decimal(lot.quantity).toFixed(),
      organizationName: org,
      listingId: lot.listingId,
      listingTitle,
      createdAt: lot.createdAt.toISOString(),
      inStock: p.inStock,
      inTransit: p.inTransit,
      delivered: p.delivered,
      writtenOff: p.writtenOff,
      state,
      recipients: dists
        .filter((d) => d.d.lotId === lot.id && !recalled.has(d.d.pendingTransferId))
        .map((d) => ({ masked: d.d.recipientMasked, region: villages.get(d.d.recipientRegionCode) ?? '', quantity: new Decimal(d.amount).toFixed(), confirmed: !!d.d.confirmedAt })),
    }
  })

  // Flows: donor → listing/project → organization in yuan; donor → lot → masked recipients /
  // stock / write-off per item kind and unit. Each unit gets its own diagram: yuan and
  // quilts are never drawn on one scale.
  const flows: DonorFlow[] = []
  const flowOf = (key: string, kind: DonorFlow['kind'], unit: string) => {
    let flow = flows.find((f) => f.key === key)
    if (!flow) flows.push((flow = { key, kind, unit, links: [] }))
    return flow
  }
  const add = (flow: DonorFlow, source: string, target: string, value: Decimal) => {
    if (value.lte(0)) return
    const found = flow.links.find((l) => l.source === source && l.target === target)
    if (found) found.value = new Decimal(found.value).plus(value).toDecimalPlaces(2).toNumber()
    else flow.links.push({ source, target, value: value.toDecimalPlaces(2).toNumber() })
  }
  const me = 'donor'
  for (const g of money) {
    if (g.state === 'returned') continue
    add(flowOf('money', 'money', 'CNY'), me, `listing:${g.title}`, new Decimal(g.amount))
  }
  for (const listingId of listingIds) {
    const e = escrow.get(listingId)
    const mine = money.filter((g) => g.listingId === listingId && (g.state === 'released' || g.state === 'delivered' || g.state === 'partly_returned')).reduce((s, g) => s.plus(g.amount), new Decimal(0))
    if (!e || new Decimal(e.released).lte(0) || mine.lte(0)) continue
    const share = mine.div(e.released)
    const title = money.find((g) => g.listingId === listingId)!.title
    for (const p of [...payoutsByListing].filter((x) => x.listing_id === listingId)) add(flowOf('money', 'money', 'CNY'), `listing:${title}`, `org:${p.org}`, share.times(p.amount))
  }
  for (const g of items) {
    const flow = flowOf(`items:${g.itemKind}/${g.itemUnit}`, 'items', g.itemUnit)
    const lotNode = `items:${g.itemKind} · ${g.organizationName}`
    add(flow, me, lotNode, new Decimal(g.quantity))
    for (const r of g.recipients) if (r.confirmed) add(flow, lotNode, `household:${r.masked} · ${r.region}`, new Decimal(r.quantity))
    add(flow, lotNode, 'state:in_transit', new Decimal(g.inTransit))
    add(flow, lotNode, 'state:in_stock', new Decimal(g.inStock))
    add(flow, lotNode, 'state:written_off', new Decimal(g.writtenOff))
  }

  const timeline: TimelineEvent[] = []
  for (const g of money) {
    timeline.push({ at: g.createdAt, event: 'pledged', what: g.title, amount: new Decimal(g.amount).toFixed(2), unit: 'CNY' })
    if (g.resolvedAt) timeline.push({ at: g.resolvedAt, event: g.state === 'returned' ? 'returned' : 'released', what: g.title, amount: g.amount, unit: 'CNY' })
  }
  for (const g of items) {
    timeline.push({ at: g.createdAt, event: 'lot_registered', what: `${g.itemKind} · ${g.organizationName}`, amount: g.quantity, unit: g.itemUnit })
  }
  for (const d of dists) {
    const lot = lots.find((l) => l.lot.id === d.d.lotId)!.lot
    if (d.d.confirmedAt) timeline.push({ at: d.d.confirmedAt.toISOString(), event: 'delivered', what: `${lot.itemKind} → ${d.d.recipientMasked} · ${villages.get(d.d.recipientRegionCode) ?? ''}`, amount: new Decimal(d.amount).toFixed(), unit: lot.itemUnit })
  }
  timeline.sort((a, b) => b.at.localeCompare(a.at))
  return { money, items, flows, timeline }
}

function csvCell(value: string) {
  // Quote every cell; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value
  return `"${safe.replace(/"/g, '""')}"`
}

export function toCsv(header: string[], rows: string[][]) {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`
}

export async function donorTraceCsv(donorId: string, labels: (key: string) => string) {
  const trace = await donorTrace(donorId)
  const rows: string[][] = []
  for (const g of trace.money) rows.push([g.createdAt, labels('money'), g.title, g.organizationName, g.amount, 'CNY', labels(`states.${g.state}`), ''])
  // Money a closed listing's escrow sent back to this donor (the part no payout used).
  for (const r of await escrowReturnsTo(donorId)) rows.push([r.createdAt, labels('money'), r.title, '', r.amount, 'CNY', labels('states.returned'), ''])
  for (const g of trace.items) {
    rows.push([g.createdAt, labels('items'), `${g.itemKind} (${g.listingTitle ?? ''})`, g.organizationName, g.quantity, g.itemUnit, labels(`states.${g.state}`), ''])
    for (const r of g.recipients) rows.push([g.createdAt, labels('distribution'), g.itemKind, g.organizationName, r.quantity, g.itemUnit, labels(r.confirmed ? 'states.delivered' : 'states.in_transit'), `${r.masked} ${r.region}`])
  }
  return toCsv(['time', 'type', 'what', 'organization', 'amount', 'unit', 'state', 'recipient'].map((k) => labels(`csv.${k}`)), rows)
}

/** Every transfer touching an organization's accounts or its listings' escrows. */
export async function organizationLedgerCsv(organizationId: string, labels: (key: string) => string) {
  const rows = await db.execute<{ id: string; created_at: Date; code: string; ledger: string; amount: string; phase: string; debit: string; credit: string; lot_id: string | null; listing: string | null }>(sql`
    with mine as (
      select a.id from ledger_accounts a
      where (a.owner_type = 'organization' and a.owner_id = ${organizationId})
         or (a.owner_type = 'listing' and a.owner_id in (select id from listings where organization_id = ${organizationId}))
    )
    select t.id, t.created_at, t.code::text code, t.ledger, t.amount::text,
      case when t.pending then 'pending' when t.post_pending then 'post' when t.void_pending then 'void' else 'posted' end phase,
      d.code::text debit, c.code::text credit, t.lot_id, l.title listing
    from ledger_transfers t
    join ledger_accounts d on d.id = t.debit_account_id
    join ledger_accounts c on c.id = t.credit_account_id
    left join listings l on l.id = t.listing_id
    where t.debit_account_id in (select id from mine) or t.credit_account_id in (select id from mine)
    order by t.seq`)
  return toCsv(
    ['time', 'transfer', 'code', 'asset', 'amount', 'phase', 'debit', 'credit', 'listing', 'lot'].map((k) => labels(`csv.${k}`)),
    [...rows].map((r) => [new Date(r.created_at).toISOString(), r.id, r.code, r.ledger, new Decimal(r.amount).toFixed(), r.phase, r.debit, r.credit, r.listing ?? '', r.lot_id ?? '']),
  )
}

/** An organization's money listings and projects with live totals, its lots with positions. */
export async function organizationOverview(organizationId: string) {
  const { listingMoneyTotals } = await import('./donations.server')
  const { listingItemTotals, lotsOfOrganization, distributionsOfLots } = await import('./lots.server')
  const own = await db
    .select({ id: listings.id, title: listings.title, kind: listings.kind, status: listings.status })
    .from(listings)
    .where(sql`${listings.organizationId} = ${organizationId} and ${listings.kind} in ('donation', 'project')`)
    .orderBy(asc(listings.createdAt))
  const withTotals = await Promise.all(own.map(async (l) => ({ ...l, money: await listingMoneyTotals(l.id), items: await listingItemTotals(l.id) })))
  const lots = await lotsOfOrganization(organizationId)
  const positions = await lotPositions(lots.map((l) => l.id))
  const dists = await distributionsOfLots(lots.map((l) => l.id))
  return {
    listings: withTotals,
    lots: lots.map((l) => ({ ...l, position: positions.get(l.id)!, distributions: dists.filter((d) => d.d.lotId === l.id).map((d) => ({ ...d.d, amount: d.amount, recalled: d.recalled })) })),
  }
}
