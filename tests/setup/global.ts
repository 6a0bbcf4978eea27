// Runs once per `vitest run`: builds a fresh, migrated template database (with the
// reference data loaded: administrative divisions, skills taxonomy) that every test file clones into its own database.
import { migrateDatabase } from '../../db/migrate'
import { connect } from '../../db/client'
import { seedReferenceData } from '../../db/seed'
import { adminSql, databaseUrl, quoteIdent, TEMPLATE_DB, TEST_DB_NAMESPACE } from './databases'

export default async function globalSetup() {
  const sql = adminSql()
  try {
    // Leftovers of an interrupted earlier run.
    const stale = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${TEST_DB_NAMESPACE + '\\_%'}`
    for (const { datname } of stale) await sql.unsafe(`drop database if exists ${quoteIdent(datname)} with (force)`)
    await sql.unsafe(`drop database if exists ${quoteIdent(TEMPLATE_DB)} with (force)`)
  } finally {
    await sql.end()
  }
  await migrateDatabase(databaseUrl(TEMPLATE_DB))
  const { sql: client, db } = connect(databaseUrl(TEMPLATE_DB), { max: 1 })
  try {
    await seedReferenceData(db)
  } finally {
    await client.end()
  }
}
