import { z } from 'zod'

// Every variable the processes read, validated once at start-up so a typo fails
// loudly with a readable message instead of deep inside a request.
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/gongjian'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  // BullMQ key prefix; hash-tagged so every queue key lands in one Redis Cluster slot.
  QUEUE_PREFIX: z.string().min(1).default('{gongjian}'),
  SESSION_SECRET: z.string().min(16).default('gongjian-dev-session-secret-change-me'),
  // Cookies carry the Secure flag unless explicitly turned off for plain-http local use.
  SECURE_COOKIES: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  SEARCH_ENGINE: z.enum(['postgres', 'meilisearch']).default('postgres'),
  MEILI_URL: z.string().url().optional(),
  MEILI_MASTER_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  // Web processes sharing the port (node:cluster): one per core in production (scripts/up.sh
  // sets it), one in development and tests.
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  // Keys for national ID numbers: HMAC key for the matching hash, AES-256 key (32 bytes, base64)
  // for the encrypted copy. The defaults are for development only; production refuses them.
  ID_HASH_KEY: z.string().min(16).default('gongjian-dev-id-hash-key-change-me'),
  ID_ENCRYPTION_KEY: z.string().default('Z29uZ2ppYW4tZGV2LWlkLWVuY3J5cHRpb24ta2V5ISE='),
  // Queue fault tolerance (ADR 040): how long an enqueue waits for Redis before the job is
  // kept in the deferred_jobs table instead, how often the worker drains that table, and
  // BullMQ's job lock / stalled-job check (a killed worker's job is retried after about this long).
  ENQUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  DEFERRED_JOBS_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().positive().default(30_000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
})

export type Env = z.infer<typeof EnvSchema>

let cached: Env | undefined

export function getEnv(): Env {
  if (cached) return cached
  const parsed = EnvSchema.safeParse(process.env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid environment variables:\n${lines.join('\n')}`)
  }
  if (parsed.data.NODE_ENV === 'production' && process.env.GONGJIAN_ALLOW_DEV_KEYS !== 'true') {
    const weak = (['SESSION_SECRET', 'ID_HASH_KEY', 'ID_ENCRYPTION_KEY'] as const).filter((k) => process.env[k] === undefined)
    if (weak.length) {
      throw new Error(
        `Set ${weak.join(', ')} for production (or GONGJIAN_ALLOW_DEV_KEYS=true on a local demo machine); see .env.example`,
      )
    }
  }
  cached = parsed.data
  return cached
}

/** Tests switch databases/prefixes per file; they call this after changing process.env. */
export function resetEnvCache() {
  cached = undefined
}
