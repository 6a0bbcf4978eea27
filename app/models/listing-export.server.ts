// Published listings for other directories: CSV (opens in Excel with Chinese text) and JSON
// in the Open Referral HSDS 3.0 shape (service → organization, service_at_locations →
// location, service_areas, attributes). Only published listings; no personal data: no
// contact method (it may name a person or a mobile number), no organization phone, no
// author, nothing about households.
import { createHash } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, arrayOverlaps, asc, eq, inArray, like, sql, type SQL } from 'drizzle-orm'
import { notEnded } from './listing-dates'
import { donationDetails, jobDetails, listings, organizations, projectDetails, trainingDetails } from '@db/schema'
import { db } from '~/utils/db.server'
import zhListings from '../../public/locales/zh-CN/listings.json'
import type { BrowseQuery } from './listing-search.server'
import { regionPathNames } from './region.server'

export const exportFilterParams = ['kind', 'category', 'group', 'orgKind', 'region'] as const satisfies ReadonlyArray<keyof BrowseQuery>
export type ExportFilters = Pick<BrowseQuery, (typeof exportFilterParams)[number]>

/**
 * 400 for an export asked with a filter value it does not know: a program fetching the file would
 * otherwise get every listing and take it for the filtered set. JSON with a code, like the feed API.
 */
export function invalidExportQuery(params: string[]) {
  const names = [...new Set(params)]
  return Response.json(
    {
      error: 'invalid_query',
      invalid: names,
      message: `These query parameters have a value the export does not accept: ${names.join(', ')}. Filters: kind, category, group, orgKind (known codes), region (2, 4, 6, 9 or 12 digits); page and per_page are positive whole numbers.`,
    },
    { status: 400 },
  )
}

export const HSDS_PAGE_SIZE = 500
export const HSDS_MAX_PAGE_SIZE = 1000
const CSV_MAX_ROWS = 50_000

function where(filters: ExportFilters): SQL {
  const conditions: SQL[] = [eq(listings.status, 'published'), notEnded(listings.endsOn)]
  if (filters.kind.length) conditions.push(inArray(listings.kind, filters.kind))
  if (filters.category.length) conditions.push(arrayOverlaps(listings.categories, filters.category))
  if (filters.group.length) conditions.push(arrayOverlaps(listings.targetGroups, filters.group))
  if (filters.orgKind.length) conditions.push(inArray(organizations.kind, filters.orgKind))
  if (filters.region) conditions.push(like(listings.regionCode, `${filters.region}%`))
  return and(...conditions)!
}

async function exportRows(filters: ExportFilters, options: { limit: number; offset: number }) {
  const rows = await db
    .select({
      id: listings.id,
      kind: listings.kind,
      title: listings.title,
      description: listings.description,
      regionCode: listings.regionCode,
      categories: listings.categories,
      targetGroups: listings.targetGroups,
      startsOn: listings.startsOn,
      endsOn: listings.endsOn,
      capacity: listings.capacity,
      ageMin: listings.ageMin,
      ageMax: listings.ageMax,
      publishedAt: listings.publishedAt,
      updatedAt: listings.updatedAt,
      organization: { id: organizations.id, name: organizations.name, kind: organizations.kind, description: organizations.description, verifiedAt: organizations.verifiedAt },
      position: jobDetails.position,
      wageMin: jobDetails.wageMin,
      wageMax: jobDetails.wageMax,
      wagePeriod: jobDetails.wagePeriod,
      costYuan: trainingDetails.costYuan,
      delivery: trainingDetails.delivery,
      donationType: donationDetails.donationType,
      targetAmount: donationDetails.targetAmount,
      itemKind: donationDetails.itemKind,
      itemUnit: donationDetails.itemUnit,
      quantity: donationDetails.quantity,
      budget: projectDetails.budget,
      durationMonths: projectDetails.durationMonths,
    })
    .from(listings)
    .innerJoin(organizations, eq(organizations.id, listings.organizationId))
    .leftJoin(jobDetails, eq(jobDetails.listingId, listings.id))
    .leftJoin(trainingDetails, eq(trainingDetails.listingId, listings.id))
    .leftJoin(donationDetails, eq(donationDetails.listingId, listings.id))
    .leftJoin(projectDetails, eq(projectDetails.listingId, listings.id))
    .where(where(filters))
    .orderBy(asc(listings.publishedAt), asc(listings.id))
    .limit(options.limit)
    .offset(options.offset)
  const names = await regionPathNames(rows.map((r) => r.regionCode))
  return rows.map((r) => ({ ...r, regionName: names.get(r.regionCode) ?? r.regionCode }))
}
type ExportRow = Awaited<ReturnType<typeof exportRows>>[number]

async function countRows(filters: ExportFilters) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(listings)
    .innerJoin(organizations, eq(organizations.id, listings.organizationId))
    .where(where(filters))
  return row?.n ?? 0
}

// ---------------------------------------------------------------------------------------
// CSV

/**
 * One cell, always quoted. A cell a spreadsheet would run as a formula (leading = + - @, or a
 * tab / carriage return before one) gets a leading apostrophe, so it is shown as text.
 */
export function csvCell(value: string | number | null | undefined) {
  const text = value === null || value === undefined ? '' : String(value)
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return `"${safe.replace(/"/g, '""')}"`
}

