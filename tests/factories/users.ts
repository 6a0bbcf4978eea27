import { randomBytes } from 'node:crypto'
import type { MassOrgSubtype, OrganizationKind, UserRole } from '@db/schema'
import { createOrganization } from '~/models/organization.server'
import { createUser } from '~/models/user.server'
import { organizations } from '@db/schema'
import { eq } from 'drizzle-orm'
import { db } from '~/utils/db.server'

export const TEST_PASSWORD = 'Passw0rd-test'

function unique(prefix: string) {
  return `${prefix}${randomBytes(4).toString('hex')}`
}

export async function makeOrganization(
  input: { name?: string; kind?: OrganizationKind; massOrgSubtype?: MassOrgSubtype; regionCode?: string; verified?: boolean } = {},
) {
  const org = await createOrganization(db, {
    name: input.name ?? unique('测试组织'),
    kind: input.kind ?? 'enterprise',
    massOrgSubtype: input.massOrgSubtype ?? null,
    regionCode: input.regionCode ?? '522634',
  })
  if (input.verified !== false) {
    await db.update(organizations).set({ verifiedAt: new Date() }).where(eq(organizations.id, org.id))
  }
  return org
}

/** One line to a valid user of any role; org members get a fresh verified organization unless given one. */
export async function makeUser(input: { role: UserRole; username?: string; displayName?: string; organizationId?: string } = { role: 'resident' }) {
  const username = input.username ?? unique('u')
  let organizationId = input.organizationId ?? null
  if (input.role === 'org_member' && !organizationId) organizationId = (await makeOrganization()).id
  const user = await createUser(db, {
    username,
    password: TEST_PASSWORD,
    displayName: input.displayName ?? '测试用户',
    role: input.role,
    organizationId,
    orgMemberRole: input.role === 'org_member' ? 'owner' : null,
  })
  return { id: user.id, username, password: TEST_PASSWORD, organizationId }
}
