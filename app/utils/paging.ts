import { z } from 'zod'

/** A `?page=` value on the app's paged lists (common:pager.invalid_page names this range). */
export const PageParam = z.coerce.number().int().min(1).max(10_000)