export const CSV_COLUMNS = [
  'id',
  'kind',
  'title',
  'description',
  'organization_id',
  'organization_name',
  'organization_kind',
  'region_code',
  'region_name',
  'categories',
  'target_groups',
  'starts_on',
  'ends_on',
  'capacity',
  'minimum_age',
  'maximum_age',
  'position',
  'wage_min',
  'wage_max',
  'wage_period',
  'cost_yuan',
  'delivery',
  'donation_type',
  'target_amount',
  'item_kind',
  'quantity',
  'item_unit',
  'budget',
  'duration_months',
  'published_at',
  'updated_at',
  'url',
] as const

const money = (v: string | null) => (v === null ? '' : new Decimal(v).toFixed(2))

/** UTF-8 with BOM and CRLF, so Excel opens the Chinese text correctly. */
export async function publishedListingsCsv(filters: ExportFilters, baseUrl: string) {
  const rows = await exportRows(filters, { limit: CSV_MAX_ROWS, offset: 0 })
  const lines = [CSV_COLUMNS.map(csvCell).join(',')]
  for (const r of rows) {
    const values: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
      id: r.id,
      kind: r.kind,
      title: r.title,
      description: r.description,
      organization_id: r.organization.id,
      organization_name: r.organization.name,
      organization_kind: r.organization.kind,
      region_code: r.regionCode,
      region_name: r.regionName,
      categories: r.categories.join(';'),
      target_groups: r.targetGroups.join(';'),
      starts_on: r.startsOn,
      ends_on: r.endsOn,
      capacity: r.capacity,
      minimum_age: r.ageMin,
      maximum_age: r.ageMax,
      position: r.position,
      wage_min: money(r.wageMin),
      wage_max: money(r.wageMax),
      wage_period: r.wagePeriod,
      cost_yuan: money(r.costYuan),
      delivery: r.delivery,
      donation_type: r.donationType,
      target_amount: money(r.targetAmount),
      item_kind: r.itemKind,
      quantity: r.quantity === null ? '' : new Decimal(r.quantity).toString(),
      item_unit: r.itemUnit,
      budget: money(r.budget),
      duration_months: r.durationMonths,
      published_at: r.publishedAt?.toISOString() ?? '',
      updated_at: r.updatedAt.toISOString(),
      url: `${baseUrl}/listings/${r.id}`,
    }
    lines.push(CSV_COLUMNS.map((c) => csvCell(values[c])).join(','))
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

// ---------------------------------------------------------------------------------------
// HSDS 3.0 JSON

/** A stable UUID for an entity HSDS needs but Gongjian has no row for (a region as a location). */
function stableUuid(name: string) {
  const h = createHash('sha1').update(`gongjian:${name}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

function hsdsService(r: ExportRow, baseUrl: string) {
  const locationId = stableUuid(`location:${r.regionCode}`)
  const label = (labels: Record<string, string>, code: string) => labels[code] ?? code
  const terms = [
    { taxonomy: 'gongjian:listing_kind', code: r.kind, name: label(zhListings.kinds, r.kind) },
    ...r.categories.map((code) => ({ taxonomy: 'gongjian:need_category', code, name: label(zhListings.categories, code) })),
    ...r.targetGroups.map((code) => ({ taxonomy: 'gongjian:target_group', code, name: label(zhListings.target_groups, code) })),
  ]
  return {
    id: r.id,
    organization_id: r.organization.id,
    name: r.title,
    description: r.description,
    url: `${baseUrl}/listings/${r.id}`,
    status: 'active' as const,
    application_process: `${baseUrl}/listings/${r.id}`,
    minimum_age: r.ageMin,
    maximum_age: r.ageMax,
    last_modified: r.updatedAt.toISOString(),
    organization: {
      id: r.organization.id,
      name: r.organization.name,
      description: r.organization.description,
      uri: `${baseUrl}/organizations/${r.organization.id}`,
    },
    service_areas: [{ id: stableUuid(`service_area:${r.id}`), service_id: r.id, name: r.regionName, description: r.regionCode }],
    service_at_locations: [
      {
        id: stableUuid(`service_at_location:${r.id}:${r.regionCode}`),
        service_id: r.id,
        location_id: locationId,
        location: {
          id: locationId,
          location_type: 'physical' as const,
          name: r.regionName,
          external_identifier: r.regionCode,
          external_identifier_type: 'GB/T 2260',
        },
      },
    ],
    attributes: terms.map((t) => ({
      id: stableUuid(`attribute:${r.id}:${t.taxonomy}:${t.code}`),
      link_id: r.id,
      link_type: 'service',
      link_entity: 'service',
      taxonomy_term: { id: stableUuid(`term:${t.taxonomy}:${t.code}`), code: t.code, name: t.name, description: t.name, taxonomy: t.taxonomy },
    })),
  }
}

/** One page of published listings as an HSDS 3.0 paginated service list. */
export async function publishedListingsHsds(filters: ExportFilters, baseUrl: string, page: number, perPage = HSDS_PAGE_SIZE) {
  const size = Math.min(Math.max(1, perPage), HSDS_MAX_PAGE_SIZE)
  const total = await countRows(filters)
  const totalPages = Math.max(1, Math.ceil(total / size))
  const rows = await exportRows(filters, { limit: size, offset: (page - 1) * size })
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: rows.length === 0,
    contents: rows.map((r) => hsdsService(r, baseUrl)),
  }
}
