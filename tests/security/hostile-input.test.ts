// Malformed, oversized, wrong-type and injection payloads against every form and API endpoint that
// writes: each answer is a 4xx with a message from the catalogs in the visitor's language, and no
// table changes. Payloads are generated per endpoint and field from the tables below.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createRequestHandler } from '@remix-run/node'
import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { feedDeliveries, feedRecords, listings } from '@db/schema'
import { createFeedApiKey } from '~/models/feeds/api-keys.server'
import { raiseWarning } from '~/models/warnings.server'
import { db } from '~/utils/db.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeItemDonationListing, makeMoneyDonationListing } from '../factories/ledger'
import { makeUser } from '../factories/users'
import { loadBuild, TestClient, textOf } from '../setup/app'
import { snapshotRowCounts } from './row-counts'

type Locale = 'zh-CN' | 'en'

/** Every string of a locale's catalogs as a pattern: placeholders match anything. */
function catalogPatterns(locale: Locale) {
  const out: RegExp[] = []
  const walk = (node: unknown) => {
    if (typeof node === 'string') {
      const fixed = node.replace(/\{\{[^}]+\}\}/g, '')
      if (fixed.trim().length >= 2) out.push(new RegExp(node.split(/\{\{[^}]+\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')))
    } else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v)
  }
  const dir = path.resolve('public/locales', locale)
  for (const file of readdirSync(dir)) walk(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))
  return out
}
const catalogs = { 'zh-CN': catalogPatterns('zh-CN'), en: catalogPatterns('en') }
const CJK = /[\u4e00-\u9fff]/

/** The text of the page's error elements (role="alert"), where a person looks for what went wrong. */
function alertTexts(html: string) {
  return [...html.matchAll(/<(\w+)[^>]*role="alert"[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => textOf(m[2]!).trim()).filter(Boolean)
}

function expectClearMessage(body: string, locale: Locale, where: string) {
  const alerts = alertTexts(body)
  expect(alerts.length, `${where}: no error shown in «${textOf(body).slice(0, 200)}»`).toBeGreaterThan(0)
  const fromCatalog = alerts.filter((a) => catalogs[locale].some((c) => c.test(a)))
  expect(fromCatalog, `${where}: the error «${alerts.join(' | ')}» is not a ${locale} catalog message`).not.toEqual([])
  // The message is in the visitor's language (English messages may quote the Chinese input back).
  if (locale === 'zh-CN') expect(fromCatalog.some((a) => CJK.test(a)), where).toBe(true)
  else expect(fromCatalog.some((a) => /[A-Za-z]{3}/.test(a.replace(/“[^”]*”/g, ''))), where).toBe(true)
}

async function rawRequest(pathname: string, init: { method?: string; body?: BodyInit; headers?: Record<string, string> }) {
  const handler = createRequestHandler(await loadBuild(), 'production')
  return handler(new Request(`http://localhost${pathname}`, { method: init.method ?? 'POST', body: init.body, headers: { Host: 'localhost', Origin: 'http://localhost', ...init.headers } }))
}

const LONG = '长'.repeat(20_000)
/** Hostile values by kind; which kinds each field must refuse is said per field below. */
const hostile = {
  long: LONG,
  nul: 'abc\u0000def',
  negative: '-100',
  nan: 'NaN',
  infinity: 'Infinity',
  exponent: '1e400',
  not_a_number: '一百元',
  unknown_enum: 'no_such_value_xyz',
  empty: '',
  wrong_type: ['a', 'b'],
  sql: `'; drop table listings; --`,
} as const
type Kind = keyof typeof hostile

type Endpoint = {
  name: string
  path: () => string
  actor: 'anonymous' | 'org' | 'donor' | 'admin' | 'caseworker' | 'resident'
  valid: () => Record<string, string | string[]>
  /** A valid submission that is accepted, when `valid` itself would change the state hostile forms are sent to. */
  accepted?: () => Record<string, string | string[]>
  fields: Record<string, Kind[]>
}

function jobForm(): Record<string, string | string[]> {
  return {
    kind: 'job',
    title: '雷山县电子厂招聘焊工',
    position: '焊工',
    description: '招聘熟练焊工，提供宿舍，每月休息四天。',
    regionCode: '522634',
    categories: 'employment',
    targetGroups: ['rural_low_income'],
    startsOn: '2027-01-01',
    endsOn: '2027-12-31',
    capacity: '5',
    contactMethod: '电话 0855-3331234',
    'skills[0].code': 'welding',
    'skills[0].level': 'intermediate',
    wageMin: '4000',
    wageMax: '5500',
    wagePeriod: 'month',
    workplaceRegionCode: '522634',
    intent: 'save',
  }
}

let donationId = ''
let itemDonationId = ''
let loginUser = { username: '', password: '' }
const alertIds: string[] = []

function householdForm(): Record<string, string | string[]> {
  return {
    regionCode: '522634101001',
    address: '西江镇羊排组',
    incomePerCapitaMonthly: '650',
    incomeSources: 'farming',
    housingType: 'owned_safe',
    landMu: '1.5',
    vehicleCount: '0',
    savingsBand: 'none',
    medicalMonthly: '400',
    debtYuan: '0',
    'members.0.fullName': '潘志刚',
    'members.0.isHead': 'on',
    'members.0.birthDate': '1985-06-01',
    'members.0.gender': 'male',
    'members.0.education': 'junior_high',
    'members.0.health': 'healthy',
    'members.0.employmentStatus': 'unemployed',
    'members.0.workRadius': 'county',
    'members.0.hoursPreference': 'full_time',
    'members.0.idNumber': '',
    'needs.employment': 'on',
  }
}
const uuid = () => crypto.randomUUID()

const endpoints: Endpoint[] = [
  {
    name: 'sign-up',
    path: () => '/signup',
    actor: 'anonymous',
    valid: () => ({ username: `u${uuid().slice(0, 8)}`, displayName: '王小明', password: 'abc12345', confirmPassword: 'abc12345', role: 'resident' }),
    fields: {
      username: ['long', 'nul', 'sql', 'empty', 'wrong_type'],
      displayName: ['long', 'empty', 'wrong_type'],
      password: ['long', 'empty', 'wrong_type'],
      role: ['unknown_enum', 'empty', 'wrong_type'],
      phone: ['not_a_number', 'sql', 'long'],
    },
  },
  {
    name: 'new job listing',
    path: () => '/org/listings/new?kind=job',
    actor: 'org',
    valid: jobForm,
    fields: {
      title: ['long', 'empty', 'wrong_type', 'nul'],
      description: ['long', 'nul'],
      position: ['nul'],
      kind: ['unknown_enum'],
      regionCode: ['sql', 'unknown_enum', 'long'],
      categories: ['unknown_enum'],
      targetGroups: ['unknown_enum'],
      capacity: ['negative', 'nan', 'infinity', 'exponent', 'not_a_number'],
      wageMin: ['negative', 'nan', 'exponent', 'not_a_number'],
      wagePeriod: ['unknown_enum'],
      startsOn: ['sql', 'not_a_number'],
      'skills[0].level': ['unknown_enum'],
    },
  },
  {
    name: 'money pledge',
    path: () => `/donor/pledge/${donationId}`,
    actor: 'donor',
    valid: () => ({ intent: 'money', key: uuid(), amount: '200' }),
    fields: {
      amount: ['negative', 'nan', 'infinity', 'exponent', 'not_a_number', 'empty', 'sql', 'long', 'wrong_type'],
      key: ['sql', 'empty', 'long'],
      intent: ['unknown_enum'],
    },
  },
  {
    name: 'log-in',
    path: () => '/login',
    actor: 'anonymous',
    valid: () => ({ ...loginUser }),
    fields: { username: ['long', 'nul', 'empty', 'wrong_type'], password: ['long', 'empty', 'wrong_type'] },
  },
  {
    name: 'new household file',
    path: () => '/caseworker/households/new',
    actor: 'caseworker',
    valid: householdForm,
    fields: {
      regionCode: ['sql', 'unknown_enum', 'long', 'wrong_type'],
      address: ['long', 'nul'],
      incomePerCapitaMonthly: ['negative', 'nan', 'infinity', 'exponent', 'not_a_number', 'empty'],
      landMu: ['negative', 'nan', 'not_a_number'],
      vehicleCount: ['negative', 'nan', 'exponent'],
      debtYuan: ['negative', 'infinity'],
      housingType: ['unknown_enum', 'sql'],
      savingsBand: ['unknown_enum'],
      'members.0.fullName': ['long', 'nul', 'empty'],
      'members.0.birthDate': ['sql', 'not_a_number', 'empty'],
      'members.0.gender': ['unknown_enum'],
      'members.0.education': ['unknown_enum'],
      'members.0.employmentStatus': ['unknown_enum'],
      'members.0.idNumber': ['sql', 'long', 'not_a_number'],
    },
  },
  {
    name: 'item pledge (lot)',
    path: () => `/donor/pledge/${itemDonationId}`,
    actor: 'donor',
    valid: () => ({ intent: 'lot', key: uuid(), quantity: '3', condition: 'new', expiresOn: '' }),
    fields: { quantity: ['negative', 'nan', 'infinity', 'exponent', 'not_a_number', 'empty', 'long'], condition: ['unknown_enum', 'wrong_type'], expiresOn: ['sql', 'not_a_number'] },
  },
  {
    name: 'resolve an alert',
    path: () => '/caseworker/alerts',
    actor: 'caseworker',
    valid: () => ({ intent: 'resolve', alertId: alertIds[0]!, note: '已电话回访，家庭情况稳定' }),
    accepted: () => ({ intent: 'resolve', alertId: alertIds[1]!, note: '已电话回访，家庭情况稳定' }),
    // Object.fromEntries keeps the last of repeated fields, so a repeated note is simply a note: no wrong_type here.
    fields: { note: ['long', 'nul', 'empty'], alertId: ['sql', 'empty'] },
  },
  {
    name: 'feed API key',
    path: () => '/admin/feeds?index',
    actor: 'admin',
    valid: () => ({ intent: 'create_key', feedType: 'dibao_enrolment', label: '民政局系统' }),
    fields: { feedType: ['unknown_enum', 'sql', 'wrong_type'], label: ['long', 'empty', 'nul'], intent: ['unknown_enum'] },
  },
]

const clients: Record<Endpoint['actor'], Record<Locale, TestClient>> = {} as never

beforeAll(async () => {
  const org = await makeUser({ role: 'org_member' })
  const donor = await makeUser({ role: 'donor' })
  const admin = await makeUser({ role: 'admin' })
  donationId = (await makeMoneyDonationListing()).id
  itemDonationId = (await makeItemDonationListing()).id
  const caseworker = await makeCaseworker('5226')
  for (const rule of ['hospitalized', 'house_damaged']) {
    const file = await makeHousehold({}, caseworker)
    alertIds.push((await raiseWarning(file.id, { rule, params: { days: 5 }, severity: 'high' }))!)
  }
  const resident = await makeUser({ role: 'resident' })
  loginUser = await makeUser({ role: 'donor' })
  for (const [actor, user] of [['org', org], ['donor', donor], ['admin', admin], ['caseworker', caseworker], ['resident', resident], ['anonymous', null]] as const) {
    clients[actor] = { 'zh-CN': new TestClient('zh-CN'), en: new TestClient('en') }
    if (user) for (const c of Object.values(clients[actor])) await c.logIn(user.username, user.password)
  }
}, 120_000)

describe('hostile form input', () => {
  for (const endpoint of endpoints) {
    it(`${endpoint.name}: every hostile value of every field is refused with a clear message, writing nothing`, async () => {
      // The valid form itself goes through, so the refusals below are about the hostile value.
      const ok = await (endpoint.actor === 'anonymous' ? new TestClient() : clients[endpoint.actor]['zh-CN']).post(endpoint.path(), (endpoint.accepted ?? endpoint.valid)())
      expect(ok.status, `${endpoint.name} accepts its valid form`).toBeLessThan(400)
      const before = await snapshotRowCounts()
      let tried = 0
      for (const [field, kinds] of Object.entries(endpoint.fields)) {
        for (const kind of kinds) {
          for (const locale of ['zh-CN', 'en'] as const) {
            const form = { ...endpoint.valid(), [field]: hostile[kind] as string | string[] }
            const response = await clients[endpoint.actor][locale].post(endpoint.path(), form)
            const where = `${endpoint.name} ${field}=${kind} (${locale})`
            expect(response.status, where).toBeGreaterThanOrEqual(400)
            expect(response.status, where).toBeLessThan(500)
            const body = await response.text()
            // Forms answer with the page and the error in it; the body is never a stack trace.
            expect(body, where).not.toMatch(/at [\w.]+ \(.*:\d+:\d+\)/)
            expectClearMessage(body, locale, where)
            tried++
          }
        }
      }
      const after = await snapshotRowCounts()
      expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual([])
      expect(tried).toBeGreaterThan(5)
    }, 120_000)
  }

  it('a pledge amount that is not a positive number with at most two decimals is always refused (fuzzed)', async () => {
    const client = clients.donor['zh-CN']
    const before = await snapshotRowCounts()
    const invalid = fc.oneof(
      fc.double({ noDefaultInfinity: false, noNaN: false }).filter((n) => !(n > 0) || !Number.isFinite(n)).map(String),
      fc.string({ maxLength: 40 }).filter((s) => !/^\s*\d+(\.\d{1,2})?\s*$/.test(s) || Number(s) <= 0),
      fc.constantFrom('0', '-0', '0.00', '1.001', '1,000', '１００', '+-1', '1e3', '0x10', ' ', '١٠٠'),
    )
    await fc.assert(
      fc.asyncProperty(invalid, async (amount) => {
        const response = await client.post(`/donor/pledge/${donationId}`, { intent: 'money', key: uuid(), amount })
        expect(response.status).toBeGreaterThanOrEqual(400)
        expect(response.status).toBeLessThan(500)
        expectClearMessage(await response.text(), 'zh-CN', `amount ${JSON.stringify(amount)}`)
      }),
      { numRuns: 60 },
    )
    const after = await snapshotRowCounts()
    expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual([])
  }, 120_000)
})

describe('injection payloads are stored as text and rendered escaped', () => {
  it('listing text with SQL and HTML/script is saved verbatim, shown escaped, never as markup', async () => {
    const client = clients.org['zh-CN']
    const title = `<script>alert(1)</script>招聘'; drop table listings; --`
    const description = `<img src=x onerror=alert(1)> 说明 "><svg onload=alert(2)> ${'\u202e'}`
    const response = await client.post('/org/listings/new?kind=job', { ...jobForm(), title, description, intent: 'publish' })
    expect(response.status).toBe(302)
    const [row] = await db.select().from(listings).where(eq(listings.title, title))
    expect(row, 'the title is stored exactly as typed').toBeTruthy()
    expect(row!.description).toBe(description.trim())
    for (const [who, pathname] of [
      ['the owner', `/org/listings/${row!.id}`],
      ['a visitor', `/listings/${row!.id}`],
      ['the owner', '/org/listings'],
    ] as const) {
      const viewer = who === 'a visitor' ? new TestClient() : client
      const html = await (await viewer.get(pathname)).text()
      expect(html, `${who} ${pathname}`).not.toContain('<script>alert(1)')
      expect(html).not.toContain('<img src=x onerror')
      expect(html).not.toContain('<svg onload')
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    }
    // The table the SQL fragment named is still there and still answers.
    expect((await db.select({ id: listings.id }).from(listings)).length).toBeGreaterThan(0)
  })

  it('search and filter parameters with SQL fragments, script and junk answer a normal page', async () => {
    const visitor = new TestClient()
    for (const q of [`'; drop table listings; --`, `%' or 1=1 --`, '<script>alert(1)</script>', LONG, '\\', '%%%', 'ab\u0000cd']) {
      for (const query of [`q=${encodeURIComponent(q)}`, `kind=${encodeURIComponent(q)}`, `page=${encodeURIComponent(q)}`, `region=${encodeURIComponent(q)}`]) {
        const response = await visitor.get(`/listings?${query}`)
        expect(response.status, query.slice(0, 60)).toBeLessThan(500)
        const html = await response.text()
        expect(html).not.toContain('<script>alert(1)')
      }
    }
    expect((await db.select({ id: listings.id }).from(listings)).length).toBeGreaterThanOrEqual(0)
  })

  it('bytes that are not UTF-8 in a form are answered with a clear message, not an error page', async () => {
    const before = await snapshotRowCounts()
    const body = Buffer.concat([Buffer.from('username='), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('&displayName=%FF%FE&password=abc12345&confirmPassword=abc12345&role=resident')])
    const response = await rawRequest('/signup', { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(response.status).toBe(400)
    expectClearMessage(await response.text(), 'zh-CN', 'non-UTF-8 sign-up')
    const after = await snapshotRowCounts()
    expect(Object.keys(after).filter((t) => after[t] !== before[t])).toEqual([])
  })
})

describe('hostile files and JSON for department feeds', () => {
  let key = ''
  beforeAll(async () => {
    const [admin] = await Promise.all([makeUser({ role: 'admin' })])
    key = (await createFeedApiKey({ department: 'civil_affairs', feedTypes: ['dibao_enrolment'], label: '民政', createdById: admin.id })).key
  })

  const api = (body: string, type = 'application/json') =>
    rawRequest('/api/feeds/dibao_enrolment', { body, headers: { Authorization: `Bearer ${key}`, 'Content-Type': type } })

  it('JSON with wrong types, huge arrays and deep nesting is refused with a JSON error; no record is written', async () => {
    let deep = '1'
    for (let i = 0; i < 5000; i++) deep = `[${deep}]`
    const cases: Array<[string, string]> = [
      ['not JSON', '{"rows": [1, 2'],
      ['a number', '42'],
      ['a string', '"rows"'],
      ['null', 'null'],
      ['deep nesting', deep],
      ['deeply nested object', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000)],
      ['rows of wrong types', JSON.stringify([{ record_no: 1, id_number: [], enrolled_on: {}, amount: true }])],
      ['huge array of junk', JSON.stringify(Array.from({ length: 200_000 }, () => 0))],
      ['__proto__ keys', '[{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}]'],
    ]
    for (const [name, body] of cases) {
      const before = await snapshotRowCounts()
      const response = await api(body)
      expect(response.status, name).toBeGreaterThanOrEqual(400)
      expect(response.status, name).toBeLessThan(500)
      const json = (await response.json()) as { error: string }
      expect(json.error, name).toBeTruthy()
      const after = await snapshotRowCounts()
      // A refused or wholly rejected delivery is recorded (the department can see why); nothing else is.
      const changed = Object.keys(after).filter((t) => after[t] !== before[t])
      expect(changed.filter((t) => t !== 'feed_deliveries'), name).toEqual([])
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    }
  }, 120_000)

  it('CSV with NUL bytes, bytes that are not UTF-8, endless fields or formulas never causes a server error; such rows are rejected, none imported', async () => {
    const id = makeNationalId('522634', '19850601', 7)
    const header = 'enrolment_no,id_number,region_code,monthly_amount,start_on,status'
    const row = (no: string, idNumber = id) => `${header}\n${no},${idNumber},522634101001,300,2026-01-01,enrolled\n`
    const cases: Array<[string, BodyInit]> = [
      ['NUL in the record number', row('D-\u00001')],
      ['NUL in the ID number', row('D-2', `${id.slice(0, 9)}\u0000${id.slice(9)}`)],
      ['NUL in the header', `enrolment_no\u0000,id_number\nD-3,${id}\n`],
      ['not UTF-8', Buffer.concat([Buffer.from(`${header}\nD-4`), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(`,${id},522634101001,300,2026-01-01,enrolled\n`)])],
      ['a 1 MB field', row(`D-${'9'.repeat(1_000_000)}`)],
      ['a formula (CSV injection)', row(`=HYPERLINK("http://evil.example")`)],
      ['an unterminated quote', `${header}\n"D-5,${id},522634101001,300,2026-01-01,enrolled\n`],
    ]
    for (const [name, body] of cases) {
      const before = await snapshotRowCounts()
      const response = await rawRequest('/api/feeds/dibao_enrolment', { body, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv' } })
      expect(response.status, name).toBeLessThan(500)
      const json = (await response.json()) as { error?: string; deliveryId?: string; rowsRejected?: number; rowsTotal?: number }
      if (name === 'not UTF-8') expect(json.error).toBe('not_utf8')
      if (response.status === 202 && name !== 'a formula (CSV injection)') expect(json.rowsRejected, name).toBe(json.rowsTotal)
      else if (response.status !== 202) expect(json.error, name).toBeTruthy()
      const after = await snapshotRowCounts()
      const changed = Object.keys(after).filter((t) => after[t] !== before[t])
      // The delivery and its rejected lines are kept so the department can see why; nothing else changes.
      expect(changed.filter((t) => t !== 'feed_deliveries' && t !== 'feed_records'), name).toEqual([])
      if (json.deliveryId && name !== 'a formula (CSV injection)') {
        const pending = await db.select({ status: feedRecords.status }).from(feedRecords).where(eq(feedRecords.deliveryId, json.deliveryId))
        expect(pending.filter((r) => r.status !== 'rejected'), name).toEqual([])
      }
    }
  }, 120_000)

  it('an uploaded file named with path tricks is stored under its name only and never touches the file system', async () => {
    const admin = clients.admin['zh-CN']
    for (const name of ['../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/passwd.csv', '../../../tmp/x.csv', 'a\u0000.csv']) {
      const form = new FormData()
      form.set('intent', 'upload')
      form.set('feedType', 'dibao_enrolment')
      form.set('file', new File(['root:x:0:0:root:/root:/bin/bash\n'], name, { type: 'text/csv' }))
      const response = await rawRequest('/admin/feeds?index', { body: form, headers: { Cookie: admin.cookieHeader() } })
      expect(response.status, name).toBeLessThan(500)
      if (response.status >= 400) expectClearMessage(await response.text(), 'zh-CN', `upload ${name}`)
    }
    for (const locale of ['zh-CN', 'en'] as const) {
      const form = new FormData()
      form.set('intent', 'upload')
      form.set('feedType', 'dibao_enrolment')
      form.set('file', new File([Buffer.from([0xb5, 0xcd, 0xb1, 0xa3, 0x2c, 0x0a])], 'gbk.csv', { type: 'text/csv' }))
      const response = await rawRequest('/admin/feeds?index', { body: form, headers: { Cookie: clients.admin[locale].cookieHeader() } })
      expect(response.status).toBe(400)
      expectClearMessage(await response.text(), locale, `GBK upload (${locale})`)
    }
    const stored = await db.select({ fileName: feedDeliveries.fileName }).from(feedDeliveries)
    for (const { fileName } of stored) expect(fileName).not.toMatch(/[/\\]|\u0000/)
  })
})
