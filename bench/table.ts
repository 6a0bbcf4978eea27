// The one table every benchmark reports into: rows of {area, metric, value, goal, met}.
// report() prints a script's rows; when BENCH_ROWS_FILE is set (by `npm run bench`, bench/all.ts)
// it also appends them there as JSON lines, and bench/all.ts prints every script's rows as one table.
import { appendFileSync } from 'node:fs'

export type BenchRow = {
  area: string
  metric: string
  value: string
  /** What the row should reach, in words ('≥ 0.50× raw'); '' for context rows. */
  goal: string
  /** null: a context row with no goal. */
  met: boolean | null
}

const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0)
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)))

export function formatTable(rows: BenchRow[]): string {
  const cells = [['area', 'metric', 'value', 'goal', 'met'], ...rows.map((r) => [r.area, r.metric, r.value, r.goal, r.met === null ? '' : r.met ? 'yes' : 'NO'])]
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => width(row[i]!))))
  const line = (row: string[]) => `| ${row.map((cell, i) => pad(cell, widths[i]!)).join(' | ')} |`
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n')
}

export function report(rows: BenchRow[]) {
  console.log(`\n${formatTable(rows)}`)
  const file = process.env.BENCH_ROWS_FILE
  if (file) appendFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
}

/** Percentile of already-sorted numbers (nearest rank). */
export function percentile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}
