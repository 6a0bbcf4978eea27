import { Worker } from 'bullmq'
import { createRequestHandler } from '@remix-run/node'
import { and, count, eq, inArray } from 'drizzle-orm'
import { createInstance } from 'i18next'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, householdMembers, households, householdVersions, importBatches, listingExternalKeys, listings } from '@db/schema'
import { splitMessage } from '@db/schema/messages'
import { getQueue } from '@workers/queues/connection'
import { IMPORTS_QUEUE } from '@workers/queues/imports'
import { MATCHING_QUEUE } from '@workers/queues/matching'
import { MONITORING_QUEUE } from '@workers/queues/monitoring'
import { processors } from '@workers/processors'
import { resources } from '~/i18n'
import { confirmImport, decodeUpload, getImportBatch, importedRecords, ImportError, runImport, stageImport, SYNC_IMPORT_ROWS, type ImportActor } from '~/models/imports/imports.server'
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { hashNationalId } from '~/utils/national-id.server'
import { createWorkerRedis } from '~/utils/redis.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'
import { loadBuild, TestClient, textOf } from '../setup/app'

const i18n = { 'zh-CN': createInstance(), en: createInstance() }
beforeAll(async () => {
  for (const [lng, instance] of Object.entries(i18n)) await instance.init({ lng, resources, defaultNS: 'common', interpolation: { escapeValue: false } })
})

/** A row error as the person reads it, in one language. */
function say(lng: 'zh-CN' | 'en', message: string) {
  const { key, params } = splitMessage(message)
  const text = i18n[lng].t(key, params as Record<string, unknown>)
  expect(text, `untranslated ${key}`).not.toBe(key.split(':').pop())
  expect(text).not.toContain(key)
  return text
}

const utf8 = (text: string) => new TextEncoder().encode(text)
const withBom = (text: string) => utf8(`\uFEFF${text}`)

async function caseworker(region = '5226'): Promise<ImportActor> {
  const user = await makeCaseworker(region)
  return { id: user.id, role: 'caseworker', organizationId: null }
}

async function orgMember(organizationId?: string): Promise<ImportActor> {
  const user = await makeUser({ role: 'org_member', ...(organizationId ? { organizationId } : {}) })
  return { id: user.id, role: 'org_member', organizationId: user.organizationId }
}

// Households: Chinese headers, as a caseworker's spreadsheet has them.
const H_HEADER = '村代码,户主姓名,身份证号,出生日期,性别,文化程度,就业状况,住房类型,人均月收入,帮扶需求'
function householdLine(seq: number, over: Partial<Record<'region' | 'name' | 'id' | 'birth' | 'income' | 'housing', string>> = {}) {
  const birth = over.birth ?? '1980-01-01'
  const id = over.id ?? makeNationalId('522634', '19800101', seq)
  return [over.region ?? '522634101001', over.name ?? `村民${seq}`, id, birth, '男', '初中', '失业', over.housing ?? '租房', over.income ?? '650.50', '就业；技能培训'].join(',')
}

const L_HEADER = 'external_key,kind,title,description,region_code,categories,starts_on,ends_on,capacity,contact_method,position,wage_min,wage_max,wage_period'
function listingLine(key: string, over: Partial<Record<'region' | 'starts' | 'wageMin' | 'kind' | 'capacity', string>> = {}) {
  return [key, over.kind ?? '岗位', `雷山县电子厂招聘普工${key}`, '招聘普工，包住宿，欢迎农村低收入人口报名参加。', over.region ?? '522634', 'employment', over.starts ?? '2027/1/5', '2027-12-31', over.capacity ?? '10', '电话 0855-3331234', '普工', over.wageMin ?? '"3,800"', '4500.50', '每月'].join(',')
}

async function householdCount() {
  return (await db.select({ n: count() }).from(households))[0]!.n
}
async function listingCount(organizationId: string) {
  return (await db.select({ n: count() }).from(listings).where(eq(listings.organizationId, organizationId)))[0]!.n
}

async function stagedBatch(actor: ImportActor, kind: 'households' | 'listings', text: string) {
  const staged = await stageImport(actor, kind, { name: `${kind}.csv`, bytes: withBom(text) })
  if (!staged.ok) throw new Error(`refused: ${staged.refusal}`)
  return getImportBatch(actor, kind, staged.batchId)
}

