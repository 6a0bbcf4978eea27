import { z } from 'zod'

/** A URL's search parameters as zod input: repeated keys as arrays, empty single values as absent. */
export function queryInput(params: URLSearchParams): Record<string, unknown> {
  const raw: Record<string, unknown> = {}
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key)
    if (all.length > 1) raw[key] = all
    else if (all[0] !== '') raw[key] = all[0]
  }
  return raw
}

/** A `?page=` value on the app's paged lists (common:pager.invalid_page names this range). */
export const PageParam = z.coerce.number().int().min(1).max(10_000)

/** The page a list shows: `?page=`, or page 1 when it is absent or not valid (`invalid` says which). */
export function pageOf(params: URLSearchParams) {
  const parsed = PageParam.safeParse(params.get('page') || 1)
  return parsed.success ? { page: parsed.data, invalid: false } : { page: 1, invalid: true }
}
