import { z } from 'zod'
import { controlCharsMessage, m, withoutControlChars } from '../messages'
import { massOrgSubtypes, organizationKinds } from '../organizations/constants'
import { selfServiceRoles } from './constants'

// Zod schemas shared by the sign-up/log-in forms (browser) and their actions (server).

const trimmed = (min: number, max: number) =>
  z
    .string({ required_error: m('validation.required') })
    .trim()
    .min(min, min === 1 ? m('validation.required') : m('validation.too_short', { min }))
    .max(max, m('validation.too_long', { max }))
    .refine(withoutControlChars, controlCharsMessage)

export const UsernameSchema = z
  .string({ required_error: m('validation.required') })
  .trim()
  .min(3, m('validation.too_short', { min: 3 }))
  .max(32, m('validation.too_long', { max: 32 }))
  .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, m('validation.username_format'))

export const PasswordSchema = z
  .string({ required_error: m('validation.required') })
  .min(8, m('validation.too_short', { min: 8 }))
  .max(128, m('validation.too_long', { max: 128 }))
  .refine((v) => /[A-Za-z]/.test(v) && /\d/.test(v), m('validation.password_weak'))

export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^1[3-9]\d{9}$/, m('validation.phone_format'))

export const RegionCodeSchema = z
  .string({ required_error: m('validation.required') })
  .trim()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, m('validation.region_code_format'))

export const OrganizationFieldsSchema = z.object({
  organizationName: trimmed(2, 64),
  organizationKind: z.enum(organizationKinds, { errorMap: () => ({ message: m('validation.choose_one') }) }),
  massOrgSubtype: z.enum(massOrgSubtypes, { errorMap: () => ({ message: m('validation.choose_one') }) }).optional(),
  regionCode: RegionCodeSchema,
})

// Cross-field rules run in a preprocess step so they are reported together with
// every field error (a zod refinement would wait until all fields are valid).
function signupCrossFieldIssues(raw: unknown, ctx: z.RefinementCtx) {
  const value = (raw ?? {}) as Record<string, unknown>
  if (typeof value.confirmPassword === 'string' && value.password !== value.confirmPassword) {
    ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: m('validation.passwords_differ') })
  }
  if (value.role !== 'org_member') return raw
  const org = OrganizationFieldsSchema.safeParse(value)
  if (!org.success) for (const issue of org.error.issues) ctx.addIssue({ ...issue })
  if (value.organizationKind === 'mass_org' && !value.massOrgSubtype) {
    ctx.addIssue({ code: 'custom', path: ['massOrgSubtype'], message: m('validation.mass_org_subtype_required') })
  }
  return raw
}

export const SignupFieldsSchema = z.object({
    username: UsernameSchema,
    displayName: trimmed(1, 32),
    phone: PhoneSchema.optional(),
    password: PasswordSchema,
    confirmPassword: z.string({ required_error: m('validation.required') }),
    role: z.enum(selfServiceRoles, { errorMap: () => ({ message: m('validation.choose_one') }) }),
    organizationName: z.string().trim().optional(),
    organizationKind: z.enum(organizationKinds).optional(),
    massOrgSubtype: z.enum(massOrgSubtypes).optional(),
    regionCode: z.string().trim().optional(),
})

export const SignupSchema = z.preprocess(signupCrossFieldIssues, SignupFieldsSchema)

export type SignupInput = z.infer<typeof SignupSchema>

// Upper bounds as at sign-up: a 20,000-character "username" is refused as such (it would not fit the
// throttle key), and a megabyte "password" never reaches argon2.
export const LoginSchema = z.object({
  username: z.string({ required_error: m('validation.required') }).trim().min(1, m('validation.required')).max(32, m('validation.too_long', { max: 32 })).refine(withoutControlChars, controlCharsMessage),
  password: z.string({ required_error: m('validation.required') }).min(1, m('validation.required')).max(128, m('validation.too_long', { max: 128 })),
  redirectTo: z.string().optional(),
})

/** An organization owner adds a colleague; the colleague logs in with this initial password. */
export const AddMemberSchema = z.object({
  intent: z.literal('add_member'),
  username: UsernameSchema,
  displayName: trimmed(1, 32),
  phone: PhoneSchema.optional(),
  password: PasswordSchema,
})
export type AddMemberInput = z.infer<typeof AddMemberSchema>