describe('household import', () => {
  it('previews a good file (ID numbers masked) and imports every row as a household file, audited', async () => {
    const cw = await caseworker()
    const before = await householdCount()
    const batch = await stagedBatch(cw, 'households', [H_HEADER, householdLine(11), householdLine(12, { birth: '1980/1/1', id: makeNationalId('522634', '19800101', 12) }), householdLine(13)].join('\r\n'))
    expect(batch.issues).toEqual([])
    expect(batch.rowCount).toBe(3)
    expect(batch.preview).toHaveLength(3)
    expect(batch.preview[0]).toMatchObject({ line: '2', head_name: '村民11', birth_date: '1980-01-01', housing_type: 'rented', income_per_capita_monthly: '650.50' })
    expect(batch.preview[0]!.id_number).toMatch(/^5226\*+\d{3}[\dX]$/)
    expect(JSON.stringify(batch.preview)).not.toContain(makeNationalId('522634', '19800101', 11))

    const result = await confirmImport(cw, 'households', batch.id)
    expect(result).toEqual({ mode: 'imported', count: 3 })
    expect(await householdCount()).toBe(before + 3)
    const members = await db.select().from(householdMembers).where(eq(householdMembers.idHash, hashNationalId(makeNationalId('522634', '19800101', 12))))
    expect(members).toHaveLength(1)
    expect(members[0]).toMatchObject({ fullName: '村民12', birthDate: '1980-01-01', isHead: true, employmentStatus: 'unemployed' })
    const created = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'household.create'), eq(auditEntries.actorId, cw.id)))
    expect(created).toHaveLength(3)
    const [batchAudit] = await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'import.households'), eq(auditEntries.entityId, batch.id)))
    expect(batchAudit!.after).toMatchObject({ rows: 3 })
    const [stored] = await db.select().from(importBatches).where(eq(importBatches.id, batch.id))
    expect(stored).toMatchObject({ status: 'imported', importedCount: 3, sealedContent: null })
  })

  it('reports every error kind with line, column and a message in both languages, and writes nothing', async () => {
    const cw = await caseworker()
    const existingId = makeNationalId('522634', '19700101', 901)
    await makeHousehold({ members: [{ fullName: '张老汉', birthDate: '1970-01-01', idNumber: existingId }] }, { id: cw.id })
    const before = await householdCount()
    const text = [
      H_HEADER,
      householdLine(21), // 2: fine
      householdLine(22, { birth: '1980-02-30', id: makeNationalId('522634', '19800101', 22) }), // 3: bad date
      householdLine(23, { region: '522634999999' }), // 4: unknown region
      householdLine(24, { income: '六百' }), // 5: malformed number
      householdLine(21), // 6: same ID as line 2
      householdLine(26, { id: existingId, birth: '1970-01-01' }), // 7: ID already on file
      householdLine(27, { region: '621102001001' }), // 8: a village outside the caseworker's regions
      householdLine(28, { housing: '别墅' }), // 9: not a choice
    ].join('\n')
    const batch = await stagedBatch(cw, 'households', text)
    const byLine = Object.fromEntries(batch.issues.map((i) => [i.line, i]))
    expect(Object.keys(byLine).map(Number)).toEqual([3, 4, 5, 6, 7, 8, 9])
    expect(byLine[3]).toMatchObject({ field: 'birth_date' })
    expect(say('zh-CN', byLine[3]!.message)).toBe('“1980-02-30”不是有效日期（格式 2026-03-05）')
    expect(say('en', byLine[3]!.message)).toBe('“1980-02-30” is not a valid date (format 2026-03-05)')
    expect(byLine[4]).toMatchObject({ field: 'region_code' })
    expect(say('zh-CN', byLine[4]!.message)).toBe('地区代码“522634999999”不存在')
    expect(say('en', byLine[4]!.message)).toBe('Region code “522634999999” does not exist')
    expect(byLine[5]).toMatchObject({ field: 'income_per_capita_monthly' })
    expect(say('zh-CN', byLine[5]!.message)).toContain('“六百”不是有效数字')
    expect(say('en', byLine[5]!.message)).toContain('“六百” is not a valid number')
    expect(byLine[6]).toMatchObject({ field: 'id_number' })
    expect(say('zh-CN', byLine[6]!.message)).toBe('与第 2 行重复')
    expect(say('en', byLine[6]!.message)).toBe('Repeats line 2')
    expect(byLine[7]).toMatchObject({ field: 'id_number' })
    expect(say('zh-CN', byLine[7]!.message)).toBe('此身份证号已在现有家庭档案中登记')
    expect(say('en', byLine[7]!.message)).toBe('This ID number is already on an existing household file')
    expect(byLine[8]).toMatchObject({ field: 'region_code' })
    expect(say('en', byLine[8]!.message)).toBe('Region “621102001001” is not one of your regions')
    expect(byLine[9]).toMatchObject({ field: 'housing_type' })
    expect(say('zh-CN', byLine[9]!.message)).toBe('“别墅”不是可选的值')

    // The preview shows the good row, but a file with errors cannot be confirmed: nothing is written.
    expect(batch.preview.map((r) => r.line)).toEqual(['2'])
    const refusal = await confirmImport(cw, 'households', batch.id).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(ImportError)
    expect((refusal as ImportError).key).toBe('imports:errors.has_errors')
    expect(say('en', (refusal as ImportError).key)).toBe('The file still has errors and cannot be imported.')
    expect(await householdCount()).toBe(before)
  })

  it('refuses a file without a required column, in both languages', async () => {
    const cw = await caseworker()
    const staged = await stageImport(cw, 'households', { name: 'h.csv', bytes: utf8(['村代码,户主姓名,身份证号,性别,文化程度,就业状况,住房类型,人均月收入', '522634101001,王五,x,男,初中,失业,租房,600'].join('\n')) })
    expect(staged.ok).toBe(false)
    if (staged.ok) return
    expect(say('en', staged.refusal)).toBe('The file lacks required columns: birth_date. It does not match the declared format and was refused as a whole.')
    expect(say('zh-CN', staged.refusal)).toContain('birth_date')
  })

  it('rolls back every row when one fails at import time (a duplicate that appeared after the preview)', async () => {
    const cw = await caseworker()
    const lateId = makeNationalId('522634', '19800101', 33)
    const batch = await stagedBatch(cw, 'households', [H_HEADER, householdLine(31), householdLine(32), householdLine(33)].join('\n'))
    expect(batch.issues).toEqual([])
    // Someone files the third person by hand before the caseworker confirms.
    await makeHousehold({ members: [{ fullName: '村民33', birthDate: '1980-01-01', idNumber: lateId }] }, { id: cw.id })
    const before = await householdCount()
    const result = await confirmImport(cw, 'households', batch.id)
    expect(result.mode).toBe('failed')
    if (result.mode !== 'failed') return
    expect(result.failure).toMatchObject({ line: 4, field: 'id_number' })
    expect(say('zh-CN', result.failure.message)).toBe('此身份证号已在现有家庭档案中登记')
    expect(await householdCount()).toBe(before)
    const members = await db.select().from(householdMembers).where(inArray(householdMembers.idHash, [hashNationalId(makeNationalId('522634', '19800101', 31))]))
    expect(members).toEqual([])
    expect((await getImportBatch(cw, 'households', batch.id)).status).toBe('failed')
  })

  it('only lets caseworkers import households, and only their own uploads', async () => {
    const cw = await caseworker()
    const other = await caseworker()
    const resident = await makeUser({ role: 'resident' })
    const batch = await stagedBatch(cw, 'households', [H_HEADER, householdLine(41)].join('\n'))
    await expect(getImportBatch(other, 'households', batch.id)).rejects.toMatchObject({ key: 'imports:errors.not_found' })
    await expect(confirmImport(other, 'households', batch.id)).rejects.toMatchObject({ key: 'imports:errors.not_found' })
    await expect(stageImport({ id: resident.id, role: 'resident', organizationId: null }, 'households', { name: 'h.csv', bytes: utf8(H_HEADER) })).rejects.toMatchObject({
      key: 'imports:errors.not_allowed',
    })
  })
})

