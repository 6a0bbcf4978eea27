import { expect } from 'vitest'

/** drizzle wraps driver errors ("Failed query: …"); the database's own message is in `cause`. */
export async function expectDatabaseRefusal(promise: Promise<unknown>, pattern: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { message?: string; cause?: { message?: string } },
  )
  expect(error, 'the database should have refused').not.toBeNull()
  expect(`${error?.message} ${error?.cause?.message ?? ''}`).toMatch(pattern)
}
