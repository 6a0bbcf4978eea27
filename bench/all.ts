// `npm run bench`: runs every benchmark script in turn (each in its own process, each printing its
// own details), then prints all their rows as one table (bench/table.ts). A script that fails is
// reported and the others still run; the exit code is non-zero if any failed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { formatTable, type BenchRow } from './table'

const scripts = (process.env.BENCH_SCRIPTS ?? 'search,scoring,ledger,page').split(',').filter(Boolean)
const dir = mkdtempSync(path.join(tmpdir(), 'gongjian-bench-'))
const rowsFile = path.join(dir, 'rows.jsonl')
const failed: string[] = []
for (const name of scripts) {
  console.log(`\n━━ bench:${name} ━━`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit', env: { ...process.env, BENCH_ROWS_FILE: rowsFile } })
  if (result.status !== 0) failed.push(name)
}
let rows: BenchRow[] = []
try {
  rows = readFileSync(rowsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as BenchRow)
} catch {
  // no script reported rows
}
rmSync(dir, { recursive: true, force: true })
for (const name of failed) rows.push({ area: name, metric: `bench:${name} failed (see its output above)`, value: '', goal: '', met: false })
console.log(`\n━━ all benchmarks (${new Date().toISOString()}) ━━\n${formatTable(rows)}`)
if (failed.length) process.exitCode = 1