describe('listing import', () => {
  it('imports a good file as drafts with their external keys, and refuses the same file again', async () => {
    const member = await orgMember()
    const text = [L_HEADER, listingLine('JOB-1'), listingLine('JOB-2'), listingLine('JOB-3')].join('\n')
    const batch = await stagedBatch(member, 'listings', text)
    expect(batch.issues).toEqual([])
    expect(batch.preview[0]).toMatchObject({ external_key: 'JOB-1', kind: 'job', starts_on: '2027-01-05' })
    expect(await confirmImport(member, 'listings', batch.id)).toEqual({ mode: 'imported', count: 3 })
    const rows = await db.select().from(listings).where(eq(listings.organizationId, member.organizationId!))
    expect(rows).toHaveLength(3)
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['draft']))
    const keys = await db.select().from(listingExternalKeys).where(eq(listingExternalKeys.organizationId, member.organizationId!))
    expect(keys.map((k) => k.externalKey).sort()).toEqual(['JOB-1', 'JOB-2', 'JOB-3'])

    const again = await stagedBatch(member, 'listings', text)
    expect(again.issues.map((i) => [i.line, i.field])).toEqual([
      [2, 'external_key'],
      [3, 'external_key'],
      [4, 'external_key'],
    ])
    expect(say('en', again.issues[0]!.message)).toBe("External key “JOB-1” is already used by one of your organization's listings")
    expect(say('zh-CN', again.issues[0]!.message)).toBe('外部编号“JOB-1”已被本组织的资源使用')
    // Another organization may use the same keys for its own listings.
    const stranger = await orgMember()
    expect((await stagedBatch(stranger, 'listings', text)).issues).toEqual([])
  })

  it('reports bad dates, unknown regions, malformed numbers and repeated keys per line, and writes nothing', async () => {
    const member = await orgMember()
    const text = [
      L_HEADER,
      listingLine('A-1'),
      listingLine('A-2', { starts: '2027-13-01' }),
      listingLine('A-3', { region: '999999' }),
      listingLine('A-4', { wageMin: '3千' }),
      listingLine('A-1'),
      listingLine('A-6', { kind: '长期帮扶项目' }),
      listingLine('A-7', { capacity: '10.5' }),
    ].join('\n')
    const batch = await stagedBatch(member, 'listings', text)
    expect(batch.issues.map((i) => [i.line, i.field])).toEqual([
      [3, 'starts_on'],
      [4, 'region_code'],
      [5, 'wage_min'],
      [6, 'external_key'],
      [7, 'kind'],
      [8, 'capacity'],
    ])
    const [date, region, money, repeated, project, places] = batch.issues.map((i) => i.message)
    expect(say('zh-CN', places!)).toBe('“10.5”不是有效的整数（如名额、人数）')
    expect(say('en', date!)).toBe('“2027-13-01” is not a valid date (format 2026-03-05)')
    expect(say('zh-CN', region!)).toBe('地区代码“999999”不存在')
    expect(say('en', money!)).toBe('“3千” is not a valid number (yuan, at most two decimals)')
    expect(say('zh-CN', repeated!)).toBe('与第 2 行重复')
    expect(say('en', project!)).toContain('cannot be imported from CSV')
    await expect(confirmImport(member, 'listings', batch.id)).rejects.toMatchObject({ key: 'imports:errors.has_errors' })
    expect(await listingCount(member.organizationId!)).toBe(0)
  })

  it('lists an upload under its bare file name (no path, no control characters)', async () => {
    const member = await orgMember()
    const staged = await stageImport(member, 'listings', { name: '..\\tmp/a\u0000b.csv', bytes: withBom([L_HEADER, listingLine('N-1')].join('\n')) })
    if (!staged.ok) throw new Error(`refused: ${staged.refusal}`)
    expect((await getImportBatch(member, 'listings', staged.batchId)).fileName).toBe('ab.csv')
  })

  it("never lets a member see or confirm another organization's upload", async () => {
    const owner = await orgMember()
    const batch = await stagedBatch(owner, 'listings', [L_HEADER, listingLine('X-1')].join('\n'))
    const outsider = await orgMember()
    await expect(confirmImport(outsider, 'listings', batch.id)).rejects.toMatchObject({ key: 'imports:errors.not_found', status: 404 })
    // The uploader who has since moved to another organization cannot land the file in either.
    const moved: ImportActor = { ...owner, organizationId: outsider.organizationId }
    await expect(confirmImport(moved, 'listings', batch.id)).rejects.toMatchObject({ key: 'imports:errors.not_found' })
    expect(await listingCount(owner.organizationId!)).toBe(0)
    expect(await listingCount(outsider.organizationId!)).toBe(0)
  })
})

