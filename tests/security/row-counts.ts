import { sql } from 'drizzle-orm'
import { db } from '~/utils/db.server'

/** Exact row count of every table in the public schema (audit entries: changes only): "nothing was written" in one comparison. */
export async function snapshotRowCounts(): Promise<Record<string, number>> {
  const tables = await db.execute<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )
  const counts: Record<string, number> = {}
  const rows = Array.from(tables as unknown as Iterable<{ name: string }>)
  const query = rows.map((t) => `select '${t.name}' as name, count(*)::int as n from "${t.name}"`).join(' union all ')
  const result = await db.execute<{ name: string; n: number }>(sql.raw(query))
  for (const r of Array.from(result as unknown as Iterable<{ name: string; n: number }>)) counts[r.name] = r.n
  // Reading a full household file is itself audited (household.view_full); that is a read, not a change.
  const [changes] = Array.from(
    (await db.execute(sql`select count(*)::int as n from audit_entries where action not like '%view%'`)) as unknown as Iterable<{ n: number }>,
  )
  counts.audit_entries = changes!.n
  return counts
}
