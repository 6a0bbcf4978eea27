import Decimal from 'decimal.js'
import { z } from 'zod'
import { controlCharsMessage, m, withoutControlChars } from '../messages'
import { accommodations, educationLevels, genders, needCategories, skillLevels, targetGroups } from '../taxonomy/constants'
import { donationTypes, itemConditions, listingKinds, trainingDeliveries, wagePeriods } from './constants'

// One schema per listing kind, shared by the organization's form (browser) and the model
// (server). Messages are catalog keys (see ../messages.ts). Checks that need the database
// (region and skill codes exist) run in app/models/listing.server.ts.

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: m('validation.choose_one') }) })

const text = (min: number, max: number) =>
  z
    .string({ required_error: m('validation.required') })
    .trim()
    .min(min, min === 1 ? m('validation.required') : m('validation.too_short', { min }))
    .max(max, m('validation.too_long', { max }))
    .refine(withoutControlChars, controlCharsMessage)

const optionalText = (max: number) => z.string().trim().max(max, m('validation.too_long', { max })).refine(withoutControlChars, controlCharsMessage).optional()

const regionCode = z
  .string({ required_error: m('validation.required') })
  .trim()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, m('validation.region_code_format'))

const isoDate = z
  .string({ required_error: m('validation.required') })
  .regex(/^\d{4}-\d{2}-\d{2}$/, m('listings:validation.date_format'))
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), m('listings:validation.date_format'))
  // PostgreSQL has no year 0: the database would refuse what JavaScript accepts.
  .refine((v) => !v.startsWith('0000'), m('listings:validation.date_format'))

const int = (min: number, max: number) =>
  z.coerce
    .number({ required_error: m('validation.required'), invalid_type_error: m('listings:validation.whole_number') })
    .int(m('listings:validation.whole_number'))
    .min(min, m('listings:validation.at_least', { min }))
    .max(max, m('listings:validation.at_most', { max }))

/**
 * Yuan with at most two decimals, read into decimal.js (never a float). `digits`: the whole-yuan
 * digits the column holds (numeric(12,2) holds 10, numeric(14,2) 12), so the database never
 * refuses an amount the form accepted.
 */
export const money = (options: { positive?: boolean; digits?: number } = {}) => {
  const max = new Decimal(10).pow(options.digits ?? 12).minus('0.01')
  return z
    .string({ required_error: m('validation.required') })
    .trim()
    .regex(/^\d{1,12}(\.\d{1,2})?$/, m('listings:validation.money_format'))
    .transform((v) => new Decimal(v))
    .refine((d) => !options.positive || d.gt(0), m('listings:validation.must_be_positive'))
    .refine((d) => d.lte(max), m('listings:validation.at_most', { max: max.toFixed(2) }))
}

const quantity = z
  .string({ required_error: m('validation.required') })
  .trim()
  .regex(/^\d{1,11}(\.\d{1,3})?$/, m('listings:validation.quantity_format'))
  .transform((v) => new Decimal(v))
  .refine((d) => d.gt(0), m('listings:validation.must_be_positive'))

const percent = z
  .string({ required_error: m('validation.required') })
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, m('listings:validation.percent_format'))
  .transform((v) => new Decimal(v))
  .refine((d) => d.gt(0) && d.lte(100), m('listings:validation.percent_range'))

const list = <T extends z.ZodTypeAny>(item: T) => z.array(item).default([])

/**
 * Repeatable rows (skills, milestones) posted with indexed names (skills[0].code …). A form
 * without JavaScript always shows a few blank rows; a row whose key fields are all empty is
 * not an entry, so it is dropped before validation.
 */
const rows = <T extends z.ZodTypeAny>(item: T, keyFields: string[], options: { min?: number; message?: string } = {}) =>
  z.preprocess(
    (value) =>
      Array.isArray(value)
        ? value.filter((row) => row && typeof row === 'object' && keyFields.some((f) => {
            const v = (row as Record<string, unknown>)[f]
            return v !== undefined && v !== null && String(v).trim() !== ''
          }))
        : value,
    z.array(item).min(options.min ?? 0, options.message).default([]),
  )

export const ListingSkillSchema = z.object({
  code: z.string({ required_error: m('validation.required') }).trim().min(1, m('validation.required')).max(48),
  level: choice(skillLevels).default('beginner'),
})

