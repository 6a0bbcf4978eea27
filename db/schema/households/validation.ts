import { z } from 'zod'
import { controlCharsMessage, m, withoutControlChars } from '../messages'
import { educationLevels, genders, needCategories, skillLevels } from '../taxonomy/constants'
import {
  disabilityTypes,
  employmentStatuses,
  healthStatuses,
  hoursPreferences,
  housingTypes,
  incomeSources,
  savingsBands,
  workRadii,
} from './constants'

const money = z
  .string({ required_error: m('validation.required') })
  .trim()
  .regex(/^\d{1,10}(\.\d{1,2})?$/, m('households:validation.amount'))
const optionalMoney = z.preprocess((v) => (v === '' || v === undefined || v === null ? '0' : v), money)
const flag = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean())

export const memberSkillInput = z.object({ code: z.string().trim().min(1).max(48), level: z.enum(skillLevels) })

/**
 * The id of a member already on the file (the form carries it in a hidden field), so a save updates that
 * member in place: applications, matches and feed records keep pointing at them. Absent for a new member.
 * The model refuses an id that is not a member of the household being saved.
 */
export const memberId = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().uuid(m('households:validation.invalid')).optional())

export const memberInput = z
  .object({
    id: memberId,
    fullName: z.string({ required_error: m('validation.required') }).trim().min(2, m('validation.too_short', { min: 2 })).max(32).refine(withoutControlChars, controlCharsMessage),
    isHead: flag.default(false),
    birthDate: z.string({ required_error: m('validation.required') }).regex(/^\d{4}-\d{2}-\d{2}$/, m('households:validation.date')),
    gender: z.enum(genders, { required_error: m('validation.required') }),
    education: z.enum(educationLevels, { required_error: m('validation.required') }),
    health: z.enum(healthStatuses).default('healthy'),
    disabilityType: z.preprocess((v) => (v === '' ? undefined : v), z.enum(disabilityTypes).optional()),
    disabilityGrade: z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int().min(1).max(4).optional()),
    usesWheelchair: flag.default(false),
    employmentStatus: z.enum(employmentStatuses, { required_error: m('validation.required') }),
    workRadius: z.enum(workRadii).default('county'),
    hoursPreference: z.enum(hoursPreferences).default('full_time'),
    remoteOnly: flag.default(false),
    needsChildcareHours: flag.default(false),
    skills: z.array(memberSkillInput).max(20).default([]),
    /** Optional national ID number; checked (check digit) and hashed/sealed in the model, never stored plain. */
    idNumber: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(18, m('households:validation.id_number')).optional()),
  })
  .refine((v) => (v.disabilityType === undefined) === (v.disabilityGrade === undefined), {
    message: m('households:validation.disability_pair'),
    path: ['disabilityGrade'],
  })

export const needInput = z.object({
  category: z.enum(needCategories),
  priority: z.coerce.number().int().min(1).max(3).default(2),
  note: z.string().trim().max(500).refine(withoutControlChars, controlCharsMessage).default(''),
})

export const householdInput = z.object({
  regionCode: z.string({ required_error: m('validation.required') }).regex(/^\d{12}$/, m('households:validation.village_code')),
  address: z.string().trim().max(200).refine(withoutControlChars, controlCharsMessage).default(''),
  incomePerCapitaMonthly: money,
  incomeSources: z.array(z.enum(incomeSources)).default([]),
  housingType: z.enum(housingTypes, { required_error: m('validation.required') }),
  landMu: optionalMoney,
  vehicleCount: z.coerce.number().int().min(0).max(20).default(0),
  savingsBand: z.enum(savingsBands).default('none'),
  medicalMonthly: optionalMoney,
  schoolingMonthly: optionalMoney,
  housingMonthly: optionalMoney,
  careMonthly: optionalMoney,
  seriousIllness: flag.default(false),
  singleParent: flag.default(false),
  leftBehindChild: flag.default(false),
  leftBehindElderly: flag.default(false),
  disasterAffected: flag.default(false),
  recentJobLoss: flag.default(false),
  debtYuan: optionalMoney,
  members: z.array(memberInput).min(1, m('households:errors.member_required')).max(20),
  needs: z.array(needInput).max(needCategories.length).default([]),
})
export type HouseholdInput = z.infer<typeof householdInput>
