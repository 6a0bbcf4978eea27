import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Starts a throw-away redis-server on its own port (for tests that stop Redis on purpose).
 * `port` restarts one on the same port; `durableDir` turns on the append-only file there
 * (fsync on every write), so a restart keeps what was queued, as a production Redis should.
 */
export async function startScratchRedis(options: { port?: number; durableDir?: string } = {}) {
  const port = options.port ?? (await freePort())
  const persistence = options.durableDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.durableDir]
    : ['--appendonly', 'no']
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: 'ignore',
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const url = `redis://127.0.0.1:${port}`
  const { Redis } = await import('ioredis')
  for (let i = 0; i < 50; i++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on('error', () => {})
    try {
      await probe.connect()
      await probe.ping()
      probe.disconnect()
      return { url, port, child, stop: () => stopProcess(child) }
    } catch {
      probe.disconnect()
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  child.kill('SIGKILL')
  throw new Error('scratch redis-server did not start')
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    child.once('exit', (code) => resolve(code))
    child.kill(signal)
  })
}

// Children this test file started; killed when the file's process exits, even after a failed test.
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Runs the real worker entry point (`npm run workers`) as a child process with this file's env. */
export function spawnWorkers(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('workers/index.ts')], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const ready = new Promise<void>((resolve, reject) => {
    const check = (d: Buffer) => {
      if (String(d).includes('workers started')) resolve()
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => reject(new Error(`workers exited early (${code}): ${output}`)))
  })
  return { child, ready, output: () => output }
}
