// Plain values (no drizzle import) so browser-side validation can use them too.
export const organizationKinds = ['enterprise', 'social_org', 'mass_org'] as const
export type OrganizationKind = (typeof organizationKinds)[number]
export const massOrgSubtypes = [
  'trade_union',
  'youth_league',
  'womens_federation',
  'science_association',
  'disabled_persons_federation',
] as const
export type MassOrgSubtype = (typeof massOrgSubtypes)[number]
