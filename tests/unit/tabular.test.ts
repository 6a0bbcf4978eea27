import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { m } from '@db/schema/messages'
import { parseCsv, parseJsonRecords } from '~/utils/tabular.server'

const spec = {
  requiredColumns: ['name', 'amount', 'date'],
  rowSchema: z.object({
    name: z.string({ required_error: m('validation.required') }).min(1),
    amount: z.string().regex(/^\d+(\.\d{1,2})?$/, m('validation.amount_format')),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, m('validation.date_format')),
    note: z.string().optional(),
  }),
}

describe('CSV and JSON rows', () => {
  it('returns valid rows with their line numbers and each bad row with line, field and reason', () => {
    const csv = '\uFEFFname,amount,date,note\n王某,120.50,2026-10-01,\n李某,12.345,2026-10-02,x\n,5,2026/10/03,\n赵某,7,2026-10-04,ok\n'
    const result = parseCsv(csv, spec)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.total).toBe(4)
    expect(result.rows.map((r) => [r.line, r.value.name])).toEqual([
      [2, '王某'],
      [5, '赵某'],
    ])
    expect(result.rows[0]!.value.note).toBeUndefined()
    expect(result.issues).toEqual([
      { line: 3, field: 'amount', message: 'validation.amount_format' },
      { line: 4, field: 'name', message: 'validation.required' },
      { line: 4, field: 'date', message: 'validation.date_format' },
    ])
  })

  it('refuses a file that is not the declared format as a whole', () => {
    expect(parseCsv('name,total\nx,1\n', spec)).toEqual({ ok: false, refusal: m('import.missing_columns', { columns: 'amount, date' }) })
    expect(parseCsv('', spec)).toEqual({ ok: false, refusal: 'import.empty_file' })
    expect(parseCsv('name,amount,date\n"unclosed,1,2026-01-01\n', spec).ok).toBe(false)
    expect(parseJsonRecords('{not json', spec)).toEqual({ ok: false, refusal: 'import.malformed_json' })
    expect(parseJsonRecords('{"rows": []}', spec)).toEqual({ ok: false, refusal: 'import.json_not_a_list' })
  })

  it('reports a row with a wrong number of columns without blocking the others', () => {
    const result = parseCsv('name,amount,date\n王某,1,2026-01-01\n李某,2\n', spec)
    expect(result.ok && result.rows.length).toBe(1)
    expect(result.ok && result.issues).toEqual([{ line: 3, field: null, message: 'import.wrong_column_count' }])
  })

  it('reads JSON records the same way, numbering records from 1', () => {
    const result = parseJsonRecords(JSON.stringify({ records: [{ name: 'a', amount: '1', date: '2026-01-01' }, { name: 'b', amount: 'x', date: '2026-01-01' }] }), spec)
    expect(result.ok && result.rows.map((r) => r.line)).toEqual([1])
    expect(result.ok && result.issues).toEqual([{ line: 2, field: 'amount', message: 'validation.amount_format' }])
  })
})
