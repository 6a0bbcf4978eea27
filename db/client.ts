import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema'

export function connect(url: string, options: { max?: number; applicationName?: string } = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // JIT compilation pays off for long analytic queries, not for this app's: the matching
    // loads and candidate queries cross jit_above_cost and spent more time compiling than running.
    connection: { application_name: options.applicationName ?? 'gongjian', jit: 'off' },
    // numeric columns stay strings so decimal.js, never a float, reads them.
    types: {},
  })
  const db = drizzle(sql, { schema, casing: 'snake_case' })
  return { sql, db }
}

export type Connection = ReturnType<typeof connect>
export type Database = Connection['db']
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** Either the pool or an open transaction: model functions accept both. */
export type Executor = Database | Transaction
