// Web process: Express serves the Remix build, static assets and (later) admin tools.
// It only enqueues jobs; workers/index.ts processes them.
process.env.GONGJIAN_PROCESS ??= 'web'

import cluster from 'node:cluster'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express, { type Request as ExpressRequest } from 'express'
import { createBullBoard } from '@bull-board/api'
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter'
import { ExpressAdapter } from '@bull-board/express'
import { closeDb } from './utils/db.server'
import { i18next } from './utils/i18n.server'
import { getEnv } from './utils/env.server'
import { cookieIsSecure } from './utils/session.server'
import { logger } from './utils/logger.server'
import { closeQueues, getQueue } from '@workers/queues/connection'
import { queueNames } from '@workers/queues/names'
import { getUser } from './utils/auth.server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export async function createApp(build?: ServerBuild) {
  const serverBuild = build ?? ((await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild)
  const app = express()
  app.disable('x-powered-by')
  app.use(compression())
  app.use((_req, res, next) => {
    const nonce = randomBytes(16).toString('base64')
    res.locals.cspNonce = nonce
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        // Inline style attributes come from React and ECharts.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()')
    if (cookieIsSecure()) res.setHeader('Strict-Transport-Security', 'max-age=31536000')
    next()
  })
  // CSRF: a browser always sends Origin on cross-site POSTs; refuse any state-changing request
  // whose Origin is not this site (SameSite=Lax cookies are the second line).
  app.use(async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
    const origin = req.get('origin')
    const host = req.get('host')
    if (origin ? origin !== 'null' && sameHost(origin, host) : !crossSiteWithoutOrigin(req.get('sec-fetch-site'), req.get('referer'), host)) return next()
    const headers = new Headers()
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
    const t = await i18next.getFixedT(new Request('http://localhost/', { headers }), 'common')
    res.status(403).type('text/plain; charset=utf-8').send(t('errors.cross_site'))
  })
  app.use(QUEUE_DASHBOARD_PATH, queueDashboardCsp, requireAdminForQueues, queueDashboard().getRouter())
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }))
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }))
  app.all(
    '*',
    createRequestHandler({
      build: serverBuild,
      mode: getEnv().NODE_ENV,
      getLoadContext: (req, res) => ({ clientIp: req.socket.remoteAddress ?? null, cspNonce: res.locals.cspNonce as string }),
    }),
  )
  return app
}

/** The Fetch Request the Remix side's session helpers read (only the headers matter). */
function fetchRequestOf(req: ExpressRequest) {
  const headers = new Headers()
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
  return new Request(`http://${req.get('host') ?? 'localhost'}${req.originalUrl}`, { headers })
}

// ───────────── queue dashboard (bull-board) at /admin/queues, administrators only ─────────────

const QUEUE_DASHBOARD_PATH = '/admin/queues'

/** bull-board over every queue the worker process hosts (producer-side handles; it never runs jobs). */
function queueDashboard() {
  const serverAdapter = new ExpressAdapter()
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH)
  createBullBoard({ queues: queueNames.map((name) => new BullMQAdapter(getQueue(name))), serverAdapter, options: { uiConfig: { boardTitle: 'Gongjian queues' } } })
  return serverAdapter
}

/**
 * The same session check the Remix guards use (requireRole(request, 'admin')): anonymous → the
 * log-in page (coming back here afterwards), any other role → 403 in the visitor's language.
 */
async function requireAdminForQueues(req: ExpressRequest, res: express.Response, next: express.NextFunction) {
  try {
    const request = fetchRequestOf(req)
    const user = await getUser(request)
    if (!user) return res.redirect(302, `/login?${new URLSearchParams({ redirectTo: req.originalUrl })}`)
    if (user.role !== 'admin') {
      const t = await i18next.getFixedT(request, 'kpi')
      return res.status(403).type('text/plain; charset=utf-8').send(t('queues.forbidden'))
    }
    next()
  } catch (error) {
    next(error)
  }
}

/**
 * bull-board's page is a prebuilt React app: its scripts are same-origin files (allowed by the
 * app-wide script-src 'self'), its config is a JSON <script> (not executed), but it links the IBM
 * Plex font from fonts.googleapis.com. The route-specific policy below keeps everything else as
 * strict as the app's and leaves that font out (the board falls back to system fonts) — no
 * third-party origin is allowed. It replaces the nonce policy because bull-board cannot carry
 * the app's per-request nonce, and needs none.
 */
function queueDashboardCsp(_req: ExpressRequest, res: express.Response, next: express.NextFunction) {
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  )
  next()
}

/**
 * No Origin header: usually not a browser form (API clients authenticate with keys), so it passes —
 * unless the browser's own Sec-Fetch-Site or the Referer says the request came from another site
 * (older browsers and some privacy settings drop Origin but keep those).
 */
function crossSiteWithoutOrigin(fetchSite: string | undefined, referer: string | undefined, host: string | undefined) {
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true
  return Boolean(referer) && !sameHost(referer!, host)
}

function sameHost(origin: string, host: string | undefined) {
  try {
    return Boolean(host) && new URL(origin).host === host
  } catch {
    return false
  }
}

/**
 * WEB_CONCURRENCY > 1: a primary process forks that many web processes sharing the port
 * (node:cluster) and restarts one that dies; SIGTERM/SIGINT stop them all. Rendering a page is
 * CPU-bound JavaScript, so one process uses one core however many requests wait.
 */
function runCluster(processes: number) {
  let stopping = false
  const forkedAt = new Map<number, number>()
  let quickDeaths = 0
  const fork = () => {
    const worker = cluster.fork({ GONGJIAN_PROCESS: 'web' })
    forkedAt.set(worker.id, Date.now())
  }
  for (let i = 0; i < processes; i++) fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    // A process that dies soon after start (bad build, database refusing connections) is
    // restarted after a growing pause instead of in a tight loop.
    const lived = Date.now() - (forkedAt.get(worker.id) ?? 0)
    forkedAt.delete(worker.id)
    quickDeaths = lived < 10_000 ? quickDeaths + 1 : 0
    const delay = quickDeaths ? Math.min(30_000, 500 * 2 ** quickDeaths) : 0
    logger.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'web process died; starting another')
    setTimeout(() => stopping || fork(), delay)
  })
  const stop = (signal: NodeJS.Signals) => {
    stopping = true
    logger.info({ signal }, 'web stopping')
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
    const done = () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0)
    cluster.on('exit', done)
    done()
    setTimeout(() => process.exit(0), 12_000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

async function main() {
  const processes = getEnv().WEB_CONCURRENCY
  if (processes > 1 && cluster.isPrimary) return runCluster(processes)
  const app = await createApp()
  const port = getEnv().PORT
  const server = app.listen(port, () => logger.info({ port }, `web listening on http://localhost:${port}`))
  let stopping = false
  const stop = (signal: string) => {
    // Under up.sh a Ctrl-C reaches a web process from the terminal, the cluster primary and the trap.
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'web stopping')
    server.close(async () => {
      await closeQueues()
      await closeDb()
      process.exit(0)
    })
    setTimeout(() => process.exit(0), 10_000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error) => {
    logger.fatal({ err: error instanceof Error ? error.message : String(error) }, 'web failed to start')
    process.exit(1)
  })
}
