import { pino } from 'pino'
import { getEnv } from './env.server'

// Structured logs; never log personal data (names, ID numbers, phones) — ids only.
export const logger = pino({
  level: getEnv().LOG_LEVEL,
  base: { service: process.env.GONGJIAN_PROCESS ?? 'web' },
  redact: ['password', '*.password', 'req.headers.cookie'],
})
