import { hash, verify } from '@node-rs/argon2'
import { randomBytes } from 'node:crypto'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { organizations, passwords, sessions, users, type MassOrgSubtype, type OrganizationKind, type UserRole } from '@db/schema'
import type { SignupInput } from '@db/schema/identity/validation'
import { db, prepared } from '~/utils/db.server'
import { createOrganization, organizationNameTaken } from './organization.server'
import { regionExists } from './region.server'

export const SESSION_TTL_MS = 1000 * 60 * 60 * 24 * 14

export type SessionUser = {
  id: string
  username: string
  displayName: string
  role: UserRole
  organizationId: string | null
  orgMemberRole: 'owner' | 'member' | null
  organizationName: string | null
  organizationVerified: boolean
}

export function normalizeUsername(username: string) {
  return username.trim().toLowerCase()
}

export function hashPassword(password: string) {
  return hash(password)
}

export async function findUserByUsername(username: string) {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, normalizeUsername(username)))
  return row ?? null
}

export async function createUser(
  executor: Executor,
  input: {
    username: string
    password: string
    displayName: string
    role: UserRole
    phone?: string | null
    organizationId?: string | null
    orgMemberRole?: 'owner' | 'member' | null
  },
) {
  const [user] = await executor
    .insert(users)
    .values({
      username: normalizeUsername(input.username),
      displayName: input.displayName,
      role: input.role,
      phone: input.phone ?? null,
      organizationId: input.organizationId ?? null,
      orgMemberRole: input.role === 'org_member' ? (input.orgMemberRole ?? 'member') : null,
    })
    .returning({ id: users.id })
  await executor.insert(passwords).values({ userId: user!.id, hash: await hashPassword(input.password) })
  return user!
}

/** Returns the user when the credentials are right and the account is active, else null. */
export async function verifyLogin(username: string, password: string): Promise<{ id: string; role: UserRole } | null> {
  const [row] = await db
    .select({ id: users.id, role: users.role, hash: passwords.hash, disabledAt: users.disabledAt })
    .from(users)
    .innerJoin(passwords, eq(passwords.userId, users.id))
    .where(eq(users.username, normalizeUsername(username)))
  if (!row) {
    // Hash anyway so a missing account takes as long as a wrong password.
    await hashPassword(password)
    return null
  }
  if (row.disabledAt) return null
  return (await verify(row.hash, password)) ? { id: row.id, role: row.role } : null
}

export async function createSession(userId: string) {
  const id = randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS)
  await db.insert(sessions).values({ id, userId, expiresAt })
  return { id, expiresAt }
}

export async function deleteSession(sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId))
}

// Every page asks for the signed-in user (the root loader and the route's guard), so the lookup is prepared.
const sessionUserQuery = prepared((db) =>
  db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      organizationId: users.organizationId,
      orgMemberRole: users.orgMemberRole,
      organizationName: organizations.name,
      organizationVerifiedAt: organizations.verifiedAt,
      disabledAt: users.disabledAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(organizations, eq(organizations.id, users.organizationId))
    .where(and(eq(sessions.id, sql.placeholder('sessionId')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_user'),
)

export async function getSessionUser(sessionId: string): Promise<SessionUser | null> {
  const [row] = await sessionUserQuery().execute({ sessionId, now: new Date().toISOString() })
  if (!row || row.disabledAt) return null
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    organizationId: row.organizationId,
    orgMemberRole: row.orgMemberRole,
    organizationName: row.organizationName,
    organizationVerified: row.organizationVerifiedAt !== null,
  }
}

/** Deletes sessions past their expiry; run by the `system` queue on a schedule. */
export async function purgeExpiredSessions(now = new Date()) {
  const removed = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id })
  return removed.length
}

export type RegistrationResult =
  | { ok: true; userId: string }
  | { ok: false; fieldErrors: Record<string, string[]> }

/**
 * Self-service sign-up. An organization member's sign-up creates the organization
 * (unverified) with the new user as its owner, in one transaction.
 */
export async function registerAccount(input: SignupInput): Promise<RegistrationResult> {
  const fieldErrors: Record<string, string[]> = {}
  if (await findUserByUsername(input.username)) fieldErrors.username = ['validation.username_taken']
  if (input.role === 'org_member') {
    if (input.organizationName && (await organizationNameTaken(input.organizationName)))
      fieldErrors.organizationName = ['validation.organization_name_taken']
    if (!input.regionCode || !(await regionExists(input.regionCode))) fieldErrors.regionCode = ['validation.region_unknown']
  }
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors }

  try {
    const userId = await db.transaction(async (tx) => {
      let organizationId: string | null = null
      if (input.role === 'org_member') {
        const org = await createOrganization(tx, {
          name: input.organizationName!.trim(),
          kind: input.organizationKind as OrganizationKind,
          massOrgSubtype: (input.massOrgSubtype as MassOrgSubtype | undefined) ?? null,
          regionCode: input.regionCode!,
        })
        organizationId = org.id
      }
      const user = await createUser(tx, {
        username: input.username,
        password: input.password,
        displayName: input.displayName,
        phone: input.phone ?? null,
        role: input.role,
        organizationId,
        orgMemberRole: input.role === 'org_member' ? 'owner' : null,
      })
      return user.id
    })
    return { ok: true, userId }
  } catch (error) {
    // Two sign-ups racing for the same name: the unique index decides, the form says why.
    if (isUniqueViolation(error, 'users_username_unique')) return { ok: false, fieldErrors: { username: ['validation.username_taken'] } }
    if (isUniqueViolation(error, 'organizations_name_unique'))
      return { ok: false, fieldErrors: { organizationName: ['validation.organization_name_taken'] } }
    throw error
  }
}

export function isUniqueViolation(error: unknown, constraint?: string) {
  const e = (error as { cause?: unknown })?.cause ?? error
  const pg = e as { code?: string; constraint_name?: string }
  return pg?.code === '23505' && (!constraint || pg.constraint_name === constraint)
}

export async function countUsersByRole() {
  const rows = await db
    .select({ role: users.role, count: sql<number>`count(*)::int` })
    .from(users)
    .groupBy(users.role)
  return Object.fromEntries(rows.map((r) => [r.role, r.count])) as Partial<Record<UserRole, number>>
}
