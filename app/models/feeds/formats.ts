import { z } from 'zod'
import type { FeedType } from '@db/schema/feeds/constants'
import { m } from '@db/schema/messages'
import { nationalIdProblem, normalizeNationalId } from '~/utils/national-id.server'
import type { TabularSpec } from '~/utils/tabular.server'

// The declared format of each department feed: required columns (English names, with
// the Chinese headers departments' systems export as aliases), the row schema, and which
// column is the department's own record number (the idempotency key).

const required = (schema: z.ZodString = z.string()) => schema.min(1, m('validation.required'))
const requiredText = z.string({ required_error: m('validation.required'), invalid_type_error: m('validation.required') }).trim()

const idNumber = requiredText.transform((raw, ctx) => {
  const problem = nationalIdProblem(raw)
  if (problem) {
    ctx.addIssue({ code: 'custom', message: m(`feeds:row.id_${problem}`) })
    return z.NEVER
  }
  return normalizeNationalId(raw)
})

const isoDate = z
  .string({ required_error: m('validation.required'), invalid_type_error: m('validation.date_format') })
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), m('validation.date_format'))

/** Yuan with at most two decimals, kept as a string for decimal.js; numbers from JSON are accepted. */
const yuan = z.unknown().transform((v, ctx) => {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    ctx.addIssue({ code: 'custom', message: m('validation.required') })
    return z.NEVER
  }
  const text = typeof v === 'string' || typeof v === 'number' ? String(v).trim() : ''
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: m('validation.amount_format') })
    return z.NEVER
  }
  return text
})

const recordKey = requiredText.pipe(required(z.string().max(64, m('validation.too_long', { max: 64 }))))

export const disabilityCertificateTypes = ['visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple'] as const

export type FeedFormat = TabularSpec<z.ZodTypeAny> & { recordKeyColumn: string; idColumn: 'id_number' }

const formats = {
  medical_insurance_settlement: {
    requiredColumns: ['settlement_no', 'id_number', 'settled_on', 'total_cost', 'out_of_pocket'],
    aliases: { 结算单号: 'settlement_no', 身份证号: 'id_number', 结算日期: 'settled_on', 医疗总费用: 'total_cost', 个人自付: 'out_of_pocket', 医疗机构: 'hospital' },
    recordKeyColumn: 'settlement_no',
    idColumn: 'id_number',
    rowSchema: z
      .object({
        settlement_no: recordKey,
        id_number: idNumber,
        settled_on: isoDate,
        total_cost: yuan,
        out_of_pocket: yuan,
        hospital: z.string().trim().max(120).optional(),
      })
      .superRefine((row, ctx) => {
        if (Number(row.out_of_pocket) > Number(row.total_cost))
          ctx.addIssue({ code: 'custom', path: ['out_of_pocket'], message: m('feeds:row.out_of_pocket_exceeds_total') })
      }),
  },
  disability_certificate: {
    requiredColumns: ['certificate_no', 'id_number', 'disability_type', 'grade', 'valid_until'],
    aliases: { 残疾证号: 'certificate_no', 身份证号: 'id_number', 残疾类别: 'disability_type', 残疾等级: 'grade', 有效期至: 'valid_until' },
    recordKeyColumn: 'certificate_no',
    idColumn: 'id_number',
    rowSchema: z.object({
      certificate_no: recordKey,
      id_number: idNumber,
      disability_type: z.enum(disabilityCertificateTypes, { errorMap: () => ({ message: m('feeds:row.disability_type') }) }),
      grade: z.coerce
        .number({ invalid_type_error: m('feeds:row.grade') })
        .int(m('feeds:row.grade'))
        .min(1, m('feeds:row.grade'))
        .max(4, m('feeds:row.grade')),
      // An expired certificate says nothing about today: refuse the row rather than record a lapsed disability.
      valid_until: isoDate.refine((v) => v >= new Date().toISOString().slice(0, 10), m('feeds:row.certificate_expired')),
    }),
  },
  dibao_enrolment: {
    requiredColumns: ['enrolment_no', 'id_number', 'region_code', 'monthly_amount', 'start_on', 'status'],
    aliases: { 低保证号: 'enrolment_no', 身份证号: 'id_number', 行政区划代码: 'region_code', 月保障金额: 'monthly_amount', 开始日期: 'start_on', 状态: 'status' },
    recordKeyColumn: 'enrolment_no',
    idColumn: 'id_number',
    rowSchema: z.object({
      enrolment_no: recordKey,
      id_number: idNumber,
      region_code: requiredText.pipe(z.string().regex(/^\d{12}$/, m('feeds:row.village_code'))),
      monthly_amount: yuan,
      start_on: isoDate,
      status: z.enum(['enrolled', 'terminated'], { errorMap: () => ({ message: m('feeds:row.dibao_status') }) }),
    }),
  },
  student_aid: {
    requiredColumns: ['aid_no', 'id_number', 'school', 'aid_type', 'amount', 'academic_year'],
    aliases: { 资助编号: 'aid_no', 身份证号: 'id_number', 学校: 'school', 资助类型: 'aid_type', 金额: 'amount', 学年: 'academic_year' },
    recordKeyColumn: 'aid_no',
    idColumn: 'id_number',
    rowSchema: z.object({
      aid_no: recordKey,
      id_number: idNumber,
      school: requiredText.pipe(required(z.string().max(120))),
      aid_type: requiredText.pipe(required(z.string().max(40))),
      amount: yuan,
      academic_year: requiredText.pipe(z.string().regex(/^\d{4}-\d{4}$/, m('feeds:row.academic_year'))),
    }),
  },
  unemployment_registration: {
    requiredColumns: ['registration_no', 'id_number', 'registered_on', 'status'],
    aliases: { 登记编号: 'registration_no', 身份证号: 'id_number', 登记日期: 'registered_on', 状态: 'status' },
    recordKeyColumn: 'registration_no',
    idColumn: 'id_number',
    rowSchema: z.object({
      registration_no: recordKey,
      id_number: idNumber,
      registered_on: isoDate,
      status: z.enum(['registered', 're_employed'], { errorMap: () => ({ message: m('feeds:row.unemployment_status') }) }),
    }),
  },
} satisfies Record<FeedType, FeedFormat>

export function feedFormat(type: FeedType): FeedFormat {
  return formats[type]
}
