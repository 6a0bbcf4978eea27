import { desc, eq, isNull, sql } from 'drizzle-orm'
import type { Executor } from '@db/client'
import { organizations, users, type MassOrgSubtype, type OrganizationKind } from '@db/schema'
import { db } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import type { AddMemberInput } from '@db/schema/identity/validation'
import { forbidden } from '~/utils/auth.server'
import { createUser, findUserByUsername, isUniqueViolation, normalizeUsername, type SessionUser } from './user.server'

export async function createOrganization(
  executor: Executor,
  input: { name: string; kind: OrganizationKind; massOrgSubtype?: MassOrgSubtype | null; regionCode: string; description?: string },
) {
  const [org] = await executor
    .insert(organizations)
    .values({
      name: input.name,
      kind: input.kind,
      massOrgSubtype: input.kind === 'mass_org' ? (input.massOrgSubtype ?? null) : null,
      regionCode: input.regionCode,
      description: input.description ?? '',
    })
    .returning({ id: organizations.id })
  return org!
}

export async function organizationNameTaken(name: string) {
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name.trim()))
  return Boolean(row)
}

export async function getOrganization(id: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, id))
  return org ?? null
}

export async function listOrganizationsForAdmin(filter: { unverifiedOnly?: boolean } = {}) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      kind: organizations.kind,
      massOrgSubtype: organizations.massOrgSubtype,
      regionCode: organizations.regionCode,
      verifiedAt: organizations.verifiedAt,
      createdAt: organizations.createdAt,
      memberCount: sql<number>`(select count(*)::int from ${users} where ${users.organizationId} = ${organizations.id})`,
    })
    .from(organizations)
    .where(filter.unverifiedOnly ? isNull(organizations.verifiedAt) : undefined)
    .orderBy(desc(organizations.createdAt))
}

/** Admin verification: only then may the organization publish. Verifying twice keeps the first record. */
export async function verifyOrganization(admin: SessionUser, organizationId: string) {
  if (admin.role !== 'admin') throw new Error('only admins verify organizations')
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ verifiedAt: organizations.verifiedAt })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update')
    if (!before) return null
    const [row] = await tx
      .update(organizations)
      .set({ verifiedAt: sql`coalesce(${organizations.verifiedAt}, now())`, verifiedById: sql`coalesce(${organizations.verifiedById}, ${admin.id}::uuid)` })
      .where(eq(organizations.id, organizationId))
      .returning({ id: organizations.id, verifiedAt: organizations.verifiedAt })
    if (!before.verifiedAt) {
      await recordAudit(tx, {
        actor: { id: admin.id },
        action: 'organization.verify',
        entityType: 'organization',
        entityId: organizationId,
        before,
        after: { verifiedAt: row!.verifiedAt },
      })
    }
    return row!
  })
}

export async function listOrganizationMembers(organizationId: string) {
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, orgMemberRole: users.orgMemberRole })
    .from(users)
    .where(eq(users.organizationId, organizationId))
    .orderBy(users.createdAt)
}

export type AddMemberResult = { ok: true; userId: string } | { ok: false; fieldErrors: Record<string, string[]> }

/**
 * The organization's owner adds a member account. Only owners may; the username must be
 * free. The new member belongs to the owner's organization and nowhere else.
 */
export async function addOrganizationMember(owner: SessionUser, input: AddMemberInput): Promise<AddMemberResult> {
  if (owner.role !== 'org_member' || !owner.organizationId) forbidden({ reason: 'role', roles: ['org_member'] })
  if (owner.orgMemberRole !== 'owner') forbidden({ reason: 'not_owner' })
  if (await findUserByUsername(input.username)) return { ok: false, fieldErrors: { username: ['validation.username_taken'] } }
  try {
    const userId = await db.transaction(async (tx) => {
      const user = await createUser(tx, {
        username: input.username,
        password: input.password,
        displayName: input.displayName,
        phone: input.phone ?? null,
        role: 'org_member',
        organizationId: owner.organizationId,
        orgMemberRole: 'member',
      })
      await recordAudit(tx, {
        actor: { id: owner.id },
        action: 'organization.add_member',
        entityType: 'organization',
        entityId: owner.organizationId!,
        after: { userId: user.id, username: normalizeUsername(input.username) },
      })
      return user.id
    })
    return { ok: true, userId }
  } catch (error) {
    if (isUniqueViolation(error, 'users_username_unique')) return { ok: false, fieldErrors: { username: ['validation.username_taken'] } }
    throw error
  }
}
