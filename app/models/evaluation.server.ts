// Evaluation (评价汇总): feedback aggregated per listing, organization, organization kind and
// region over a period. Means are exact: the database returns integer sums and counts, and the
// division happens in decimal.js, rounded half-up to 2 decimals.
//
// Combined score (综合评分) = the mean of the three dimension means. Every feedback carries all
// three scores, so this equals (Σ satisfaction + Σ capability + Σ integration) / (3 × count),
// which is what is computed (no rounding of the parts before combining).
import Decimal from 'decimal.js'
import { and, eq, gte, inArray, like, lt, sql, type SQL } from 'drizzle-orm'
import { feedback, listings, organizations, regions, type OrganizationKind } from '@db/schema'
import { db } from '~/utils/db.server'
import { parseKpiFilters } from './kpi.server'
import { regionPathNames } from './region.server'

export type EvaluationFilter = {
  /** Feedback given at or after this instant. */
  from?: Date
  /** Feedback given before this instant. */
  to?: Date
  /** Region code prefix of the evaluated household (province 2, city 4, county 6 digits …). */
  regionPrefix?: string
  organizationKind?: OrganizationKind
  organizationId?: string
  listingId?: string
}

export type EvaluationFigures = {
  count: number
  /** Means with 2 decimals as strings ("4.33"); null when there is no feedback. */
  satisfaction: string | null
  capability: string | null
  integration: string | null
  combined: string | null
}

export const evaluationGroupings = ['listing', 'organization', 'organizationKind', 'province', 'city', 'county'] as const
export type EvaluationGrouping = (typeof evaluationGroupings)[number]

const regionLengths = { province: 2, city: 4, county: 6 } as const

function mean(sum: Decimal.Value, count: Decimal.Value) {
  return new Decimal(sum).div(count).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)
}

/** Figures from integer sums: the pure arithmetic, exported for unit tests. */
export function figuresFromSums(count: number, sums: { satisfaction: number | string; capability: number | string; integration: number | string }): EvaluationFigures {
  if (!count) return { count: 0, satisfaction: null, capability: null, integration: null, combined: null }
  const total = new Decimal(sums.satisfaction).plus(sums.capability).plus(sums.integration)
  return {
    count,
    satisfaction: mean(sums.satisfaction, count),
    capability: mean(sums.capability, count),
    integration: mean(sums.integration, count),
    combined: mean(total, new Decimal(count).times(3)),
  }
}

function whereOf(filter: EvaluationFilter): SQL | undefined {
  const prefix = filter.regionPrefix?.trim()
  if (prefix && !/^\d{1,12}$/.test(prefix)) throw new Error('regionPrefix must be digits')
  return and(
    filter.from ? gte(feedback.createdAt, filter.from) : undefined,
    filter.to ? lt(feedback.createdAt, filter.to) : undefined,
    prefix ? like(feedback.regionCode, `${prefix}%`) : undefined,
    filter.organizationKind ? eq(organizations.kind, filter.organizationKind) : undefined,
    filter.organizationId ? eq(feedback.organizationId, filter.organizationId) : undefined,
    filter.listingId ? eq(feedback.listingId, filter.listingId) : undefined,
  )
}

const sums = {
  count: sql<number>`count(*)::int`,
  satisfaction: sql<string>`coalesce(sum(${feedback.satisfaction}), 0)::text`,
  capability: sql<string>`coalesce(sum(${feedback.capability}), 0)::text`,
  integration: sql<string>`coalesce(sum(${feedback.integration}), 0)::text`,
}

/** Overall figures for a filter (period, region prefix, organization kind, organization). */
export async function evaluationSummary(filter: EvaluationFilter = {}): Promise<EvaluationFigures> {
  const [row] = await db.select(sums).from(feedback).innerJoin(organizations, eq(organizations.id, feedback.organizationId)).where(whereOf(filter))
  return figuresFromSums(row?.count ?? 0, row ?? { satisfaction: 0, capability: 0, integration: 0 })
}

export type EvaluationRow = EvaluationFigures & {
  /** Listing id, organization id, organization kind, or region code (by grouping). */
  key: string
  /** Listing title, organization name, region path; for kinds the caller translates the key. */
  label: string
}

/** Figures per group, best combined score first (then most feedback, then key). */
export async function evaluationBy(groupBy: EvaluationGrouping, filter: EvaluationFilter = {}): Promise<EvaluationRow[]> {
  const keyExpr: SQL<string> =
    groupBy === 'listing'
      ? sql<string>`${feedback.listingId}::text`
      : groupBy === 'organization'
        ? sql<string>`${feedback.organizationId}::text`
        : groupBy === 'organizationKind'
          ? sql<string>`${organizations.kind}::text`
          : // The length comes from a fixed table (2/4/6), never from input; inlined so GROUP BY matches the select.
            sql<string>`left(${feedback.regionCode}, ${sql.raw(String(regionLengths[groupBy]))})`
  const rows = await db
    .select({ key: keyExpr, ...sums })
    .from(feedback)
    .innerJoin(organizations, eq(organizations.id, feedback.organizationId))
    .where(whereOf(filter))
    .groupBy(keyExpr)
  const keys = rows.map((r) => r.key)
  let labels = new Map<string, string>()
  if (keys.length && groupBy === 'listing') {
    labels = new Map((await db.select({ id: listings.id, title: listings.title }).from(listings).where(inArray(listings.id, keys))).map((r) => [r.id, r.title]))
  } else if (keys.length && groupBy === 'organization') {
    labels = new Map((await db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, keys))).map((r) => [r.id, r.name]))
  } else if (keys.length && groupBy in regionLengths) {
    const known = new Set((await db.select({ code: regions.code }).from(regions).where(inArray(regions.code, keys))).map((r) => r.code))
    labels = await regionPathNames(keys.filter((k) => known.has(k)))
  }
  return rows
    .map((r) => ({ key: r.key, label: labels.get(r.key) ?? r.key, ...figuresFromSums(r.count, r) }))
    .sort((a, b) => new Decimal(b.combined ?? 0).cmp(a.combined ?? 0) || b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** What an organization sees at /org/evaluation: its own figures and those of each of its listings. */
export async function organizationEvaluation(organizationId: string, filter: Omit<EvaluationFilter, 'organizationId'> = {}) {
  const scoped = { ...filter, organizationId }
  const [summary, byListing] = await Promise.all([evaluationSummary(scoped), evaluationBy('listing', scoped)])
  return { summary, byListing }
}

/**
 * Reads the report filter from a page's query string with the KPI dashboard's parser (the same
 * fields: from/to inclusive, region code, organization kind) plus groupBy. A bad field is
 * reported (catalog keys in `errors`) and no filter applies, as on the dashboard.
 */
export function filterFromSearch(params: URLSearchParams) {
  const { filters, values, errors } = parseKpiFilters(params)
  const groupBy = params.get('groupBy') ?? ''
  const filter: EvaluationFilter = {
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.until ? { to: filters.until } : {}),
    ...(filters.region ? { regionPrefix: filters.region } : {}),
    ...(filters.orgKind ? { organizationKind: filters.orgKind } : {}),
  }
  return {
    filter,
    groupBy: (evaluationGroupings as readonly string[]).includes(groupBy) ? (groupBy as EvaluationGrouping) : null,
    form: values,
    errors,
  }
}
