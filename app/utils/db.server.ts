import { connect, type Connection, type Database } from '@db/client'
import { getEnv } from './env.server'

let connection: Connection | undefined

export function getConnection(): Connection {
  connection ??= connect(getEnv().DATABASE_URL, {
    max: getEnv().DB_POOL_MAX,
    applicationName: `gongjian-${process.env.GONGJIAN_PROCESS ?? 'web'}`,
  })
  return connection
}

/** The drizzle handle, created on first use so tests can point DATABASE_URL elsewhere first. */
export const db = new Proxy({} as Database, {
  get(_target, property) {
    const real = getConnection().db
    const value = Reflect.get(real, property, real)
    // `$client` is the postgres.js client: a function whose methods (unsafe, begin…) a bound copy would lose.
    return typeof value === 'function' && property !== '$client' ? value.bind(real) : value
  },
})

export async function closeDb() {
  const current = connection
  connection = undefined
  await current?.sql.end({ timeout: 5 })
}

/**
 * A drizzle prepared query, built once per connection: drizzle then skips rebuilding the SQL on
 * every call (a noticeable share of a page's CPU for the queries every page runs, such as the
 * session lookup). Values go in through `sql.placeholder()`; closeDb() and a new connection get a
 * new one.
 */
export function prepared<Query>(build: (db: Database) => Query): () => Query {
  const byConnection = new WeakMap<Database, Query>()
  return () => {
    const real = getConnection().db
    let query = byConnection.get(real)
    if (!query) {
      query = build(real)
      byConnection.set(real, query)
    }
    return query
  }
}
