// Shared by the fault tests: wait on a condition (never a fixed sleep), with a deadline.
export async function waitFor<T>(check: () => Promise<T | false | undefined | null>, what: string, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Short BullMQ lock and stalled-check intervals, so a killed worker's job is retried within seconds. */
export const fastStalledJobs = { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', DEFERRED_JOBS_INTERVAL_MS: '500' }
