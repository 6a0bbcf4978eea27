// Plain values (no drizzle import) so browser-side code can use them too.
export const userRoles = ['resident', 'caseworker', 'org_member', 'donor', 'admin'] as const
export type UserRole = (typeof userRoles)[number]
export const orgMemberRoles = ['owner', 'member'] as const
export type OrgMemberRole = (typeof orgMemberRoles)[number]
/** Roles a visitor may choose at sign-up; caseworkers and admins are created by an admin. */
export const selfServiceRoles = ['resident', 'donor', 'org_member'] as const
