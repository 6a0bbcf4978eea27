// Parses the caseworker/resident household form (members as indexed rows, skills as text)
// into the shared zod schema; errors come back keyed by field path ("members.0.birthDate").
import { householdInput, needCategories, type HouseholdInput } from '@db/schema'
import { listSkillChoices } from '~/models/listing.server'
import { i18next } from './i18n.server'

const levelWords: Record<string, 'beginner' | 'intermediate' | 'advanced'> = {
  初级: 'beginner',
  中级: 'intermediate',
  高级: 'advanced',
  beginner: 'beginner',
  intermediate: 'intermediate',
  advanced: 'advanced',
}

export function parseSkillsText(text: string) {
  return text
    .split(/[,，、;；\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [code, level] = item.split(/[:：]/).map((x) => x.trim())
      return { code: code!, level: levelWords[level?.toLowerCase() ?? ''] ?? ('beginner' as const) }
    })
}

const memberFields = [
  'fullName', 'birthDate', 'gender', 'education', 'health', 'disabilityType', 'disabilityGrade',
  'employmentStatus', 'workRadius', 'hoursPreference',
] as const
const memberFlags = ['isHead', 'usesWheelchair', 'remoteOnly', 'needsChildcareHours'] as const

export type HouseholdFormValues = Record<string, unknown>

export function householdFormValues(form: FormData): HouseholdFormValues {
  const get = (k: string) => {
    const v = form.get(k)
    return typeof v === 'string' ? v : undefined
  }
  const members: Record<string, unknown>[] = []
  for (let i = 0; i < 20; i++) {
    const name = get(`members.${i}.fullName`)
    if (name === undefined) continue
    if (!name.trim()) continue // blank row: ignored
    const m: Record<string, unknown> = {}
    for (const f of memberFields) m[f] = get(`members.${i}.${f}`) ?? ''
    for (const f of memberFlags) m[f] = get(`members.${i}.${f}`) === 'on'
    m.skills = parseSkillsText(get(`members.${i}.skills`) ?? '')
    m.skillsText = get(`members.${i}.skills`) ?? ''
    m.idNumber = get(`members.${i}.idNumber`) ?? ''
    members.push(m)
  }
  const needs = needCategories
    .filter((c) => get(`needs.${c}`) === 'on')
    .map((c) => ({ category: c, priority: get(`needs.${c}.priority`) ?? '2', note: get(`needs.${c}.note`) ?? '' }))
  const flags = ['seriousIllness', 'singleParent', 'leftBehindChild', 'leftBehindElderly', 'disasterAffected', 'recentJobLoss']
  const values: Record<string, unknown> = {
    regionCode: get('regionCode') ?? '',
    address: get('address') ?? '',
    incomePerCapitaMonthly: get('incomePerCapitaMonthly') ?? '',
    incomeSources: form.getAll('incomeSources').map(String),
    housingType: get('housingType') ?? '',
    landMu: get('landMu') ?? '',
    vehicleCount: get('vehicleCount') ?? '0',
    savingsBand: get('savingsBand') ?? 'none',
    medicalMonthly: get('medicalMonthly') ?? '',
    schoolingMonthly: get('schoolingMonthly') ?? '',
    housingMonthly: get('housingMonthly') ?? '',
    careMonthly: get('careMonthly') ?? '',
    debtYuan: get('debtYuan') ?? '',
    members,
    needs,
  }
  for (const f of flags) values[f] = get(f) === 'on'
  return values
}

export function parseHouseholdForm(form: FormData):
  | { ok: true; value: HouseholdInput; values: HouseholdFormValues }
  | { ok: false; errors: Record<string, string[]>; values: HouseholdFormValues } {
  const parsedValues = householdFormValues(form)
  const result = householdInput.safeParse(parsedValues)
  // Values go back to the page on errors: never echo a plain ID number.
  const values = { ...parsedValues, members: (parsedValues.members as Record<string, unknown>[]).map(({ idNumber: _id, ...m }) => m) }
  if (result.success) return { ok: true, value: result.data, values }
  const errors: Record<string, string[]> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || 'form'
    // zod's own English messages (bad enum, wrong type) become catalog keys.
    const message = /^[a-z_:.]+(\|.*)?$/i.test(issue.message) ? issue.message : issue.code === 'invalid_enum_value' || issue.code === 'invalid_type' ? 'validation.required' : 'households:validation.invalid'
    ;(errors[key] ??= []).push(message)
  }
  return { ok: false, errors, values }
}

const zhLevels: Record<string, string> = { beginner: '初级', intermediate: '中级', advanced: '高级' }

/**
 * Form values from a stored file (for the edit form). In Chinese, skills are written as the form asks for
 * them (电焊:中级, by their Chinese names: `skillNames` code → name); otherwise as code:level. Both parse back.
 */
export function valuesFromFile(
  file: {
    [k: string]: unknown
    members: Array<Record<string, unknown> & { skills: Array<{ code: string; level: string }> }>
    needs: Array<{ category: string; priority: number; note: string }>
  },
  chinese?: { skillNames: Map<string, string> },
): HouseholdFormValues {
  const skillText = (s: { code: string; level: string }) => (chinese ? `${chinese.skillNames.get(s.code) ?? s.code}:${zhLevels[s.level] ?? s.level}` : `${s.code}:${s.level}`)
  return {
    ...file,
    members: file.members.map((m) => ({ ...m, skillsText: m.skills.map(skillText).join(chinese ? '、' : ', ') })),
    needs: file.needs,
  }
}

/** For a Chinese page, the skills' Chinese names (valuesFromFile writes skills with them); undefined otherwise. */
export async function formSkillNames(request: Request) {
  if ((await i18next.getLocale(request)) === 'en') return undefined
  return { skillNames: new Map((await listSkillChoices()).map((s) => [s.code, s.nameZh])) }
}