describe('the file itself', () => {
  // GBK bytes for the characters a test needs, found by decoding every two-byte sequence.
  function gbk(text: string) {
    const decoder = new TextDecoder('gbk')
    const table = new Map<string, number[]>()
    for (let lead = 0x81; lead <= 0xfe; lead++)
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        const ch = decoder.decode(new Uint8Array([lead, trail]))
        if (ch.length === 1 && !table.has(ch)) table.set(ch, [lead, trail])
      }
    return new Uint8Array([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!)))
  }

  it('reads UTF-8 with and without BOM and GBK from Excel; refuses workbooks, UTF-16, other types and oversized files with a reason', async () => {
    const text = '户主姓名,住房类型\n王光明,租房'
    expect(decodeUpload('a.csv', utf8(text))).toEqual({ ok: true, text, encoding: 'utf-8' })
    expect(decodeUpload('a.csv', withBom(text))).toMatchObject({ ok: true, encoding: 'utf-8' })
    expect(decodeUpload('a.csv', gbk(text))).toEqual({ ok: true, text, encoding: 'gb18030' })
    const refusal = (r: ReturnType<typeof decodeUpload>) => (r.ok ? '' : say('en', r.refusal))
    expect(refusal(decodeUpload('a.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2])))).toContain('Excel workbook')
    expect(refusal(decodeUpload('a.csv', new Uint8Array([0xff, 0xfe, 0x31, 0x00])))).toContain('UTF-16')
    expect(refusal(decodeUpload('a.pdf', utf8(text)))).toBe('Only .csv files are accepted.')
    expect(refusal(decodeUpload('a.csv', new Uint8Array(9 * 1024 * 1024).fill(0x41)))).toBe('The file is larger than 8 MB; split it and upload the parts.')
    expect(say('zh-CN', (decodeUpload('a.csv', new Uint8Array([0x41, 0xff, 0xff, 0xff])) as { refusal: string }).refusal)).toContain('无法识别文件编码')
  })

  it('imports a GBK file saved by Excel with Chinese headers and values', async () => {
    const cw = await caseworker()
    const staged = await stageImport(cw, 'households', { name: '家庭.csv', bytes: gbk([H_HEADER, householdLine(51)].join('\r\n')) })
    expect(staged.ok).toBe(true)
    if (!staged.ok) return
    const batch = await getImportBatch(cw, 'households', staged.batchId)
    expect(batch.issues).toEqual([])
    expect(batch.preview[0]).toMatchObject({ head_name: '村民51', housing_type: 'rented' })
  })
})

describe('staged files nobody confirms', () => {
  it('are forgotten by the hourly imports job once their time is up, not only at the next upload', async () => {
    const cw = await caseworker()
    const stale = await stagedBatch(cw, 'households', [H_HEADER, householdLine(41)].join('\r\n'))
    const fresh = await stagedBatch(cw, 'households', [H_HEADER, householdLine(42)].join('\r\n'))
    await db.update(importBatches).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(importBatches.id, stale.id))

    const expire = processors[IMPORTS_QUEUE]!['expire-staged']!
    expect(await expire({ data: {}, name: 'expire-staged', id: 'expire-1' } as never)).toEqual({ expired: 1 })
    const rows = await db.select().from(importBatches).where(inArray(importBatches.id, [stale.id, fresh.id]))
    const byId = new Map(rows.map((r) => [r.id, r]))
    // The file (it may hold ID numbers) is gone; the counts stay for the uploader to read.
    expect(byId.get(stale.id)).toMatchObject({ status: 'expired', sealedContent: null, rowCount: 1 })
    expect(byId.get(fresh.id)!.status).toBe('staged')
    expect(byId.get(fresh.id)!.sealedContent).not.toBeNull()
    expect((await getImportBatch(cw, 'households', stale.id)).status).toBe('expired')
    await expect(confirmImport(cw, 'households', stale.id)).rejects.toMatchObject({ key: 'imports:errors.expired', status: 410 })
    // A rerun (a retried or duplicated job) changes nothing twice.
    expect(await expire({ data: {}, name: 'expire-staged', id: 'expire-2' } as never)).toEqual({ expired: 0 })
    // A malformed payload is refused.
    await expect(expire({ data: { all: true }, name: 'expire-staged', id: 'expire-3' } as never)).rejects.toThrow(/invalid payload/)
  })
})

