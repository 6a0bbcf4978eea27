// Web process: Express serves the Remix build, static assets and (later) admin tools.
// It only enqueues jobs; workers/index.ts processes them.
process.env.GONGJIAN_PROCESS ??= 'web'

import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import { closeDb } from './utils/db.server'
import { getEnv } from './utils/env.server'
import { logger } from './utils/logger.server'
import { closeQueues } from '@workers/queues/connection'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export async function createApp(build?: ServerBuild) {
  const serverBuild = build ?? ((await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild)
  const app = express()
  app.disable('x-powered-by')
  app.use(compression())
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'same-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    next()
  })
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }))
  app.use(express.static(path.join(root, 'public'), { maxAge: '1h' }))
  app.all('*', createRequestHandler({ build: serverBuild, mode: getEnv().NODE_ENV }))
  return app
}

async function main() {
  const app = await createApp()
  const port = getEnv().PORT
  const server = app.listen(port, () => logger.info({ port }, `web listening on http://localhost:${port}`))
  const stop = (signal: string) => {
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
