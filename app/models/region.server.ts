import { and, eq, inArray, like, or } from 'drizzle-orm'
import { regions } from '@db/schema'
import { db } from '~/utils/db.server'

const prefixLengths = [2, 4, 6, 9, 12] as const

/** Codes of a region and every ancestor, outermost first (codes nest by prefix). */
export function ancestorCodes(code: string): string[] {
  return prefixLengths.filter((n) => n <= code.length).map((n) => code.slice(0, n))
}

export async function regionExists(code: string) {
  const [row] = await db.select({ code: regions.code }).from(regions).where(eq(regions.code, code))
  return Boolean(row)
}

/** "贵州省 / 黔东南苗族侗族自治州 / 雷山县" — full path names for display. */
export async function regionPathNames(codes: string[]): Promise<Map<string, string>> {
  const all = [...new Set(codes.flatMap(ancestorCodes))]
  if (all.length === 0) return new Map()
  const rows = await db.select({ code: regions.code, name: regions.name }).from(regions).where(inArray(regions.code, all))
  const names = new Map(rows.map((r) => [r.code, r.name]))
  return new Map(codes.map((code) => [code, ancestorCodes(code).map((c) => names.get(c) ?? c).join(' / ')]))
}

/** Regions down to county level, with full path labels: the choices for an organization's seat. */
export async function listSeatRegions() {
  const rows = await db
    .select({ code: regions.code })
    .from(regions)
    .where(inArray(regions.level, ['province', 'city', 'county']))
    .orderBy(regions.code)
  const labels = await regionPathNames(rows.map((r) => r.code))
  return rows.map((r) => ({ value: r.code, label: labels.get(r.code) ?? r.code }))
}

/**
 * Villages (村/社区) under the given region prefixes with their path names: the choices a
 * caseworker picks a household's region from instead of typing a 12-digit code.
 */
export async function listVillagesUnder(prefixes: string[], limit = 3000) {
  if (prefixes.length === 0) return []
  const rows = await db
    .select({ code: regions.code })
    .from(regions)
    .where(and(eq(regions.level, 'village'), or(...prefixes.map((p) => like(regions.code, `${p.replace(/\D/g, '')}%`)))))
    .orderBy(regions.code)
    .limit(limit)
  const labels = await regionPathNames(rows.map((r) => r.code))
  return rows.map((r) => ({ code: r.code, label: labels.get(r.code) ?? r.code }))
}