describe('large files', () => {
  let worker: Worker | undefined
  afterAll(async () => {
    await worker?.close()
  })

  it('imports 10,000 listings through the imports queue, reporting progress, and a retried job imports nothing twice', async () => {
    const member = await orgMember()
    const lines = [L_HEADER]
    for (let i = 1; i <= 10_000; i++) lines.push(listingLine(`BULK-${i}`))
    const batch = await stagedBatch(member, 'listings', lines.join('\n'))
    expect(batch.rowCount).toBe(10_000)
    expect(batch.rowCount).toBeGreaterThan(SYNC_IMPORT_ROWS)
    expect(batch.issues).toEqual([])
    expect(batch.preview).toHaveLength(20)

    expect(await confirmImport(member, 'listings', batch.id)).toEqual({ mode: 'queued' })
    expect((await getImportBatch(member, 'listings', batch.id)).status).toBe('queued')
    // Confirming twice does not queue a second import.
    await expect(confirmImport(member, 'listings', batch.id)).rejects.toMatchObject({ key: 'imports:errors.not_staged' })

    const progress: number[] = []
    const byName = processors[IMPORTS_QUEUE]!
    worker = new Worker(IMPORTS_QUEUE, (job) => byName[job.name]!(job), { connection: createWorkerRedis(), prefix: getEnv().QUEUE_PREFIX, concurrency: 1 })
    worker.on('progress', (_job, value) => {
      progress.push(value as number)
    })
    const done = new Promise<unknown>((resolve, reject) => {
      worker!.on('completed', (_job, result) => resolve(result))
      worker!.on('failed', (_job, error) => reject(error))
    })
    expect(await done).toEqual({ status: 'imported', count: 10_000, already: false })
    expect(progress.length).toBeGreaterThanOrEqual(50)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(progress.at(-1)).toBe(100)
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true)
    expect(await listingCount(member.organizationId!)).toBe(10_000)
    const view = await getImportBatch(member, 'listings', batch.id)
    expect(view).toMatchObject({ status: 'imported', importedCount: 10_000, progress: 100 })

    // A retried job (same batch) finds the batch imported and writes nothing.
    expect(await runImport(batch.id)).toEqual({ status: 'imported', count: 10_000, already: true })
    expect(await listingCount(member.organizationId!)).toBe(10_000)
    expect((await db.select({ n: count() }).from(auditEntries).where(eq(auditEntries.entityId, batch.id)))[0]!.n).toBe(1)
  }, 600_000)

  it('imports 10,000 household files in one transaction, each versioned, audited and queued for scoring', async () => {
    // In 定西 (6211), so the page tests' caseworkers in 黔东南 do not list these files.
    const cw = await caseworker('6211')
    const lines = [H_HEADER]
    // ID numbers have a 3-digit sequence: a thousand heads per birth date.
    for (let i = 0; i < 10_000; i++) {
      const day = String(1 + Math.floor(i / 1000)).padStart(2, '0')
      lines.push(householdLine(i % 1000, { region: '621102001001', name: `户主${i}`, birth: `1975-03-${day}`, id: makeNationalId('621102', `197503${day}`, i % 1000) }))
    }
    const batch = await stagedBatch(cw, 'households', lines.join('\n'))
    expect(batch.issues.slice(0, 3)).toEqual([])
    const before = await householdCount()
    const started = performance.now()
    expect(await runImport(batch.id)).toEqual({ status: 'imported', count: 10_000, already: false })
    console.log(`10,000 households imported in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    expect(await householdCount()).toBe(before + 10_000)
    const records = await importedRecords(batch.id)
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 2))
    const ids = records.map((r) => r.entityId)
    expect((await db.select({ n: count() }).from(householdVersions).where(and(inArray(householdVersions.householdId, ids.slice(0, 5000)), eq(householdVersions.version, 1))))[0]!.n).toBe(5000)
    expect((await db.select({ n: count() }).from(auditEntries).where(and(eq(auditEntries.action, 'household.create'), eq(auditEntries.actorId, cw.id))))[0]!.n).toBe(10_000)
    // Line 10,001 is the last file: its head, and its scoring and evaluation jobs (added in bulk).
    const [last] = await db.select().from(householdMembers).where(eq(householdMembers.householdId, ids.at(-1)!))
    expect(last).toMatchObject({ fullName: '户主9999', birthDate: '1975-03-10', isHead: true })
    for (const id of [ids[0]!, ids.at(-1)!]) {
      expect(await getQueue(MATCHING_QUEUE).getJob(`score-household-${id}-v1`)).toBeTruthy()
      expect(await getQueue(MONITORING_QUEUE).getJob(`evaluate-household-${id}-v1`)).toBeTruthy()
    }
  }, 600_000)
})

describe('import pages', () => {
  async function upload(client: TestClient, path: string, name: string, text: string) {
    const handler = createRequestHandler(await loadBuild(), 'production')
    const form = new FormData()
    form.set('file', new File([`\uFEFF${text}`], name, { type: 'text/csv' }))
    return handler(new Request(`http://localhost${path}`, { method: 'POST', body: form, headers: { Host: 'localhost', Origin: 'http://localhost', Cookie: client.cookieHeader() } }))
  }

  it('a caseworker uploads a file, reads the row error in Chinese (and English), uploads the fixed file and confirms it', async () => {
    const user = await makeCaseworker('5226')
    const zh = new TestClient('zh-CN')
    await zh.logIn(user.username, user.password)
    const list = textOf(await (await zh.get('/caseworker/households')).text())
    expect(list).toContain('从 CSV 导入')

    const broken = await upload(zh, '/caseworker/households/import', '家庭.csv', [H_HEADER, householdLine(61, { birth: '1980-02-30', id: makeNationalId('522634', '19800101', 61) })].join('\n'))
    expect(broken.status).toBe(302)
    const previewPath = broken.headers.get('Location')!
    expect(previewPath).toMatch(/^\/caseworker\/households\/import\/[0-9a-f-]{36}$/)
    const page = textOf(await (await zh.get(previewPath)).text())
    expect(page).toContain('行错误（1 条）')
    expect(page).toContain('2 出生日期 (birth_date) “1980-02-30”不是有效日期（格式 2026-03-05）')
    expect(page).not.toContain('确认导入')
    const en = new TestClient('en')
    await en.logIn(user.username, user.password)
    expect(textOf(await (await en.get(previewPath)).text())).toContain('“1980-02-30” is not a valid date (format 2026-03-05)')
    // Confirming a file with errors is refused; nothing is written.
    const refused = await zh.post(previewPath, { intent: 'confirm' })
    expect(refused.status).toBe(422)
    expect(textOf(await refused.text())).toContain('文件中还有错误，不能导入。')

    const fixed = await upload(zh, '/caseworker/households/import', '家庭.csv', [H_HEADER, householdLine(61)].join('\n'))
    const fixedPath = fixed.headers.get('Location')!
    const preview = textOf(await (await zh.get(fixedPath)).text())
    expect(preview).toContain('没有发现错误，可以导入。')
    expect(preview).toContain('村民61')
    expect(preview).toContain('租房')
    expect(preview).not.toContain(makeNationalId('522634', '19800101', 61))
    const confirmed = await zh.post(fixedPath, { intent: 'confirm' })
    expect(confirmed.status).toBe(302)
    expect(textOf(await (await zh.get(fixedPath)).text())).toContain('已导入 1 条记录。')
    expect(textOf(await (await zh.get('/caseworker/households')).text())).toContain('村民61')
  })

  it('refuses a workbook at upload with a reason, and keeps progress and previews to the uploader', async () => {
    const member = await makeUser({ role: 'org_member' })
    const client = new TestClient('en')
    await client.logIn(member.username, member.password)
    expect(textOf(await (await client.get('/org/listings')).text())).toContain('Import from CSV')
    const handler = createRequestHandler(await loadBuild(), 'production')
    const form = new FormData()
    form.set('file', new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0])], 'listings.xlsx'))
    const workbook = await handler(new Request('http://localhost/org/listings/import', { method: 'POST', body: form, headers: { Host: 'localhost', Origin: 'http://localhost', Cookie: client.cookieHeader() } }))
    expect(workbook.status).toBe(422)
    expect(textOf(await workbook.text())).toContain('This is an Excel workbook (.xlsx/.xls), not CSV.')

    const staged = await upload(client, '/org/listings/import', 'l.csv', [L_HEADER, listingLine('P-1')].join('\n'))
    const path = staged.headers.get('Location')!
    const batchId = path.split('/').pop()!
    const progress = await client.get(`/resources/imports/${batchId}/progress`)
    expect(await progress.json()).toMatchObject({ status: 'staged', progress: 0 })
    const other = await makeUser({ role: 'org_member' })
    const stranger = new TestClient('en')
    await stranger.logIn(other.username, other.password)
    expect((await stranger.get(`/resources/imports/${batchId}/progress`)).status).toBe(404)
    expect((await stranger.get(path)).status).toBe(404)
  })
})
