// KPI dashboard (issue 7): programme figures computed live from the tables that record what
// happened — households, matches, applications, application_outcomes, listing duplicate flags,
// the escrow ledger, feedback — plus BullMQ queue depths. Every figure is filtered by region
// (administrative-code prefix), period and organization kind, and scoped to the caller: an
// administrator sees everything, an organization member only their own organization's work.
//
// Amounts are decimal strings (decimal.js): yuan and item quantities are kept apart, and items
// are reported per item kind and unit, never summed together.
import Decimal from 'decimal.js'
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm'
import { z } from 'zod'
import { outcomeCodes, organizationKinds, resolutionAlerts, resolutionThresholds, type OrganizationKind, type OutcomeCode } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { queueNames } from '@workers/queues/names'
import { db as defaultDb } from '~/utils/db.server'

type Executor = Pick<typeof defaultDb, 'execute' | 'select' | 'insert' | 'update' | 'transaction'>

const DAY_MS = 86_400_000
/** Money or items untouched for longer than this count as idle (闲置). */
export const IDLE_DAYS = 90

// ───────────────────────────── filters and scope ─────────────────────────────

export type KpiFilters = {
  /** Administrative-code prefix (2 province … 12 village digits). */
  region?: string
  /** Inclusive start, as an instant (the start of the chosen day in Asia/Shanghai). */
  from?: Date
  /** Exclusive end (the start of the day after the chosen last day). */
  until?: Date
  orgKind?: OrganizationKind
}

/** Who is asking: an administrator (everything) or one organization (its own figures only). */
export type KpiScope = { kind: 'all' } | { kind: 'organization'; organizationId: string }

