// CSV import of household files (caseworkers, into their regions) and listings (organization
// members, into their own organization, as drafts): upload → parse and check every row →
// preview with every row error → confirm → all rows in one transaction, or none.
// Small files import in the request; large ones (over SYNC_IMPORT_ROWS) in the `imports` queue
// with progress. The uploaded file waits sealed (it may hold ID numbers) until imported or expired.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import { householdInput, householdMembers, importBatches, importRecords, listingExternalKeys, regions, type HouseholdInput } from '@db/schema'
import type { ImportKind } from '@db/schema/imports/constants'
import type { UserRole } from '@db/schema/identity/constants'
import { ListingSchema, type ListingInput } from '@db/schema/listings/validation'
import { m, splitMessage } from '@db/schema/messages'
import { enqueueScoreHouseholds } from '@workers/queues/matching'
import { enqueueEvaluateHouseholds } from '@workers/queues/monitoring'
import { enqueueRunImport, runImportProgress } from '@workers/queues/imports'
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import { logger } from '~/utils/logger.server'
import { hashNationalId, maskNationalId, nationalIdFacts, nationalIdProblem, normalizeNationalId } from '~/utils/national-id.server'
import { parseCsv, safeFileName, type ParsedRow, type RowIssue } from '~/utils/tabular.server'
import { recordAudit } from '../audit.server'
import { caseworkerPrefixes, HouseholdError, insertHouseholds } from '../household.server'
import { insertListings, ListingError } from '../listing.server'
import { choices, importSpec, LIST_SEPARATOR, MAX_IMPORT_BYTES, normalizeDate, normalizeNumber, row as msg } from './formats'

export type ImportActor = { id: string; role: UserRole; organizationId: string | null }

/** A refusal of the whole request; `key` is a catalog key (imports:errors.*). */
export class ImportError extends Error {
  constructor(
    public key: string,
    public status = 400,
  ) {
    super(key)
  }
}

/** Files with more rows than this are imported by the worker, with progress. */
export const SYNC_IMPORT_ROWS = 500
/** A staged file is kept this long for the uploader to confirm. */
export const STAGED_TTL_HOURS = 24
const PREVIEW_ROWS = 20
const PROGRESS_EVERY = 100

// ---------------------------------------------------------------------------------------
// The file: type, size, encoding.

export type Decoded = { ok: true; text: string; encoding: 'utf-8' | 'gb18030' } | { ok: false; refusal: string }

/**
 * UTF-8 (with or without BOM) is read as is; a file that is not valid UTF-8 is read as
 * GB18030 (a superset of GBK, what Excel on Chinese Windows saves "CSV" as). Workbooks,
 * UTF-16 and binary files are refused with a message saying what to do.
 */
export function decodeUpload(fileName: string, bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_IMPORT_BYTES) return { ok: false, refusal: m('imports:file.too_large', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }) }
  if (bytes.byteLength === 0) return { ok: false, refusal: m('import.empty_file') }
  const head = Buffer.from(bytes.subarray(0, 4))
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) || head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return { ok: false, refusal: m('imports:file.workbook') }
  if (!/\.(csv|txt)$/i.test(fileName.trim())) return { ok: false, refusal: m('imports:file.not_csv') }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return { ok: false, refusal: m('imports:file.utf16') }
  if (bytes.includes(0)) return { ok: false, refusal: m('imports:file.binary') }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' }
  } catch {
    try {
      return { ok: true, text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' }
    } catch {
      return { ok: false, refusal: m('imports:file.encoding') }
    }
  }
}

// The staged file is sealed with the key that seals ID numbers (AES-256-GCM).
function sealText(text: string) {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(getEnv().ID_ENCRYPTION_KEY, 'base64'), iv)
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.')
}

