import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { getEnv } from './env.server'

// Resident identity card numbers (公民身份号码, GB 11643-1999): 6-digit region code,
// 8-digit birth date, 3-digit sequence, 1 check character (ISO 7064 MOD 11-2).
// They are never stored in plain text: a keyed hash for matching, an AES-GCM copy for
// authorised display, and a mask everywhere else.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'

export type NationalIdProblem = 'format' | 'birth_date' | 'check_digit'

export function normalizeNationalId(raw: string) {
  return raw.trim().replace(/\s+/g, '').toUpperCase()
}

export function nationalIdCheckChar(first17: string) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!
  return CHECK_CHARS[sum % 11]!
}

/** null when valid; otherwise what is wrong (for a per-row error message). */
export function nationalIdProblem(raw: string, today = new Date()): NationalIdProblem | null {
  const id = normalizeNationalId(raw)
  if (!/^\d{17}[\dX]$/.test(id)) return 'format'
  const year = Number(id.slice(6, 10))
  const month = Number(id.slice(10, 12))
  const day = Number(id.slice(12, 14))
  const birth = new Date(Date.UTC(year, month - 1, day))
  if (
    year < 1900 ||
    birth.getUTCFullYear() !== year ||
    birth.getUTCMonth() !== month - 1 ||
    birth.getUTCDate() !== day ||
    birth.getTime() > today.getTime()
  )
    return 'birth_date'
  if (nationalIdCheckChar(id.slice(0, 17)) !== id[17]) return 'check_digit'
  return null
}

/** Birth date and gender are encoded in the number (odd sequence digit: male). */
export function nationalIdFacts(raw: string) {
  const id = normalizeNationalId(raw)
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? ('male' as const) : ('female' as const),
    regionCode: id.slice(0, 6),
  }
}

/** 5226**********1234 — safe to show anywhere. */
export function maskNationalId(raw: string) {
  const id = normalizeNationalId(raw)
  return id.length < 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`
}

/** Deterministic keyed hash (HMAC-SHA256, hex): equal numbers match, the number cannot be recovered. */
export function hashNationalId(raw: string) {
  return createHmac('sha256', getEnv().ID_HASH_KEY).update(normalizeNationalId(raw)).digest('hex')
}

function encryptionKey() {
  const key = Buffer.from(getEnv().ID_ENCRYPTION_KEY, 'base64')
  if (key.length !== 32) throw new Error('ID_ENCRYPTION_KEY must be 32 bytes, base64-encoded')
  return key
}

/** AES-256-GCM; the result is "v1.<iv>.<tag>.<ciphertext>" in base64url parts. */
export function encryptNationalId(raw: string) {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv)
  const ciphertext = Buffer.concat([cipher.update(normalizeNationalId(raw), 'utf8'), cipher.final()])
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.')
}

export function decryptNationalId(sealed: string) {
  const [version, iv, tag, ciphertext] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || !ciphertext) throw new Error('not an encrypted national ID')
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), Buffer.from(iv, 'base64url'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
}
