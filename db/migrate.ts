// `npm run db:migrate`: creates the database if it does not exist, then applies
// the committed drizzle-kit migrations. Safe to run any number of times.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { connect } from './client'

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export async function ensureDatabase(url: string) {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} })
  try {
    const rows = await sql`select 1 from pg_database where datname = ${name}`
    if (rows.length === 0) await sql.unsafe(`create database "${name.replace(/"/g, '""')}"`)
  } finally {
    await sql.end()
  }
}

export async function migrateDatabase(url: string) {
  await ensureDatabase(url)
  const { sql, db } = connect(url, { max: 1, applicationName: 'gongjian-migrate' })
  try {
    await migrate(db, { migrationsFolder })
  } finally {
    await sql.end()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gongjian'
  migrateDatabase(url)
    .then(() => console.log(`migrated ${new URL(url).pathname.slice(1)}`))
    .catch((error) => {
      console.error(error)
      process.exit(1)
    })
}