export function kpiScopeFor(user: { role: string; organizationId: string | null }): KpiScope {
  if (user.role === 'admin') return { kind: 'all' }
  if (user.role === 'org_member' && user.organizationId) return { kind: 'organization', organizationId: user.organizationId }
  throw new Error('KPI scope: only administrators and organization members have KPI figures')
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'kpi:errors.bad_date').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00+08:00`)), 'kpi:errors.bad_date')

/** The filter form's fields as submitted by GET; every message is a catalog key. */
export const KpiFilterForm = z
  .object({
    region: z
      .string()
      .trim()
      .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'kpi:errors.bad_region')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    from: day.optional().or(z.literal('').transform(() => undefined)),
    to: day.optional().or(z.literal('').transform(() => undefined)),
    orgKind: z
      .enum(organizationKinds, { errorMap: () => ({ message: 'kpi:errors.bad_org_kind' }) })
      .optional()
      .or(z.literal('').transform(() => undefined)),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { message: 'kpi:errors.period_reversed', path: ['to'] })

export type KpiFilterValues = { region: string; from: string; to: string; orgKind: string }

/**
 * Parses the query string. Bad fields are reported (catalog keys) and ignored as a whole: the
 * page then shows unfiltered figures beside the errors rather than half-applied filters.
 */
export function parseKpiFilters(params: URLSearchParams): { filters: KpiFilters; values: KpiFilterValues; errors: Record<string, string> } {
  const values: KpiFilterValues = { region: params.get('region') ?? '', from: params.get('from') ?? '', to: params.get('to') ?? '', orgKind: params.get('orgKind') ?? '' }
  const parsed = KpiFilterForm.safeParse(values)
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
    return { filters: {}, values, errors }
  }
  const { region, from, to, orgKind } = parsed.data
  return {
    filters: {
      ...(region ? { region } : {}),
      ...(from ? { from: new Date(`${from}T00:00:00+08:00`) } : {}),
      ...(to ? { until: new Date(new Date(`${to}T00:00:00+08:00`).getTime() + DAY_MS) } : {}),
      ...(orgKind ? { orgKind } : {}),
    },
    values,
    errors: {},
  }
}

function all(conds: Array<SQL | undefined>): SQL {
  const present = conds.filter((c): c is SQL => c !== undefined)
  return present.length ? sql.join(present, sql` and `) : sql`true`
}

function regionCond(column: SQL, f: KpiFilters) {
  return f.region ? sql`${column} like ${`${f.region}%`}` : undefined
}

function periodConds(column: SQL, f: KpiFilters) {
  return [f.from ? sql`${column} >= ${f.from.toISOString()}::timestamptz` : undefined, f.until ? sql`${column} < ${f.until.toISOString()}::timestamptz` : undefined]
}

/** Conditions on an organizations row aliased `o`: the caller's scope and the kind filter. */
function orgConds(scope: KpiScope, f: KpiFilters) {
  return [scope.kind === 'organization' ? sql`o.id = ${scope.organizationId}::uuid` : undefined, f.orgKind ? sql`o.kind = ${f.orgKind}` : undefined]
}

function share(part: number, whole: number) {
  return whole === 0 ? null : new Decimal(part).div(whole).toDecimalPlaces(4).toFixed(4)
}

async function rows<T extends Record<string, unknown>>(executor: Executor, query: SQL) {
  return [...(await executor.execute<T>(query))] as T[]
}

// ───────────────────────────── the KPIs ─────────────────────────────

export type TierCoverage = { tier: 'A' | 'B'; households: number; assisted: number; share: string | null }

/**
 * Share of tier-A and tier-B households (in the region) with at least one active assistance in
 * the period: an accepted application (accepted before the period ended), a completed one
 * (completed within or after the period start), or a confirmed distribution within the period —
 * from organizations in scope.
 */
export async function tierCoverage(scope: KpiScope, f: KpiFilters, executor: Executor = defaultDb): Promise<TierCoverage[]> {
  const org = orgConds(scope, f)
  const acceptedAt = sql`coalesce(a.accepted_at, a.completed_at, a.created_at)`
  const application = all([
    sql`a.household_id = h.id`,
    sql`a.status in ('accepted', 'completed')`,
    f.until ? sql`${acceptedAt} < ${f.until.toISOString()}::timestamptz` : undefined,
    f.from ? sql`(a.status = 'accepted' or a.completed_at >= ${f.from.toISOString()}::timestamptz)` : undefined,
    ...org,
  ])
  const distribution = all([sql`d.household_id = h.id`, sql`d.confirmed_at is not null`, ...periodConds(sql`d.confirmed_at`, f), ...org])
  const result = await rows<{ tier: 'A' | 'B'; households: number; assisted: number }>(
    executor,
    sql`select h.risk_tier::text tier, count(*)::int households,
      count(*) filter (where exists (select 1 from applications a join listings l on l.id = a.listing_id join organizations o on o.id = l.organization_id where ${application})
        or exists (select 1 from ledger_distributions d join ledger_lots lt on lt.id = d.lot_id join organizations o on o.id = lt.organization_id where ${distribution}))::int assisted
    from households h
    where h.risk_tier in ('A', 'B') and ${all([regionCond(sql`h.region_code`, f)])}
    group by h.risk_tier`,
  )
  return (['A', 'B'] as const).map((tier) => {
    const r = result.find((x) => x.tier === tier)
    return { tier, households: r?.households ?? 0, assisted: r?.assisted ?? 0, share: share(r?.assisted ?? 0, r?.households ?? 0) }
  })
}

export type Funnel = { matched: number; applied: number; accepted: number; completed: number; medianDaysToAccepted: string | null; households: number }

/**
 * The loop's funnel, each step counted by its own date in the period (households in the region,
 * listings in scope): matched (a stored match), applied (applied or invited), accepted, completed.
 * Plus the median days from a household's first recorded need to its first accepted offer.
 */
export async function funnel(scope: KpiScope, f: KpiFilters, executor: Executor = defaultDb): Promise<Funnel> {
  const base = [regionCond(sql`h.region_code`, f), ...orgConds(scope, f)]
  const [matched] = await rows<{ n: number }>(
    executor,
    sql`select count(*)::int n from matches m join households h on h.id = m.household_id join listings l on l.id = m.listing_id join organizations o on o.id = l.organization_id
      where ${all([...base, ...periodConds(sql`m.computed_at`, f)])}`,
  )
  const step = (column: SQL) => sql`count(*) filter (where ${column} is not null and ${all(periodConds(column, f))})::int`
  const [steps] = await rows<{ applied: number; accepted: number; completed: number }>(
    executor,
    sql`select ${step(sql`coalesce(a.applied_at, a.invited_at)`)} applied, ${step(sql`a.accepted_at`)} accepted, ${step(sql`a.completed_at`)} completed
      from applications a join households h on h.id = a.household_id join listings l on l.id = a.listing_id join organizations o on o.id = l.organization_id
      where ${all(base)}`,
  )
  const [median] = await rows<{ median: string | null; n: number }>(
    executor,
    sql`with firsts as (
        select a.household_id, min(a.accepted_at) first_accepted
        from applications a join households h on h.id = a.household_id join listings l on l.id = a.listing_id join organizations o on o.id = l.organization_id
        where a.accepted_at is not null and ${all(base)}
        group by a.household_id),
      needs as (select household_id, min(created_at) recorded from household_needs group by household_id)
      select (percentile_cont(0.5) within group (order by extract(epoch from f.first_accepted - n.recorded) / 86400))::text median, count(*)::int n
      from firsts f join needs n on n.household_id = f.household_id
      where f.first_accepted >= n.recorded and ${all(periodConds(sql`f.first_accepted`, f))}`,
  )
  return {
    matched: matched?.n ?? 0,
    applied: steps?.applied ?? 0,
    accepted: steps?.accepted ?? 0,
    completed: steps?.completed ?? 0,
    medianDaysToAccepted: median?.median == null ? null : new Decimal(median.median).toDecimalPlaces(1).toFixed(1),
    households: median?.n ?? 0,
  }
}

export type DuplicateRate = { listings: number; flagged: number; rate: string | null }

/**
 * Share of listings (published, paused or closed — not drafts — first published in the period,
 * in the region, from organizations in scope) flagged as a possible duplicate (疑似重复) that an
 * administrator or organization has not ruled distinct.
 */
export async function duplicateRate(scope: KpiScope, f: KpiFilters, executor: Executor = defaultDb): Promise<DuplicateRate> {
  const [r] = await rows<{ listings: number; flagged: number }>(
    executor,
    sql`select count(*)::int listings,
        count(*) filter (where exists (select 1 from listing_duplicate_flags d where (d.listing_id = l.id or d.other_listing_id = l.id) and d.status <> 'distinct'))::int flagged
      from listings l join organizations o on o.id = l.organization_id
      where l.status <> 'draft' and ${all([regionCond(sql`l.region_code`, f), ...orgConds(scope, f), ...periodConds(sql`coalesce(l.published_at, l.created_at)`, f)])}`,
  )
  return { listings: r?.listings ?? 0, flagged: r?.flagged ?? 0, rate: share(r?.flagged ?? 0, r?.listings ?? 0) }
}

export type RateGroup = { closed: number; completed: number; rate: string | null }
export type Resolution = { all: RateGroup; accepted: RateGroup; referrals: RateGroup; byOutcome: Record<OutcomeCode, number> }

/**
 * Resolution rate (闭环率) of closed loops that had been accepted or were referrals (an
 * organization's invitation): completed / closed, closed in the period, households in the region.
 */
export async function resolution(scope: KpiScope, f: KpiFilters, executor: Executor = defaultDb): Promise<Resolution> {
  const result = await rows<{ outcome: OutcomeCode; was_accepted: boolean; referral: boolean; n: number }>(
    executor,
    sql`select ao.outcome::text outcome, ao.was_accepted, (a.invited_at is not null) referral, count(*)::int n
      from application_outcomes ao join applications a on a.id = ao.application_id join households h on h.id = a.household_id
        join listings l on l.id = a.listing_id join organizations o on o.id = l.organization_id
      where (ao.was_accepted or a.invited_at is not null) and ${all([regionCond(sql`h.region_code`, f), ...orgConds(scope, f), ...periodConds(sql`ao.closed_at`, f)])}
      group by 1, 2, 3`,
  )
  const group = (pick: (r: (typeof result)[number]) => boolean): RateGroup => {
    const picked = result.filter(pick)
    const closed = picked.reduce((s, r) => s + r.n, 0)
    const completed = picked.filter((r) => r.outcome === 'completed').reduce((s, r) => s + r.n, 0)
    return { closed, completed, rate: share(completed, closed) }
  }
  const byOutcome = Object.fromEntries(outcomeCodes.map((c) => [c, result.filter((r) => r.outcome === c).reduce((s, r) => s + r.n, 0)])) as Record<OutcomeCode, number>
  return { all: group(() => true), accepted: group((r) => r.was_accepted), referrals: group((r) => r.referral), byOutcome }
}

export type MoneyFigures = { pledged: string; held: string; released: string; delivered: string; idle: string }
export type ItemFigures = MoneyFigures & { itemKind: string; itemUnit: string }
export type Funds = { money: MoneyFigures; items: ItemFigures[] }

/**
 * Funds (yuan) and items (per kind and unit), from the ledger, for listings in the region and scope.
 * Money: pledged (holds placed in the period), held (those still in escrow), released (holds
 * posted in the period), delivered (paid on to organizations/projects in the period), idle
 * (still held and placed more than 90 days before `now`). Items, for lots registered in the
 * period: pledged (lot quantities), held (in stock), released (handed over: in transit or
 * confirmed), delivered (confirmed by the recipient), idle (in stock in lots older than 90 days).
 */
export async function funds(scope: KpiScope, f: KpiFilters, now = new Date(), executor: Executor = defaultDb): Promise<Funds> {
  const idleBefore = new Date(now.getTime() - IDLE_DAYS * DAY_MS).toISOString()
  const open = sql`not exists (select 1 from ledger_transfers r where r.pending_id = t.id)`
  const [m] = await rows<Record<keyof MoneyFigures, string>>(
    executor,
    sql`select
        coalesce(sum(t.amount) filter (where t.code = 'pledge' and t.pending), 0)::text pledged,
        coalesce(sum(t.amount) filter (where t.code = 'pledge' and t.pending and ${open}), 0)::text held,
        coalesce(sum(t.amount) filter (where t.code = 'release' and t.post_pending), 0)::text released,
        coalesce(sum(t.amount) filter (where t.code = 'payout'), 0)::text delivered,
        coalesce(sum(t.amount) filter (where t.code = 'pledge' and t.pending and ${open} and t.created_at < ${idleBefore}::timestamptz), 0)::text idle
      from ledger_transfers t join listings l on l.id = t.listing_id join organizations o on o.id = l.organization_id
      where t.ledger = 'CNY' and ${all([regionCond(sql`l.region_code`, f), ...orgConds(scope, f), ...periodConds(sql`t.created_at`, f)])}`,
  )
  const items = await rows<{ item_kind: string; item_unit: string } & Record<keyof MoneyFigures, string>>(
    executor,
    sql`select lt.item_kind, lt.item_unit,
        sum(lt.quantity)::text pledged,
        sum(p.in_stock)::text held,
        sum(p.in_transit + p.delivered)::text released,
        sum(p.delivered)::text delivered,
        sum(case when lt.created_at < ${idleBefore}::timestamptz then p.in_stock else 0 end)::text idle
      from ledger_lots lt join organizations o on o.id = lt.organization_id left join listings l on l.id = lt.listing_id
        left join ledger_accounts s on s.code = 'stock' and s.scope_id = lt.id
        cross join lateral (select
          coalesce(s.credits_posted - s.debits_posted - s.debits_pending, 0) in_stock,
          coalesce(s.debits_pending, 0) in_transit,
          (select coalesce(sum(t.amount), 0) from ledger_transfers t join ledger_accounts hh on hh.id = t.credit_account_id
            where t.lot_id = lt.id and t.debit_account_id = s.id and hh.code = 'household' and not t.pending and not t.void_pending) delivered) p
      where ${all([regionCond(sql`coalesce(l.region_code, o.region_code)`, f), ...orgConds(scope, f), ...periodConds(sql`lt.created_at`, f)])}
      group by lt.ledger, lt.item_kind, lt.item_unit
      order by lt.item_kind, lt.item_unit`,
  )
  const money = (v: string | undefined) => new Decimal(v ?? '0').toFixed(2)
  const qty = (v: string) => new Decimal(v).toFixed()
  return {
    money: { pledged: money(m?.pledged), held: money(m?.held), released: money(m?.released), delivered: money(m?.delivered), idle: money(m?.idle) },
    items: items.map((r) => ({ itemKind: r.item_kind, itemUnit: r.item_unit, pledged: qty(r.pledged), held: qty(r.held), released: qty(r.released), delivered: qty(r.delivered), idle: qty(r.idle) })),
  }
}

export type FeedbackScores = { responses: number; satisfaction: string | null; capability: string | null; integration: string | null }

/** Means of the three feedback dimensions (1–5), two decimals, for feedback recorded in the period. */
export async function feedbackScores(scope: KpiScope, f: KpiFilters, executor: Executor = defaultDb): Promise<FeedbackScores> {
  const [r] = await rows<{ n: number; s: string | null; c: string | null; i: string | null }>(
    executor,
    sql`select count(*)::int n, avg(fb.satisfaction)::text s, avg(fb.capability)::text c, avg(fb.integration)::text i
      from feedback fb join organizations o on o.id = fb.organization_id
      where ${all([regionCond(sql`fb.region_code`, f), ...orgConds(scope, f), ...periodConds(sql`fb.created_at`, f)])}`,
  )
  const mean = (v: string | null | undefined) => (v == null ? null : new Decimal(v).toDecimalPlaces(2).toFixed(2))
  return { responses: r?.n ?? 0, satisfaction: mean(r?.s), capability: mean(r?.c), integration: mean(r?.i) }
}

export type QueueHealth = { queue: string; waiting: number; active: number; delayed: number; failed: number }

/** Depth of every BullMQ queue; null when Redis cannot be reached. */
export async function queueHealth(): Promise<QueueHealth[] | null> {
  try {
    return await Promise.all(
      queueNames.map(async (queue) => {
        const counts = await Promise.race([
          getQueue(queue).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized'),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('redis timeout')), 2000).unref()),
        ])
        return { queue, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, delayed: counts.delayed ?? 0, failed: counts.failed ?? 0 }
      }),
    )
  } catch {
    return null
  }
}

export type Dashboard = {
  tiers: TierCoverage[]
  funnel: Funnel
  duplicates: DuplicateRate
  resolution: Resolution
  funds: Funds
  feedback: FeedbackScores
}

/** Every KPI for one scope and filter set. */
export async function dashboard(scope: KpiScope, f: KpiFilters, now = new Date()): Promise<Dashboard> {
  const [tiers, funnelFigures, duplicates, resolutionFigures, fundFigures, feedback] = await Promise.all([
    tierCoverage(scope, f),
    funnel(scope, f),
    duplicateRate(scope, f),
    resolution(scope, f),
    funds(scope, f, now),
    feedbackScores(scope, f),
  ])
  return { tiers, funnel: funnelFigures, duplicates, resolution: resolutionFigures, funds: fundFigures, feedback }
}

// ───────────────────────────── resolution-rate alerts ─────────────────────────────

type Threshold = typeof resolutionThresholds.$inferSelect

/** The threshold that applies to a region code: the longest region prefix, else the national row. */
export function thresholdFor(thresholds: Threshold[], regionCode: string): Threshold | null {
  let best: Threshold | null = thresholds.find((t) => t.regionCode === null) ?? null
  for (const t of thresholds) {
    if (t.regionCode !== null && regionCode.startsWith(t.regionCode) && (best?.regionCode ?? '').length < t.regionCode.length) best = t
  }
  return best
}

type ScopeKey = { scope: 'organization'; organizationId: string; regionCode: null } | { scope: 'region'; organizationId: null; regionCode: string }

export type ResolutionEvaluation = { raised: number; updated: number; resolved: number; judged: number }

/**
 * Computes, over each applicable threshold's window ending at `now`, the resolution rate
 * (completed / closed loops that had been accepted or were referrals) of every organization and
 * every county (6-digit code of the household's region). Below `minRate` with at least
 * `minClosed` loops: one open alert per scope (raised once; a later run refreshes its figures).
 * An open alert whose scope is back at or above the threshold (with enough loops to judge) is
 * resolved automatically. Safe to run any number of times.
 */
export async function evaluateResolutionRates(now = new Date(), executor: Executor = defaultDb): Promise<ResolutionEvaluation> {
  return executor.transaction(async (tx) => {
    // One evaluation at a time (the schedule and a manual run may overlap).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('evaluate-resolution-rates'))`)
    const thresholds = await tx.select().from(resolutionThresholds)
    if (!thresholds.length) return { raised: 0, updated: 0, resolved: 0, judged: 0 }
    const maxWindow = Math.max(...thresholds.map((t) => t.windowDays))
    const loops = await rows<{ outcome: OutcomeCode; closed_at: Date | string; organization_id: string; org_region: string; county: string }>(
      tx,
      sql`select ao.outcome::text outcome, ao.closed_at, l.organization_id, o.region_code org_region, substr(h.region_code, 1, 6) county
        from application_outcomes ao join applications a on a.id = ao.application_id join households h on h.id = a.household_id
          join listings l on l.id = a.listing_id join organizations o on o.id = l.organization_id
        where (ao.was_accepted or a.invited_at is not null)
          and ao.closed_at <= ${now.toISOString()}::timestamptz and ao.closed_at > ${new Date(now.getTime() - maxWindow * DAY_MS).toISOString()}::timestamptz`,
    )
    type Tally = { key: ScopeKey; threshold: Threshold; closed: number; completed: number }
    const tallies = new Map<string, Tally>()
    const count = (id: string, key: ScopeKey, regionForThreshold: string, loop: (typeof loops)[number]) => {
      let tally = tallies.get(id)
      if (!tally) {
        const threshold = thresholdFor(thresholds, regionForThreshold)
        if (!threshold) return
        tally = { key, threshold, closed: 0, completed: 0 }
        tallies.set(id, tally)
      }
      if (new Date(loop.closed_at).getTime() <= now.getTime() - tally.threshold.windowDays * DAY_MS) return
      tally.closed += 1
      if (loop.outcome === 'completed') tally.completed += 1
    }
    for (const loop of loops) {
      count(`organization:${loop.organization_id}`, { scope: 'organization', organizationId: loop.organization_id, regionCode: null }, loop.org_region, loop)
      count(`region:${loop.county}`, { scope: 'region', organizationId: null, regionCode: loop.county }, loop.county, loop)
    }
    const open = await tx.select().from(resolutionAlerts).where(isNull(resolutionAlerts.resolvedAt))
    const openByKey = new Map(open.map((a) => [a.scope === 'organization' ? `organization:${a.organizationId}` : `region:${a.regionCode}`, a]))
    const result: ResolutionEvaluation = { raised: 0, updated: 0, resolved: 0, judged: 0 }
    for (const [id, tally] of tallies) {
      if (tally.closed < tally.threshold.minClosed) continue // too few loops to judge
      result.judged += 1
      const rate = new Decimal(tally.completed).div(tally.closed)
      const minRate = new Decimal(tally.threshold.minRate)
      const existing = openByKey.get(id)
      const figures = { rate: rate.toFixed(3), minRate: minRate.toFixed(3), closed: tally.closed }
      if (rate.lt(minRate)) {
        if (existing) {
          await tx.update(resolutionAlerts).set(figures).where(eq(resolutionAlerts.id, existing.id))
          result.updated += 1
        } else {
          const inserted = await tx
            .insert(resolutionAlerts)
            .values({ scope: tally.key.scope, organizationId: tally.key.organizationId, regionCode: tally.key.regionCode, ...figures, raisedAt: now })
            .onConflictDoNothing()
            .returning({ id: resolutionAlerts.id })
          result.raised += inserted.length
        }
      } else if (existing) {
        await tx
          .update(resolutionAlerts)
          .set({ resolvedAt: now, resolutionNote: `recovered ${figures.rate} >= ${figures.minRate} over ${tally.closed}` })
          .where(and(eq(resolutionAlerts.id, existing.id), isNull(resolutionAlerts.resolvedAt)))
        result.resolved += 1
      }
    }
    return result
  })
}

