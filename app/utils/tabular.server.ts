import { parse } from 'csv-parse/sync'
import type { z } from 'zod'
import { controlCharsMessage, m, withoutControlChars } from '@db/schema/messages'

// One reader for every file people upload (household and listing imports, department
// feeds): CSV or JSON in, typed rows out, and for each bad row its line number, field
// and a catalog-key message. A file that is not the declared shape is refused whole.

export type RowIssue = { line: number; field: string | null; message: string }
export type ParsedRow<T> = { line: number; value: T }

export type TabularResult<T> =
  | { ok: true; rows: ParsedRow<T>[]; issues: RowIssue[]; total: number }
  | { ok: false; refusal: string }

export type TabularSpec<S extends z.ZodTypeAny> = {
  /** Columns (CSV headers / JSON keys) the declared format requires. */
  requiredColumns: readonly string[]
  rowSchema: S
  maxRows?: number
  /** Other names people use for a column (e.g. Chinese headers: 身份证号 → id_number). */
  aliases?: Record<string, string>
}

function canonical(name: string, aliases: Record<string, string> | undefined) {
  const trimmed = name.trim()
  return aliases?.[trimmed] ?? trimmed
}

const DEFAULT_MAX_ROWS = 50_000

function rowIssues(line: number, error: z.ZodError): RowIssue[] {
  return error.issues.map((issue) => ({ line, field: issue.path.length ? issue.path.join('.') : null, message: issue.message }))
}

function validateRows<S extends z.ZodTypeAny>(records: Array<{ line: number; record: Record<string, unknown> }>, spec: TabularSpec<S>) {
  const rows: ParsedRow<z.infer<S>>[] = []
  const issues: RowIssue[] = []
  for (const { line, record } of records) {
    // NUL and other control characters cannot be stored (PostgreSQL refuses NUL in text and jsonb):
    // the row is rejected with the field named, instead of failing the whole delivery.
    const tainted = Object.entries(record).filter(([, v]) => typeof v === 'string' && !withoutControlChars(v))
    if (tainted.length) {
      issues.push(...tainted.map(([field]) => ({ line, field: withoutControlChars(field) ? field : null, message: controlCharsMessage })))
      continue
    }
    const parsed = spec.rowSchema.safeParse(record)
    if (parsed.success) rows.push({ line, value: parsed.data })
    else issues.push(...rowIssues(line, parsed.error))
  }
  return { ok: true as const, rows, issues, total: records.length }
}

export function parseCsv<S extends z.ZodTypeAny>(text: string, spec: TabularSpec<S>): TabularResult<z.infer<S>> {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) return { ok: false, refusal: m('import.empty_file') }
  let parsed: Array<{ record: Record<string, string>; info: { lines: number; error?: unknown } }>
  try {
    parsed = parse(body, {
      columns: (header: string[]) => header.map((h) => canonical(h, spec.aliases)),
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as typeof parsed
  } catch (error) {
    const line = (error as { lines?: number }).lines
    return { ok: false, refusal: m('import.malformed_csv', { line: line ?? 0 }) }
  }
  const header = (parse(body, { to_line: 1, trim: true })[0] as string[] | undefined)?.map((h) => canonical(h, spec.aliases))
  const missing = spec.requiredColumns.filter((c) => !header?.includes(c))
  if (missing.length) return { ok: false, refusal: m('import.missing_columns', { columns: missing.join(', ') }) }
  if (parsed.length > (spec.maxRows ?? DEFAULT_MAX_ROWS)) return { ok: false, refusal: m('import.too_many_rows', { max: spec.maxRows ?? DEFAULT_MAX_ROWS }) }
  const records: Array<{ line: number; record: Record<string, unknown> }> = []
  const issues: RowIssue[] = []
  for (const { record, info } of parsed) {
    if (info.error) {
      issues.push({ line: info.lines, field: null, message: m('import.wrong_column_count') })
      continue
    }
    // Empty cells are absent values, so optional fields stay optional.
    records.push({ line: info.lines, record: Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '')) })
  }
  const result = validateRows(records, spec)
  return { ...result, issues: [...issues, ...result.issues].sort((a, b) => a.line - b.line), total: parsed.length }
}

/** JSON: an array of objects, or { "records": [...] }. "Line" is the record's 1-based position. */
export function parseJsonRecords<S extends z.ZodTypeAny>(text: string, spec: TabularSpec<S>): TabularResult<z.infer<S>> {
  let data: unknown
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    return { ok: false, refusal: m('import.malformed_json') }
  }
  const list = Array.isArray(data) ? data : (data as { records?: unknown })?.records
  if (!Array.isArray(list)) return { ok: false, refusal: m('import.json_not_a_list') }
  if (list.length === 0) return { ok: false, refusal: m('import.empty_file') }
  if (list.length > (spec.maxRows ?? DEFAULT_MAX_ROWS)) return { ok: false, refusal: m('import.too_many_rows', { max: spec.maxRows ?? DEFAULT_MAX_ROWS }) }
  const canonicalKeys = (item: object) => Object.fromEntries(Object.entries(item).map(([k, v]) => [canonical(k, spec.aliases), v]))
  const first = list[0]
  if (!first || typeof first !== 'object' || Array.isArray(first)) return { ok: false, refusal: m('import.json_not_a_list') }
  const missing = spec.requiredColumns.filter((c) => !(c in canonicalKeys(first as object)))
  if (missing.length) return { ok: false, refusal: m('import.missing_columns', { columns: missing.join(', ') }) }
  const records: Array<{ line: number; record: Record<string, unknown> }> = []
  const issues: RowIssue[] = []
  list.forEach((item, index) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) issues.push({ line: index + 1, field: null, message: m('import.record_not_an_object') })
    else records.push({ line: index + 1, record: canonicalKeys(item as object) })
  })
  const result = validateRows(records, spec)
  return { ...result, issues: [...issues, ...result.issues].sort((a, b) => a.line - b.line) }
}

export function parseTabular<S extends z.ZodTypeAny>(text: string, format: 'csv' | 'json', spec: TabularSpec<S>) {
  return format === 'csv' ? parseCsv(text, spec) : parseJsonRecords(text, spec)
}

/**
 * The name an uploaded file (a department's feed, an import) is listed under: its last path segment only (a browser may send
 * "../../etc/passwd" or "C:\\upload\\x.csv"), without control characters (PostgreSQL refuses NUL).
 * It is only ever shown, never used to open a file.
 */
export function safeFileName(name: string) {
  const base = name.split(/[/\\]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200)
  return clean || 'file'
}
