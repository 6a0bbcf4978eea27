// `npm run bench:page`: the resident's matched-offers page (/me/offers) under 50 concurrent clients.
// Starts the built app as in production (`node --import tsx app/server.ts`, NODE_ENV=production) on a
// free loopback port against the seeded benchmark database (bench/seeded.ts: 20k listings), logs in
// as the demo resident by posting the login form, checks the page really shows that resident's offers,
// then drives it with autocannon (BENCH_PAGE_CONNECTIONS=50 for BENCH_PAGE_SECONDS=10, after a 2 s
// warm-up). Latencies are every response's time as autocannon reports it; prints p50/p95 and req/s.
// Needs a build: run `npm run build` first (it builds one if build/ is missing).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { createServer } from 'node:net'
import autocannon from 'autocannon'
import { DEMO_PASSWORD } from '../db/seed/demo'
import { ensureSeeded, seededDatabaseUrl } from './seeded'
import { percentile, report } from './table'

const connections = Number(process.env.BENCH_PAGE_CONNECTIONS ?? 50)
const seconds = Number(process.env.BENCH_PAGE_SECONDS ?? 10)
const listingCount = Number(process.env.BENCH_LISTINGS ?? 20000)
const path = process.env.BENCH_PAGE_PATH ?? '/me/offers'
// Seeding scores the demo households through the app's own db handle: point it at the bench database.
process.env.DATABASE_URL = seededDatabaseUrl().toString()
process.env.LOG_LEVEL ??= 'silent'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function waitForServer(baseUrl: string, child: ReturnType<typeof spawn>) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode}`)
    try {
      const response = await fetch(`${baseUrl}/healthz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('the web server did not start within 60 s')
}

async function logIn(baseUrl: string, username: string) {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'zh-CN' },
    body: new URLSearchParams({ username, password: DEMO_PASSWORD }),
    redirect: 'manual',
  })
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  if (response.status !== 302 || !cookie) throw new Error(`logging in as ${username} failed: HTTP ${response.status}`)
  return cookie
}

/**
 * CPU seconds (user + system) the web server has used so far, from /proc (Linux): the process
 * and its direct children (the cluster's web processes); null elsewhere.
 */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    let total = 0
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      let fields: string[]
      try {
        fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')
      } catch {
        continue // exited meanwhile
      }
      // After the command name: state, ppid, …; utime and stime are fields 14 and 15 of the whole line (11 and 12 here), in ticks.
      if (Number(entry) === pid || Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / 100
    }
    return total
  } catch {
    return null
  }
}

function run(options: autocannon.Options, times?: number[]) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
    if (times) instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime))
  })
}

async function main() {
  const { published } = await ensureSeeded(listingCount)
  if (!existsSync('build/index.js')) execFileSync('npx', ['remix', 'build'], { stdio: 'inherit' })
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  // BENCH_PAGE_CPU_PROFILE=<dir>: the web server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_PAGE_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PAGE_CPU_PROFILE}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'app/server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: seededDatabaseUrl().toString(),
      SECURE_COOKIES: 'false', // plain http on loopback
      GONGJIAN_ALLOW_DEV_KEYS: 'true',
      QUEUE_PREFIX: '{gongjian-bench-l}',
      LOG_LEVEL: 'warn',
      // As scripts/up.sh runs it: one web process per core unless WEB_CONCURRENCY says otherwise.
      WEB_CONCURRENCY: process.env.WEB_CONCURRENCY ?? String(availableParallelism()),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  try {
    await waitForServer(baseUrl, child)
    const cookie = await logIn(baseUrl, 'resident')
    const headers = { cookie, 'accept-language': 'zh-CN' }
    const page = await fetch(`${baseUrl}${path}`, { headers })
    const html = await page.text()
    const offers = html.split('data-testid="offer"').length - 1
    if (page.status !== 200 || !html.includes('data-testid="offers"')) throw new Error(`${path} did not show the resident's offers (HTTP ${page.status})`)

    await run({ url: `${baseUrl}${path}`, connections, duration: 2, headers })
    const times: number[] = []
    const cpuBefore = cpuSeconds(child.pid)
    const result = await run({ url: `${baseUrl}${path}`, connections, duration: seconds, headers }, times)
    const cpuAfter = cpuSeconds(child.pid)
    const cpuPerRequest = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / result.requests.total
    times.sort((a, b) => a - b)
    const p50 = percentile(times, 0.5)
    const p95 = percentile(times, 0.95)
    const bad = result.non2xx + result.errors + result.timeouts
    console.log(`\nPage — GET ${path} as the demo resident (${offers} offers on the page), ${connections} connections for ${seconds} s, NODE_ENV=production, WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY ?? availableParallelism()}, ${published} listings on offer`)
    console.log(`requests ${result.requests.total} (${bad} not 200), ${result.requests.average.toFixed(0)} req/s; latency p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`)
    if (cpuPerRequest !== null) console.log(`web server CPU: ${cpuPerRequest.toFixed(1)} ms per request (user + system, from /proc)`)
    report([
      { area: 'page', metric: `${path} p50 / p95, ${connections} clients (${offers} offers shown, ${process.env.WEB_CONCURRENCY ?? availableParallelism()} web processes)`, value: `${p50.toFixed(0)} / ${p95.toFixed(0)} ms`, goal: 'p95 < 150 ms', met: p95 < 150 && bad === 0 },
      { area: 'page', metric: `${path} requests/s (${bad} not 200)`, value: result.requests.average.toFixed(0), goal: '', met: null },
      ...(cpuPerRequest === null ? [] : [{ area: 'page', metric: `${path} web server CPU per request`, value: `${cpuPerRequest.toFixed(1)} ms`, goal: '', met: null }]),
    ])
  } finally {
    child.kill('SIGTERM')
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
