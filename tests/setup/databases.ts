import postgres from 'postgres'

export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432'
// Test databases are named <namespace>_<file id>; two checkouts running the suite at once
// on one server just need different TEST_DB_NAMESPACE values.
export const TEST_DB_NAMESPACE = (process.env.TEST_DB_NAMESPACE ?? 'gj_test').replace(/[^a-z0-9_]/gi, '_')
export const TEMPLATE_DB = `${TEST_DB_NAMESPACE}_template`

export function databaseUrl(name: string) {
  return `${TEST_SERVER_URL}/${name}`
}

export function adminSql() {
  return postgres(databaseUrl('postgres'), { max: 1, onnotice: () => {} })
}

export function quoteIdent(name: string) {
  return `"${name.replace(/"/g, '""')}"`
}