function unsealText(sealed: string) {
  const [, iv, tag, body] = sealed.split('.')
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(getEnv().ID_ENCRYPTION_KEY, 'base64'), Buffer.from(iv!, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag!, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString('utf8')
}

// ---------------------------------------------------------------------------------------
// Checking rows. Each check says which line and column, in catalog keys.

type Cells = Record<string, string>
type Checked<T> = { line: number; value: T; display: Record<string, string> }
export type CheckResult<T> = { rows: Checked<T>[]; issues: RowIssue[] }

type RegionInfo = { level: string; name: string }
async function regionMap(executor: Executor) {
  const rows = await executor.select({ code: regions.code, level: regions.level, name: regions.name }).from(regions)
  return new Map<string, RegionInfo>(rows.map((r) => [r.code, { level: r.level, name: r.name }]))
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

function chunks<T>(items: T[], size: number) {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function choice(cells: Cells, column: keyof typeof choices, add: (field: string, message: string) => void) {
  const raw = cells[column]
  if (raw === undefined) return undefined
  const code = choices[column].get(raw.trim().toLowerCase())
  if (!code) add(column, msg.badChoice(raw))
  return code
}

function choiceList(cells: Cells, column: 'needs' | 'categories', add: (field: string, message: string) => void) {
  const raw = cells[column]
  if (raw === undefined) return []
  const codes: string[] = []
  for (const part of raw.split(LIST_SEPARATOR).map((p) => p.trim()).filter(Boolean)) {
    const code = choices[column].get(part.toLowerCase())
    if (code) codes.push(code)
    else add(column, msg.badChoice(part))
  }
  return [...new Set(codes)]
}

function date(cells: Cells, column: string, add: (field: string, message: string) => void) {
  const raw = cells[column]
  if (raw === undefined) return undefined
  const value = normalizeDate(raw)
  if (!value) add(column, msg.badDate(raw))
  return value ?? undefined
}

function number(cells: Cells, column: string, decimals: number, add: (field: string, message: string) => void) {
  const raw = cells[column]
  if (raw === undefined) return undefined
  const value = decimals === 0 ? (/^\d{1,9}$/.test(raw.trim()) ? raw.trim() : null) : normalizeNumber(raw, decimals)
  // Yuan columns take two decimals, counts none, item quantities three: each says which it expected.
  if (value === null) add(column, decimals === 0 ? msg.badWholeNumber(raw) : decimals === 2 ? msg.badNumber(raw) : msg.badQuantity(raw))
  return value ?? undefined
}

/** Household rows: one row is one household with its head (more members are added in the file afterwards). */
export async function checkHouseholdRows(executor: Executor, actor: ImportActor, parsed: ParsedRow<Cells>[]): Promise<CheckResult<HouseholdInput>> {
  const [known, prefixes] = await Promise.all([regionMap(executor), caseworkerPrefixes(executor, actor.id)])
  const issues: RowIssue[] = []
  const candidates: Array<Checked<HouseholdInput> & { idHash: string }> = []
  const firstLineOfId = new Map<string, number>()
  for (const { line, value: cells } of parsed) {
    const rowIssues: RowIssue[] = []
    const add = (field: string, message: string) => rowIssues.push({ line, field, message })
    const birthDate = date(cells, 'birth_date', add)
    let idHash = ''
    let idNumber = ''
    const idProblem = nationalIdProblem(cells.id_number ?? '')
    if (idProblem) add('id_number', msg.idProblem(idProblem))
    else {
      idNumber = normalizeNationalId(cells.id_number!)
      idHash = hashNationalId(idNumber)
      if (birthDate && nationalIdFacts(idNumber).birthDate !== birthDate) add('birth_date', msg.birthDateMismatch())
      const first = firstLineOfId.get(idHash)
      if (first !== undefined) add('id_number', msg.duplicateInFile(first))
      else firstLineOfId.set(idHash, line)
    }
    const income = number(cells, 'income_per_capita_monthly', 2, add)
    const medical = number(cells, 'medical_monthly', 2, add)
    const debt = number(cells, 'debt_yuan', 2, add)
    const gender = choice(cells, 'gender', add)
    const education = choice(cells, 'education', add)
    const employmentStatus = choice(cells, 'employment_status', add)
    const health = choice(cells, 'health', add)
    const housingType = choice(cells, 'housing_type', add)
    const needs = choiceList(cells, 'needs', add)
    const code = cells.region_code ?? ''
    const region = known.get(code)
    if (!region) add('region_code', msg.unknownRegion(code))
    else if (region.level !== 'village') add('region_code', msg.regionNotVillage(code))
    else if (!prefixes.some((p) => code.startsWith(p))) add('region_code', msg.regionNotAssigned(code))
    if (rowIssues.length === 0) {
      const input = householdInput.safeParse({
        regionCode: code,
        address: cells.address ?? '',
        incomePerCapitaMonthly: income,
        housingType,
        medicalMonthly: medical,
        debtYuan: debt,
        needs: needs.map((category) => ({ category, priority: 2, note: '' })),
        members: [{ fullName: cells.head_name, isHead: true, birthDate, gender, education, health, employmentStatus, idNumber }],
      })
      if (!input.success)
        for (const issue of input.error.issues) {
          const field = issue.path[0] === 'members' ? (issue.path[2] === 'fullName' ? 'head_name' : snake(String(issue.path[2] ?? 'head_name'))) : snake(String(issue.path[0] ?? ''))
          add(field, issue.message)
        }
      else
        candidates.push({
          line,
          idHash,
          value: input.data,
          display: {
            region: `${code} ${region!.name}`,
            head_name: input.data.members[0]!.fullName,
            id_number: maskNationalId(idNumber),
            birth_date: birthDate!,
            housing_type: input.data.housingType,
            income_per_capita_monthly: input.data.incomePerCapitaMonthly,
          },
        })
    }
    issues.push(...rowIssues)
  }
  // Against existing files: an ID number already on a member of any household.
  const existing = new Set<string>()
  for (const part of chunks([...firstLineOfId.keys()], 1000)) {
    const rows = await executor.selectDistinct({ idHash: householdMembers.idHash }).from(householdMembers).where(inArray(householdMembers.idHash, part))
    for (const r of rows) if (r.idHash) existing.add(r.idHash)
  }
  const rows: Checked<HouseholdInput>[] = []
  for (const c of candidates) {
    if (existing.has(c.idHash)) issues.push({ line: c.line, field: 'id_number', message: msg.duplicateIdExisting() })
    else rows.push({ line: c.line, value: c.value, display: c.display })
  }
  // ID numbers seen in the file that are already on file but whose row failed other checks are reported too.
  for (const [hash, line] of firstLineOfId) if (existing.has(hash) && !candidates.some((c) => c.line === line)) issues.push({ line, field: 'id_number', message: msg.duplicateIdExisting() })
  return { rows, issues: issues.sort((a, b) => a.line - b.line) }
}

export type ListingImportRow = { externalKey: string; input: ListingInput }

/** Listing rows: one row is one job, training or donation listing, keyed by the organization's own number. */
export async function checkListingRows(executor: Executor, organizationId: string, parsed: ParsedRow<Cells>[]): Promise<CheckResult<ListingImportRow>> {
  const known = await regionMap(executor)
  const issues: RowIssue[] = []
  const candidates: Checked<ListingImportRow>[] = []
  const firstLineOfKey = new Map<string, number>()
  for (const { line, value: cells } of parsed) {
    const rowIssues: RowIssue[] = []
    const add = (field: string, message: string) => rowIssues.push({ line, field, message })
    const externalKey = (cells.external_key ?? '').trim()
    if (!externalKey) add('external_key', m('validation.required'))
    else if (externalKey.length > 64) add('external_key', m('validation.too_long', { max: 64 }))
    else {
      const first = firstLineOfKey.get(externalKey)
      if (first !== undefined) add('external_key', msg.duplicateInFile(first))
      else firstLineOfKey.set(externalKey, line)
    }
    const kind = choice(cells, 'kind', add)
    if (kind === 'project') add('kind', msg.projectNotImportable())
    const startsOn = date(cells, 'starts_on', add)
    const endsOn = date(cells, 'ends_on', add)
    const capacity = number(cells, 'capacity', 0, add)
    const wageMin = number(cells, 'wage_min', 2, add)
    const wageMax = number(cells, 'wage_max', 2, add)
    const costYuan = number(cells, 'cost_yuan', 2, add)
    const targetAmount = number(cells, 'target_amount', 2, add)
    const quantity = number(cells, 'quantity', 3, add)
    const wagePeriod = choice(cells, 'wage_period', add)
    const delivery = choice(cells, 'delivery', add)
    const donationType = choice(cells, 'donation_type', add)
    const categories = choiceList(cells, 'categories', add)
    const regionCode = cells.region_code ?? ''
    for (const column of ['region_code', 'workplace_region_code', 'delivery_region_code']) {
      const code = cells[column]
      if (code !== undefined && !known.has(code)) add(column, msg.unknownRegion(code))
    }
    if (rowIssues.length === 0) {
      const parsedInput = ListingSchema.safeParse({
        kind,
        title: cells.title,
        description: cells.description,
        regionCode,
        categories,
        startsOn,
        endsOn,
        capacity,
        contactMethod: cells.contact_method,
        position: cells.position,
        wageMin,
        wageMax,
        wagePeriod,
        workplaceRegionCode: cells.workplace_region_code ?? regionCode,
        schedule: cells.schedule,
        costYuan,
        delivery,
        donationType,
        targetAmount,
        itemKind: cells.item_kind,
        itemUnit: cells.item_unit,
        quantity,
        deliveryRegionCode: cells.delivery_region_code ?? regionCode,
      })
      if (!parsedInput.success) for (const issue of parsedInput.error.issues) add(snake(String(issue.path[0] ?? 'kind')), issue.message)
      else
        candidates.push({
          line,
          value: { externalKey, input: parsedInput.data },
          display: { external_key: externalKey, kind: parsedInput.data.kind, title: parsedInput.data.title, region: `${regionCode} ${known.get(regionCode)?.name ?? ''}`, starts_on: parsedInput.data.startsOn },
        })
    }
    issues.push(...rowIssues)
  }
  const existing = new Set<string>()
  for (const part of chunks([...firstLineOfKey.keys()], 1000)) {
    const rows = await executor
      .select({ key: listingExternalKeys.externalKey })
      .from(listingExternalKeys)
      .where(and(eq(listingExternalKeys.organizationId, organizationId), inArray(listingExternalKeys.externalKey, part)))
    for (const r of rows) existing.add(r.key)
  }
  const rows: Checked<ListingImportRow>[] = []
  for (const [key, line] of firstLineOfKey) if (existing.has(key)) issues.push({ line, field: 'external_key', message: msg.duplicateKeyExisting(key) })
  for (const c of candidates) if (!existing.has(c.value.externalKey)) rows.push(c)
  return { rows, issues: issues.sort((a, b) => a.line - b.line) }
}

type Checked2 = { kind: 'households'; result: CheckResult<HouseholdInput> } | { kind: 'listings'; result: CheckResult<ListingImportRow> }

async function checkFile(executor: Executor, kind: ImportKind, actor: ImportActor, organizationId: string | null, text: string) {
  const parsed = parseCsv(text, importSpec(kind))
  if (!parsed.ok) return { ok: false as const, refusal: parsed.refusal }
  // Wrong column counts and the like come from the reader; the domain checks run on the rest.
  const readerIssues = parsed.issues
  const checked: Checked2 =
    kind === 'households'
      ? { kind, result: await checkHouseholdRows(executor, actor, parsed.rows as ParsedRow<Cells>[]) }
      : { kind, result: await checkListingRows(executor, organizationId!, parsed.rows as ParsedRow<Cells>[]) }
  const issues = [...readerIssues, ...checked.result.issues].sort((a, b) => a.line - b.line)
  return { ok: true as const, total: parsed.total, checked, issues }
}

// ---------------------------------------------------------------------------------------
// Staging, preview, confirm.

function scopeOf(kind: ImportKind, actor: ImportActor) {
  if (kind === 'households') {
    if (actor.role !== 'caseworker') throw new ImportError('imports:errors.not_allowed', 403)
    return { organizationId: null }
  }
  if (actor.role !== 'org_member' || !actor.organizationId) throw new ImportError('imports:errors.not_allowed', 403)
  return { organizationId: actor.organizationId }
}

export type StageResult = { ok: true; batchId: string } | { ok: false; refusal: string }

/** Reads and checks an uploaded file and keeps it (sealed) for the preview. Nothing is imported yet. */
export async function stageImport(actor: ImportActor, kind: ImportKind, file: { name: string; bytes: Uint8Array }): Promise<StageResult> {
  const { organizationId } = scopeOf(kind, actor)
  await expireStagedImports()
  const decoded = decodeUpload(file.name, file.bytes)
  if (!decoded.ok) return decoded
  const checked = await checkFile(db, kind, actor, organizationId, decoded.text)
  if (!checked.ok) return checked
  const [batch] = await db
    .insert(importBatches)
    .values({
      kind,
      uploadedById: actor.id,
      organizationId,
      fileName: safeFileName(file.name),
      contentSha256: createHash('sha256').update(file.bytes).digest('hex'),
      sealedContent: sealText(decoded.text),
      rowCount: checked.total,
      issues: checked.issues,
      preview: checked.checked.result.rows.slice(0, PREVIEW_ROWS).map((r) => ({ line: String(r.line), ...r.display })),
      expiresAt: new Date(Date.now() + STAGED_TTL_HOURS * 3_600_000),
    })
    .returning({ id: importBatches.id })
  return { ok: true, batchId: batch!.id }
}

/**
 * Staged files nobody confirmed in time: forget the file, keep the row (counts, errors) as expired.
 * Run hourly by the imports queue and before every upload. Returns how many batches it expired.
 */
export async function expireStagedImports(now = new Date()) {
  const expired = await db
    .update(importBatches)
    .set({ status: 'expired', sealedContent: null })
    .where(and(eq(importBatches.status, 'staged'), lt(importBatches.expiresAt, now)))
    .returning({ id: importBatches.id })
  return expired.length
}

/** One batch as its uploader sees it (someone else's, or another organization's, is not found). */
export async function getImportBatch(actor: ImportActor, kind: ImportKind, batchId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw new ImportError('imports:errors.not_found', 404)
  const { organizationId } = scopeOf(kind, actor)
  const [batch] = await db.select().from(importBatches).where(and(eq(importBatches.id, batchId), eq(importBatches.kind, kind), eq(importBatches.uploadedById, actor.id)))
  if (!batch || (organizationId && batch.organizationId !== organizationId)) throw new ImportError('imports:errors.not_found', 404)
  const { sealedContent: _sealed, ...visible } = batch
  const expired = batch.status === 'expired' || (batch.status === 'staged' && batch.expiresAt < new Date())
  const progress = batch.status === 'queued' ? ((await runImportProgress(batch.id).catch(() => null)) ?? 0) : batch.status === 'imported' ? 100 : 0
  return { ...visible, status: expired ? ('expired' as const) : batch.status, progress }
}
export type ImportBatchView = Awaited<ReturnType<typeof getImportBatch>>

/** What the preview page polls while the worker imports: status and percent, for the uploader only. */
export async function importProgress(actor: ImportActor, batchId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw new ImportError('imports:errors.not_found', 404)
  const [batch] = await db
    .select({ kind: importBatches.kind })
    .from(importBatches)
    .where(and(eq(importBatches.id, batchId), eq(importBatches.uploadedById, actor.id)))
  if (!batch) throw new ImportError('imports:errors.not_found', 404)
  const view = await getImportBatch(actor, batch.kind, batchId)
  return { status: view.status, progress: view.progress, importedCount: view.importedCount, failure: view.failure }
}

export type ConfirmResult = { mode: 'imported'; count: number } | { mode: 'queued' } | { mode: 'failed'; failure: RowIssue }

/** The uploader confirms a clean preview: small files import now, large ones go to the worker. */
export async function confirmImport(actor: ImportActor, kind: ImportKind, batchId: string): Promise<ConfirmResult> {
  const batch = await getImportBatch(actor, kind, batchId)
  if (batch.status === 'expired') throw new ImportError('imports:errors.expired', 410)
  if (batch.status !== 'staged') throw new ImportError('imports:errors.not_staged', 409)
  if (batch.issues.length > 0) throw new ImportError('imports:errors.has_errors', 422)
  if (batch.rowCount > SYNC_IMPORT_ROWS) {
    const [moved] = await db
      .update(importBatches)
      .set({ status: 'queued' })
      .where(and(eq(importBatches.id, batchId), eq(importBatches.status, 'staged')))
      .returning({ id: importBatches.id })
    if (!moved) throw new ImportError('imports:errors.not_staged', 409)
    await enqueueRunImport(batchId)
    return { mode: 'queued' }
  }
  const outcome = await runImport(batchId)
  if (outcome.status === 'failed') return { mode: 'failed', failure: outcome.failure }
  if (outcome.status === 'skipped') throw new ImportError('imports:errors.not_staged', 409)
  return { mode: 'imported', count: outcome.count }
}

// ---------------------------------------------------------------------------------------
// The import itself: one transaction, every row or none.

class RowFailure extends Error {
  constructor(public issue: RowIssue) {
    super(issue.message)
  }
}

export type RunOutcome = { status: 'imported'; count: number; already: boolean } | { status: 'failed'; failure: RowIssue } | { status: 'skipped' }

/**
 * Imports a confirmed batch. Idempotent: the batch row is locked and an imported batch is not
 * imported again (and (batch, line) is a primary key of import_records). The file is checked
 * again inside the transaction — something may have changed since the preview — and the first
 * failing row rolls everything back; the batch is then marked failed with that row's error.
 */
export async function runImport(batchId: string, onProgress: (pct: number) => Promise<void> | void = () => {}): Promise<RunOutcome> {
  let created: Array<{ id: string; version: number }> = []
  let kind: ImportKind = 'households'
  let outcome: RunOutcome
  try {
    outcome = await db.transaction(async (tx) => {
      const [batch] = await tx.select().from(importBatches).where(eq(importBatches.id, batchId)).for('update')
      if (!batch) return { status: 'skipped' as const }
      if (batch.status === 'imported') return { status: 'imported' as const, count: batch.importedCount, already: true }
      if ((batch.status !== 'staged' && batch.status !== 'queued') || !batch.sealedContent) return { status: 'skipped' as const }
      kind = batch.kind
      const actor = await uploaderOf(tx, batch.uploadedById, batch.organizationId)
      const checked = await checkFile(tx, batch.kind, actor, batch.organizationId, unsealText(batch.sealedContent))
      if (!checked.ok) throw new RowFailure({ line: 0, field: null, message: checked.refusal })
      if (checked.issues.length) throw new RowFailure(checked.issues[0]!)
      const total = checked.checked.result.rows.length
      const report = async (done: number) => {
        if (done % PROGRESS_EVERY === 0 || done === total) await onProgress(Math.floor((done / total) * 100))
      }
      created = []
      if (checked.checked.kind === 'households') {
        // A hundred files per round of statements (insertHouseholds), not a dozen or more statements per file.
        const prefixes = await caseworkerPrefixes(tx, actor.id)
        const rows = checked.checked.result.rows
        for (const [n, chunk] of chunks(rows, PROGRESS_EVERY).entries()) {
          // A refusal names the input it concerns (HouseholdError.row): its line is that row's.
          const files = await rowStep((error) => chunk[error instanceof HouseholdError ? (error.row ?? 0) : 0]!.line, () => insertHouseholds(tx, actor, chunk.map((r) => r.value), prefixes))
          await tx.insert(importRecords).values(chunk.map((r, i) => ({ batchId, line: r.line, entityId: files[i]!.id })))
          for (const file of files) created.push({ id: file.id, version: file.version })
          await report(n * PROGRESS_EVERY + chunk.length)
        }
      } else {
        // A hundred rows per round of statements (insertListings), not a dozen statements per row.
        const rows = checked.checked.result.rows
        for (let start = 0; start < rows.length; start += PROGRESS_EVERY) {
          const chunk = rows.slice(start, start + PROGRESS_EVERY)
          // What can fail here is the uploader's standing (no longer a member): every row alike, named by the first.
          const written = await rowStep(() => chunk[0]!.line, () => insertListings(tx, actor, chunk.map((r) => r.value.input)))
          await tx.insert(listingExternalKeys).values(chunk.map((r, i) => ({ organizationId: batch.organizationId!, externalKey: r.value.externalKey, listingId: written[i]!.id, batchId })))
          await tx.insert(importRecords).values(chunk.map((r, i) => ({ batchId, line: r.line, entityId: written[i]!.id })))
          for (const listing of written) created.push({ id: listing.id, version: 1 })
          await report(start + chunk.length)
        }
      }
      await tx
        .update(importBatches)
        .set({ status: 'imported', importedCount: created.length, importedAt: new Date(), sealedContent: null })
        .where(eq(importBatches.id, batchId))
      await recordAudit(tx, {
        actor: { id: actor.id },
        action: `import.${batch.kind}`,
        entityType: 'import_batch',
        entityId: batchId,
        after: { rows: created.length, fileName: batch.fileName, contentSha256: batch.contentSha256, organizationId: batch.organizationId },
      })
      return { status: 'imported' as const, count: created.length, already: false }
    })
  } catch (error) {
    if (!(error instanceof RowFailure)) throw error
    await db.update(importBatches).set({ status: 'failed', failure: error.issue, sealedContent: null }).where(eq(importBatches.id, batchId))
    return { status: 'failed', failure: error.issue }
  }
  if (outcome.status === 'imported' && !outcome.already && kind === 'households') await afterHouseholdsImported(created)
  // Listings are imported as drafts: nothing is indexed or scored until the organization publishes them.
  return outcome
}

/** Turns a domain refusal while writing rows into the error of the row it concerns (`lineOf`). */
async function rowStep<T>(lineOf: (error: unknown) => number, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (error instanceof HouseholdError) throw new RowFailure({ line: lineOf(error), field: null, message: m(error.key, error.params) })
    if (error instanceof ListingError) throw new RowFailure({ line: lineOf(error), field: null, message: `listings:errors.${error.reason}` })
    throw error
  }
}

async function uploaderOf(tx: Transaction, userId: string, organizationId: string | null): Promise<ImportActor> {
  const [user] = await tx.execute<{ id: string; role: UserRole; organization_id: string | null }>(sql`select id, role, organization_id from users where id = ${userId}`)
  if (!user) throw new RowFailure({ line: 0, field: null, message: 'imports:errors.not_allowed' })
  // The uploader must still belong to the organization the file was staged for.
  if (organizationId && user.organization_id !== organizationId) throw new RowFailure({ line: 0, field: null, message: 'imports:errors.not_allowed' })
  return { id: user.id, role: user.role, organizationId: user.organization_id }
}

async function afterHouseholdsImported(created: Array<{ id: string; version: number }>) {
  try {
    for (const part of chunks(created, 1000)) {
      await enqueueScoreHouseholds(part)
      await enqueueEvaluateHouseholds(part)
    }
  } catch (error) {
    // The nightly rescore and evaluation sweep catch up; the import itself stands.
    logger.error({ err: (error as Error).message }, 'could not enqueue scoring for imported households')
  }
}

/** The records a batch created, in file order (tests, and the imported-count on the page). */
export async function importedRecords(batchId: string) {
  return db.select().from(importRecords).where(eq(importRecords.batchId, batchId)).orderBy(asc(importRecords.line))
}

/** A row error as text in one language (i18next `t`), e.g. "第 3 行 · birth_date：…". */
export function describeIssue(t: (key: string, params?: Record<string, unknown>) => string, issue: RowIssue) {
  const { key, params } = splitMessage(issue.message)
  return { line: issue.line, field: issue.field, text: t(key, params) }
}
