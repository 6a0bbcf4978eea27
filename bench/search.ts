// `npm run bench:search [-- --rounds 50]`: search latency on the current database (seed it first,
// e.g. `npm run seed -- --listings 20000`). Prints p50 / p95 / max per query shape; no thresholds here.
import { parseArgs } from 'node:util'
import { getSearchEngine } from '@search/index'
import type { SearchFilters, SearchSort } from '@search/engine'
import { closeDb } from '~/utils/db.server'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } })
const rounds = Number(values.rounds)

const cases: Array<{ name: string; text?: string; filters?: SearchFilters; sort?: SearchSort; viewerRegion?: string }> = [
  { name: 'browse, newest', sort: 'newest' },
  { name: 'word: 焊工', text: '焊工', viewerRegion: '522634' },
  { name: 'two words: 电商培训', text: '电商培训' },
  { name: 'word + facets', text: '培训', filters: { kind: ['training'], region: '5226' } },
  { name: 'typo fallback: 棉被子捐赠', text: '棉被子捐赠' },
  { name: 'facets only', filters: { category: ['employment'], organizationKind: ['enterprise'] }, sort: 'newest' },
]

async function main() {
  const engine = getSearchEngine()
  console.log(`engine: ${engine.name}, ${rounds} rounds per query`)
  for (const c of cases) {
    const times: number[] = []
    let total = 0
    for (let i = 0; i < rounds; i++) {
      const start = performance.now()
      const result = await engine.search({ text: c.text, viewerRegion: c.viewerRegion }, c.filters ?? {}, c.sort ?? 'relevance', { page: 1 + (i % 3), perPage: 20 })
      times.push(performance.now() - start)
      total = result.total
    }
    times.sort((a, b) => a - b)
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1)
    console.log(`${c.name.padEnd(28)} hits ${String(total).padStart(6)}   p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   max ${at(1)} ms`)
  }
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => closeDb())
