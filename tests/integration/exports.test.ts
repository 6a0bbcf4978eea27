import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createListing } from '~/models/listing.server'
import { makeUser } from '../factories/users'
import { listingInput } from '../factories/listings'
import { TestClient } from '../setup/app'

// The HSDS 3.0 fields this export implements (service, organization, service_at_location,
// location, service_area, attribute/taxonomy_term), as a consumer would validate them.
const uuid = z.string().uuid()
const HsdsLocation = z.object({ id: uuid, location_type: z.enum(['physical', 'postal', 'virtual']), name: z.string().min(1), external_identifier: z.string(), external_identifier_type: z.string() }).strict()
const HsdsService = z
  .object({
    id: uuid,
    organization_id: uuid,
    name: z.string().min(1),
    description: z.string(),
    url: z.string().url(),
    status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed']),
    application_process: z.string(),
    minimum_age: z.number().nullable(),
    maximum_age: z.number().nullable(),
    last_modified: z.string().datetime(),
    organization: z.object({ id: uuid, name: z.string().min(1), description: z.string(), uri: z.string().url() }).strict(),
    service_areas: z.array(z.object({ id: uuid, service_id: uuid, name: z.string(), description: z.string() }).strict()).min(1),
    service_at_locations: z.array(z.object({ id: uuid, service_id: uuid, location_id: uuid, location: HsdsLocation }).strict()).min(1),
    attributes: z.array(
      z
        .object({
          id: uuid,
          link_id: uuid,
          link_type: z.string(),
          link_entity: z.literal('service'),
          taxonomy_term: z.object({ id: uuid, code: z.string(), name: z.string(), description: z.string(), taxonomy: z.string() }).strict(),
        })
        .strict(),
    ),
  })
  .strict()
const HsdsServiceList = z
  .object({
    total_items: z.number().int(),
    total_pages: z.number().int(),
    page_number: z.number().int(),
    size: z.number().int(),
    first_page: z.boolean(),
    last_page: z.boolean(),
    empty: z.boolean(),
    contents: z.array(HsdsService),
  })
  .strict()

async function setUp() {
  const user = await makeUser({ role: 'org_member' })
  const actor = { id: user.id, role: 'org_member' as const, organizationId: user.organizationId }
  const contact = '联系王老师 13800138000'
  const job = await createListing(actor, listingInput('job', { title: '=HYPERLINK("http://evil")招聘焊工', contactMethod: contact }), { publish: true })
  const training = await createListing(actor, listingInput('training', { regionCode: '621102', contactMethod: contact }), { publish: true })
  const draft = await createListing(actor, listingInput('job', { title: '草稿岗位不应导出', contactMethod: contact }))
  if (!job.ok || !training.ok || !draft.ok) throw new Error('fixture listings invalid')
  return { organizationId: user.organizationId!, job: job.id, training: training.id, draft: draft.id, contact }
}