export const MilestoneSchema = z.object({
  title: text(2, 120),
  dueOn: isoDate,
  budgetSharePercent: percent,
  evidenceRequired: text(2, 500),
})

const common = {
  title: text(4, 120),
  description: text(10, 5000),
  regionCode,
  categories: z.array(choice(needCategories), { required_error: m('listings:validation.choose_at_least_one') }).min(1, m('listings:validation.choose_at_least_one')),
  targetGroups: list(choice(targetGroups)),
  startsOn: isoDate,
  endsOn: isoDate.optional(),
  capacity: int(1, 1_000_000).optional(),
  contactMethod: text(4, 200),
  ageMin: int(16, 100).optional(),
  ageMax: int(16, 100).optional(),
  minEducation: choice(educationLevels).optional(),
  eligibleGender: choice(genders).optional(),
  accommodations: list(choice(accommodations)),
}

export const JobListingSchema = z.object({
  kind: z.literal('job'),
  ...common,
  position: text(2, 80),
  skills: rows(ListingSkillSchema, ['code']),
  wageMin: money({ digits: 10 }),
  wageMax: money({ positive: true, digits: 10 }),
  wagePeriod: choice(wagePeriods).default('month'),
  hoursPerWeek: int(1, 84).optional(),
  hoursDescription: optionalText(200),
  workplaceRegionCode: regionCode,
})

export const TrainingListingSchema = z.object({
  kind: z.literal('training'),
  ...common,
  skills: rows(ListingSkillSchema, ['code']),
  prerequisiteSkills: rows(ListingSkillSchema, ['code']),
  schedule: text(4, 300),
  costYuan: money({ digits: 10 }).default('0'),
  certificate: optionalText(120),
  delivery: choice(trainingDeliveries),
  prerequisites: optionalText(2000),
  placementPartner: optionalText(128),
})

export const DonationListingSchema = z.object({
  kind: z.literal('donation'),
  ...common,
  donationType: choice(donationTypes),
  targetAmount: money({ positive: true }).optional(),
  itemKind: optionalText(48),
  itemUnit: optionalText(16),
  quantity: quantity.optional(),
  condition: choice(itemConditions).optional(),
  expiresOn: isoDate.optional(),
  eligibility: optionalText(2000),
  deliveryRegionCode: regionCode,
})

export const ProjectListingSchema = z.object({
  kind: z.literal('project'),
  ...common,
  skills: rows(ListingSkillSchema, ['code']),
  durationMonths: z.coerce
    .number({ required_error: m('validation.required'), invalid_type_error: m('listings:validation.whole_number') })
    .int(m('listings:validation.whole_number'))
    .min(6, m('listings:validation.project_too_short'))
    .max(120, m('listings:validation.at_most', { max: 120 })),
  budget: money({ positive: true }),
  claimOpen: z
    .union([z.boolean(), z.enum(['on', 'true', 'false'])])
    .optional()
    .transform((v) => v === true || v === 'on' || v === 'true'),
  milestones: rows(MilestoneSchema, ['title', 'dueOn', 'budgetSharePercent', 'evidenceRequired'], { min: 1, message: m('listings:validation.milestones_required') }),
})

/** Fields of every kind, for the form's constraints and for conform's typing. */
export const ListingFieldsSchema = z.discriminatedUnion('kind', [JobListingSchema, TrainingListingSchema, DonationListingSchema, ProjectListingSchema], {
  errorMap: () => ({ message: m('validation.choose_one') }),
})

type Issue = { path: (string | number)[]; message: string }

