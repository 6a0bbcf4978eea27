import { z } from 'zod'
import type { ImportKind } from '@db/schema/imports/constants'
import { m } from '@db/schema/messages'
import enHouseholds from '../../../public/locales/en/households.json'
import enListings from '../../../public/locales/en/listings.json'
import zhHouseholds from '../../../public/locales/zh-CN/households.json'
import zhListings from '../../../public/locales/zh-CN/listings.json'
import type { TabularSpec } from '~/utils/tabular.server'

// The declared CSV formats of household and listing imports: English column names, the
// Chinese headers people type in Excel as aliases, which columns are required, and how a
// cell that names a choice (住房类型 "租房" or "rented") becomes the code the forms use.
// Every cell is read as text here; the domain schemas (householdInput, ListingSchema)
// decide what is valid, so imports and forms share one set of rules.

export const MAX_IMPORT_BYTES = 8 * 1024 * 1024
export const MAX_IMPORT_ROWS = 20_000

const cells = z.record(z.string())

export const householdImportSpec = {
  requiredColumns: ['region_code', 'head_name', 'id_number', 'birth_date', 'gender', 'education', 'employment_status', 'housing_type', 'income_per_capita_monthly'],
  aliases: {
    村代码: 'region_code',
    行政区划代码: 'region_code',
    地址: 'address',
    户主姓名: 'head_name',
    身份证号: 'id_number',
    身份证号码: 'id_number',
    出生日期: 'birth_date',
    性别: 'gender',
    文化程度: 'education',
    就业状况: 'employment_status',
    健康状况: 'health',
    住房类型: 'housing_type',
    人均月收入: 'income_per_capita_monthly',
    月医疗支出: 'medical_monthly',
    负债: 'debt_yuan',
    帮扶需求: 'needs',
  },
  rowSchema: cells,
  maxRows: MAX_IMPORT_ROWS,
} satisfies TabularSpec<typeof cells>

export const listingImportSpec = {
  requiredColumns: ['external_key', 'kind', 'title', 'description', 'region_code', 'categories', 'starts_on', 'contact_method'],
  aliases: {
    外部编号: 'external_key',
    类型: 'kind',
    标题: 'title',
    描述: 'description',
    地区代码: 'region_code',
    类别: 'categories',
    开始日期: 'starts_on',
    结束日期: 'ends_on',
    名额: 'capacity',
    联系方式: 'contact_method',
    岗位: 'position',
    最低工资: 'wage_min',
    最高工资: 'wage_max',
    工资周期: 'wage_period',
    工作地代码: 'workplace_region_code',
    课程安排: 'schedule',
    费用: 'cost_yuan',
    授课方式: 'delivery',
    捐赠类型: 'donation_type',
    目标金额: 'target_amount',
    物品: 'item_kind',
    单位: 'item_unit',
    数量: 'quantity',
    发放地区代码: 'delivery_region_code',
  },
  rowSchema: cells,
  maxRows: MAX_IMPORT_ROWS,
} satisfies TabularSpec<typeof cells>

export function importSpec(kind: ImportKind) {
  return kind === 'households' ? householdImportSpec : listingImportSpec
}

/** Every column a template offers, required first (the download template and the help text). */
export function templateColumns(kind: ImportKind) {
  const spec = importSpec(kind)
  const all = [...new Set(Object.values(spec.aliases))]
  return [...spec.requiredColumns, ...all.filter((c) => !(spec.requiredColumns as readonly string[]).includes(c))]
}

type Labels = Record<string, string>

/** code, or its label in either catalog (case-insensitive for English), → code. */
function choiceLookup(...labelSets: Labels[]) {
  const map = new Map<string, string>()
  for (const labels of labelSets)
    for (const [code, label] of Object.entries(labels)) {
      map.set(code.toLowerCase(), code)
      map.set(label.toLowerCase(), code)
    }
  return map
}

export const choices = {
  gender: choiceLookup({ female: '女', male: '男' }, { female: 'female', male: 'male' }, { female: '女性', male: '男性' }),
  education: choiceLookup(zhListings.education_levels, enListings.education_levels, { none: '文盲' }),
  employment_status: choiceLookup(zhHouseholds.enums.employment_statuses, enHouseholds.enums.employment_statuses),
  health: choiceLookup(zhHouseholds.enums.health_statuses, enHouseholds.enums.health_statuses),
  housing_type: choiceLookup(zhHouseholds.enums.housing_types, enHouseholds.enums.housing_types),
  needs: choiceLookup(zhListings.categories, enListings.categories),
  categories: choiceLookup(zhListings.categories, enListings.categories),
  kind: choiceLookup(zhListings.kinds, enListings.kinds),
  wage_period: choiceLookup(zhListings.wage_periods, enListings.wage_periods),
  delivery: choiceLookup(zhListings.deliveries, enListings.deliveries),
  donation_type: choiceLookup(zhListings.donation_types, enListings.donation_types),
} as const

/** Separators people use between several choices in one cell. */
export const LIST_SEPARATOR = /[;；、,，|]/

/** 2026-03-05, 2026/3/5 or 2026.3.5 (Excel reformats dates) → 2026-03-05; null when not a real calendar date. */
export function normalizeDate(raw: string): string | null {
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(raw.trim())
  if (!match) return null
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null
  return `${match[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** Yuan or a quantity: digits with an optional decimal part (thousands separators allowed). */
export function normalizeNumber(raw: string, decimals: number): string | null {
  const text = raw.trim().replace(/^[¥￥]/, '').replace(/,(?=\d{3}(\D|$))/g, '')
  return new RegExp(`^\\d{1,12}(\\.\\d{1,${decimals}})?$`).test(text) ? text : null
}

/** Messages are catalog keys with parameters (see db/schema/messages.ts). */
export const row = {
  badDate: (value: string) => m('imports:row.bad_date', { value }),
  badNumber: (value: string) => m('imports:row.bad_number', { value }),
  badWholeNumber: (value: string) => m('imports:row.bad_whole_number', { value }),
  badQuantity: (value: string) => m('imports:row.bad_quantity', { value }),
  badChoice: (value: string) => m('imports:row.bad_choice', { value }),
  unknownRegion: (code: string) => m('imports:row.unknown_region', { code }),
  regionNotVillage: (code: string) => m('imports:row.region_not_village', { code }),
  regionNotAssigned: (code: string) => m('imports:row.region_not_assigned', { code }),
  duplicateInFile: (line: number) => m('imports:row.duplicate_in_file', { line }),
  duplicateIdExisting: () => m('imports:row.duplicate_id_existing'),
  duplicateKeyExisting: (key: string) => m('imports:row.duplicate_key_existing', { key }),
  idProblem: (problem: string) => m(`imports:row.id_${problem}`),
  birthDateMismatch: () => m('imports:row.birth_date_mismatch'),
  projectNotImportable: () => m('imports:row.project_not_importable'),
}