describe('listing exports', () => {
  it('CSV: UTF-8 with BOM, published listings only, formulas neutralised, no contact details, filters by kind and region', async () => {
    const { job, training, draft, contact } = await setUp()
    const client = new TestClient()
    const response = await client.get('/listings.csv')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes)
    const rows = parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>
    const ids = rows.map((r) => r.id)
    expect(ids).toContain(job)
    expect(ids).toContain(training)
    expect(ids).not.toContain(draft)
    const jobRow = rows.find((r) => r.id === job)!
    expect(jobRow.title).toBe(`'=HYPERLINK("http://evil")招聘焊工`)
    expect(jobRow).toMatchObject({ kind: 'job', region_code: '522634', wage_min: '4000.00', wage_max: '5500.50', position: '焊工' })
    expect(jobRow.region_name).toContain('雷山县')
    expect(jobRow.url).toBe(`http://localhost/listings/${job}`)
    expect(text).not.toContain('13800138000')
    expect(text).not.toContain(contact)

    const filtered = parse((await (await client.get('/listings.csv?kind=training&region=6211')).text()).replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>
    expect(filtered.map((r) => r.id)).toEqual([training])

    // The browse page offers both files with the filters it shows.
    const page = await (await client.get('/listings?kind=training&region=6211')).text()
    expect(page).toContain('导出当前结果')
    expect(page).toContain('href="/listings.csv?kind=training&amp;region=6211"')
    expect(page).toContain('href="/listings.hsds.json?kind=training&amp;region=6211"')
  })

  it('HSDS JSON: a valid HSDS 3.0 service list of published listings with organization and location, without personal data', async () => {
    const { organizationId, job, training, draft } = await setUp()
    const client = new TestClient()
    const response = await client.get('/listings.hsds.json?per_page=1000')
    expect(response.status).toBe(200)
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const raw = await response.text()
    const body = HsdsServiceList.parse(JSON.parse(raw))
    const ids = body.contents.map((s) => s.id)
    expect(ids).toEqual(expect.arrayContaining([job, training]))
    expect(ids).not.toContain(draft)
    expect(raw).not.toContain('13800138000')
    expect(raw).not.toContain('王老师')
    const service = body.contents.find((s) => s.id === training)!
    expect(service.organization.id).toBe(organizationId)
    expect(service.organization_id).toBe(organizationId)
    expect(service.service_at_locations[0]!.location).toMatchObject({ external_identifier: '621102', location_type: 'physical' })
    expect(service.service_at_locations[0]!.location.name).toContain('安定区')
    expect(service.attributes.map((a) => a.taxonomy_term.code)).toContain('training')

    // Filters and pages: one service per page, every page a job in 黔东南 (5226).
    const first = HsdsServiceList.parse(await (await client.get('/listings.hsds.json?kind=job&region=5226&per_page=1')).json())
    expect(first).toMatchObject({ page_number: 1, size: 1, first_page: true, empty: false })
    expect(first.total_pages).toBe(first.total_items)
    const seen: string[] = []
    for (let n = 1; n <= first.total_pages; n++) {
      const page = HsdsServiceList.parse(await (await client.get(`/listings.hsds.json?kind=job&region=5226&per_page=1&page=${n}`)).json())
      expect(page.contents).toHaveLength(1)
      expect(page.last_page).toBe(n === first.total_pages)
      expect(page.contents[0]!.attributes.map((a) => a.taxonomy_term.code)).toContain('job')
      seen.push(page.contents[0]!.id)
    }
    expect(seen).toContain(job)
    expect(seen).not.toContain(training)
    expect(new Set(seen).size).toBe(seen.length)

    // A page size above the maximum is cut to it.
    expect(HsdsServiceList.parse(await (await client.get('/listings.hsds.json?per_page=5000')).json()).size).toBe(1000)
  })

  it('refuses a filter or page it does not understand (400, JSON naming the parameters) instead of exporting everything', async () => {
    await setUp()
    const client = new TestClient()
    for (const [path, invalid] of [
      ['/listings.csv?kind=jobs', ['kind']],
      ['/listings.csv?region=52-26&category=employment', ['region']],
      ['/listings.hsds.json?orgKind=bank&group=elderly&page=0', ['orgKind', 'group', 'page']],
      ['/listings.hsds.json?per_page=ten', ['per_page']],
      ['/listings.hsds.json?page=2&page=3', ['page']],
    ] as const) {
      const response = await client.get(path)
      expect(response.status, path).toBe(400)
      const body = (await response.json()) as { error: string; invalid: string[]; message: string }
      expect(body.error).toBe('invalid_query')
      expect([...body.invalid].sort(), path).toEqual([...invalid].sort())
      expect(body.message).toContain(invalid[0])
    }
    // Browse-only parameters (search words, sort, page) do not concern the CSV file.
    expect((await client.get('/listings.csv?q=焊工&sort=best&page=x')).status).toBe(200)
  })
})
