/** What PostgreSQL says about a refused statement (postgres.js error fields). */
export type PgError = { code: string; constraint_name?: string; constraint?: string; table_name?: string; message?: string }

/**
 * The PostgreSQL error behind a failed statement, if any: the error itself (postgres.js) or its
 * `cause` (drizzle wraps the driver's error). Undefined for anything else.
 */
export function pgError(error: unknown): PgError | undefined {
  const e = error as { cause?: unknown; code?: unknown } | undefined
  for (const candidate of [e, e?.cause as typeof e]) {
    if (typeof candidate?.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate as PgError
  }
  return undefined
}