export type OpenResolutionAlert = {
  id: string
  scope: 'organization' | 'region'
  organizationName: string | null
  regionCode: string | null
  regionName: string | null
  rate: string
  minRate: string
  closed: number
  raisedAt: string
}

/** Open resolution alerts, newest first, named for display. */
export async function openResolutionAlerts(executor: Executor = defaultDb): Promise<OpenResolutionAlert[]> {
  const result = await rows<{ id: string; scope: 'organization' | 'region'; organization_name: string | null; region_code: string | null; region_name: string | null; rate: string; min_rate: string; closed: number; raised_at: Date | string }>(
    executor,
    sql`select ra.id, ra.scope, o.name organization_name, ra.region_code, r.name region_name, ra.rate::text, ra.min_rate::text, ra.closed::int closed, ra.raised_at
      from resolution_alerts ra left join organizations o on o.id = ra.organization_id left join regions r on r.code = ra.region_code
      where ra.resolved_at is null order by ra.raised_at desc limit 200`,
  )
  return result.map((r) => ({
    id: r.id,
    scope: r.scope,
    organizationName: r.organization_name,
    regionCode: r.region_code,
    regionName: r.region_name,
    rate: r.rate,
    minRate: r.min_rate,
    closed: r.closed,
    raisedAt: new Date(r.raised_at).toISOString(),
  }))
}