/** Rules across fields (reported on the field a person would fix). */
export function listingCrossFieldIssues(v: z.infer<typeof ListingFieldsSchema>): Issue[] {
  const issues: Issue[] = []
  if (v.endsOn && v.endsOn < v.startsOn) issues.push({ path: ['endsOn'], message: m('listings:validation.end_before_start') })
  if (v.ageMin !== undefined && v.ageMax !== undefined && v.ageMin > v.ageMax) issues.push({ path: ['ageMax'], message: m('listings:validation.age_range') })
  // listing_skills is keyed (listing, skill, role): a skill may be taught and also be a
  // prerequisite (two roles), but never listed twice in the same role.
  const repeated = (codes: string[]) => new Set(codes).size !== codes.length
  if ('skills' in v && repeated(v.skills.map((s) => s.code))) issues.push({ path: ['skills'], message: m('listings:validation.skill_repeated') })
  if ('prerequisiteSkills' in v && repeated(v.prerequisiteSkills.map((s) => s.code))) issues.push({ path: ['prerequisiteSkills'], message: m('listings:validation.skill_repeated') })
  switch (v.kind) {
    case 'job':
      if (v.wageMax.lt(v.wageMin)) issues.push({ path: ['wageMax'], message: m('listings:validation.wage_range') })
      break
    case 'donation':
      if (v.donationType === 'money') {
        if (!v.targetAmount) issues.push({ path: ['targetAmount'], message: m('validation.required') })
      } else {
        if (!v.itemKind) issues.push({ path: ['itemKind'], message: m('validation.required') })
        if (!v.itemUnit) issues.push({ path: ['itemUnit'], message: m('validation.required') })
        if (!v.quantity) issues.push({ path: ['quantity'], message: m('validation.required') })
        if (v.expiresOn && v.expiresOn < v.startsOn) issues.push({ path: ['expiresOn'], message: m('listings:validation.expires_before_start') })
      }
      break
    case 'project': {
      const total = v.milestones.reduce((sum, ms) => sum.plus(ms.budgetSharePercent), new Decimal(0))
      if (!total.eq(100)) issues.push({ path: ['milestones'], message: m('listings:validation.milestone_shares_sum', { total: total.toFixed(2) }) })
      if (v.endsOn) {
        const months = monthsBetween(v.startsOn, v.endsOn)
        if (months < 6) issues.push({ path: ['endsOn'], message: m('listings:validation.project_too_short') })
      }
      const dues = v.milestones.map((ms) => ms.dueOn)
      v.milestones.forEach((ms, i) => {
        if (ms.dueOn < v.startsOn || (v.endsOn && ms.dueOn > v.endsOn)) issues.push({ path: ['milestones', i, 'dueOn'], message: m('listings:validation.milestone_outside_dates') })
        else if (i > 0 && ms.dueOn < dues[i - 1]!) issues.push({ path: ['milestones', i, 'dueOn'], message: m('listings:validation.milestones_ordered') })
      })
      break
    }
  }
  return issues
}

function monthsBetween(from: string, to: string) {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number]
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number]
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0)
}

export const ListingSchema = ListingFieldsSchema.superRefine((value, ctx) => {
  for (const issue of listingCrossFieldIssues(value)) ctx.addIssue({ code: 'custom', ...issue })
})

export type ListingInput = z.infer<typeof ListingSchema>
export type ListingFormInput = z.input<typeof ListingFieldsSchema>
export { listingKinds }

const repeatable: Record<string, string[]> = {
  skills: ['code'],
  prerequisiteSkills: ['code'],
  milestones: ['title', 'dueOn', 'budgetSharePercent', 'evidenceRequired'],
}

/**
 * Renumbers the repeatable rows of a posted form so the filled ones come first (skills[0],
 * skills[1] …) and blank rows disappear. Error paths and the re-displayed form then point at
 * the same row the person filled in.
 */
export function compactRepeatableRows(formData: FormData): FormData {
  const out = new FormData()
  const rowsByName = new Map<string, Map<number, Array<[string, FormDataEntryValue]>>>()
  for (const [key, value] of formData.entries()) {
    const match = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(key)
    if (!match || !(match[1]! in repeatable)) {
      out.append(key, value)
      continue
    }
    const byIndex = rowsByName.get(match[1]!) ?? new Map<number, Array<[string, FormDataEntryValue]>>()
    rowsByName.set(match[1]!, byIndex)
    const row = byIndex.get(Number(match[2])) ?? []
    row.push([match[3]!, value])
    byIndex.set(Number(match[2]), row)
  }
  for (const [name, byIndex] of rowsByName) {
    let next = 0
    for (const index of [...byIndex.keys()].sort((a, b) => a - b)) {
      const row = byIndex.get(index)!
      const filled = row.some(([field, value]) => repeatable[name]!.includes(field) && typeof value === 'string' && value.trim() !== '')
      if (!filled) continue
      for (const [field, value] of row) out.append(`${name}[${next}].${field}`, value)
      next++
    }
  }
  return out
}
