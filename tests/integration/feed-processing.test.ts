import { and, eq, isNull, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { alerts, auditEntries, feedDeliveries, feedRecords, householdMembers, households, householdVersions, warningThresholds } from '@db/schema'
import { processDelivery, medicalCostWarning } from '~/models/feeds/process.server'
import { receiveDelivery } from '~/models/feeds/intake.server'
import { dismissReview, listReviewQueue, resolveReview } from '~/models/feeds/review.server'
import { HouseholdError, updateHousehold, householdVersionsOf } from '~/models/household.server'
import { db } from '~/utils/db.server'
import { hashNationalId } from '~/utils/national-id.server'
import { makeCaseworker, makeHousehold, householdFixture } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'

const poorId = makeNationalId('522634', '19700101', 11)
const richId = makeNationalId('522634', '19750505', 21)

async function deliver(feedType: Parameters<typeof receiveDelivery>[0]['feedType'], text: string, format: 'csv' | 'json' = 'csv') {
  const receipt = await receiveDelivery({ feedType, source: 'upload', fileName: `f.${format}`, format, text })
  if (receipt.refused) throw new Error(receipt.refusal)
  await processDelivery(receipt.deliveryId)
  return receipt
}

const recordsOf = (deliveryId: string) => db.select().from(feedRecords).where(eq(feedRecords.deliveryId, deliveryId)).orderBy(feedRecords.line)

describe('feed processing', () => {
  it('keeps member ID numbers only hashed, sealed and masked, refuses a bad check digit, and keeps the identity through an edit', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ members: [{ fullName: '张秀英', birthDate: '1970-01-01', idNumber: poorId }] }, cw)
    expect(file.members[0]).toMatchObject({ idHash: hashNationalId(poorId), idMasked: `5226**********${poorId.slice(-4)}` })
    const bad = poorId.slice(0, 17) + (poorId[17] === '0' ? '1' : '0')
    const refusal = await makeHousehold({ members: [{ idNumber: bad }] }, cw).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(HouseholdError)
    expect((refusal as HouseholdError).key).toBe('households:errors.id_check_digit')
    // Editing without retyping the number keeps the identity on file.
    const edited = await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ address: '新地址', members: [{ fullName: '张秀英', birthDate: '1970-01-01' }] }))
    expect(edited.members[0]!.idHash).toBe(hashNationalId(poorId))
  })

  it('applies a medical insurance file to the right households, warns for the right one only, and applies nothing twice', async () => {
    const cw = await makeCaseworker('5226')
    const poorId = makeNationalId('522634', '19700101', 111)
    const richId = makeNationalId('522634', '19750505', 121)
    const poor = await makeHousehold({ incomePerCapitaMonthly: '700', members: [{ birthDate: '1970-01-01', idNumber: poorId }] }, cw)
    const rich = await makeHousehold({ incomePerCapitaMonthly: '5000', members: [{ fullName: '李富贵', birthDate: '1975-05-05', idNumber: richId }] }, cw)
    const csv = [
      '结算单号,身份证号,结算日期,医疗总费用,个人自付',
      `S-001,${poorId},2026-09-10,3000.00,900.00`,
      `S-002,${poorId},2026-10-20,2000.00,600.00`,
      `S-003,${richId},2026-10-21,9000.00,1500.00`,
    ].join('\n')
    const first = await deliver('medical_insurance_settlement', csv)
    const records = await recordsOf(first.deliveryId)
    expect(records.map((r) => r.status)).toEqual(['applied', 'applied', 'applied'])
    // 3 months of income for the poor household: 700 × 1 × 3 = 2100; out of pocket 1500 > 50%.
    expect((records[1]!.data as { warning?: unknown }).warning).toMatchObject({ code: 'medical_cost_share', householdId: poor.id, outOfPocket3m: '1500.00', income3m: '2100.00' })
    expect((records[2]!.data as { warning?: unknown }).warning).toBeUndefined()
    const warnings = await db.select().from(auditEntries).where(eq(auditEntries.action, 'household.warning'))
    expect(new Set(warnings.map((w) => w.entityId))).toEqual(new Set([poor.id]))
    // …and it is an alert in the caseworker's queue, for that household only.
    const raised = await db.select().from(alerts).where(eq(alerts.rule, 'medical_share'))
    expect(raised.map((a) => a.householdId)).toEqual([poor.id])
    const [poorRow] = await db.select().from(households).where(eq(households.id, poor.id))
    expect(poorRow).toMatchObject({ medicalMonthly: '500.00', version: 3 })
    const [version] = await db.select().from(householdVersions).where(and(eq(householdVersions.householdId, poor.id), eq(householdVersions.version, 3)))
    expect(version).toMatchObject({ changedByLabel: 'feed:medical_insurance', changedById: null, changedFields: ['medicalMonthly'] })
    const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, first.deliveryId))
    expect(delivery).toMatchObject({ status: 'completed', rowsApplied: 3, rowsDuplicate: 0 })

    // Re-delivered file and a retried job: nothing changes.
    const again = await deliver('medical_insurance_settlement', csv)
    expect((await recordsOf(again.deliveryId)).map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate'])
    await processDelivery(first.deliveryId)
    const [after] = await db.select().from(households).where(eq(households.id, poor.id))
    expect(after).toMatchObject({ medicalMonthly: '500.00', version: 3 })
    expect(await db.select().from(auditEntries).where(eq(auditEntries.action, 'household.warning'))).toHaveLength(warnings.length)
    const [againDelivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, again.deliveryId))
    expect(againDelivery).toMatchObject({ rowsApplied: 0, rowsDuplicate: 3 })
  })

  it('applies a later state under the same record number (低保 terminated, re-employed) and counts a corrected settlement once', async () => {
    const cw = await makeCaseworker('5226')
    const id = makeNationalId('522634', '19800303', 31)
    const file = await makeHousehold({ incomePerCapitaMonthly: '900', members: [{ birthDate: '1980-03-03', idNumber: id }] }, cw)
    const dibao = (status: string) => ['低保证号,身份证号,行政区划代码,月保障金额,开始日期,状态', `D-77,${id},522634101001,300.00,2026-01-01,${status}`].join('\n')
    const household = async () => (await db.select().from(households).where(eq(households.id, file.id)))[0]!
    const statusOf = async (receipt: { deliveryId: string }) => (await recordsOf(receipt.deliveryId)).map((r) => r.status)

    expect(await statusOf(await deliver('dibao_enrolment', dibao('enrolled')))).toEqual(['applied'])
    expect((await household()).incomeSources).toContain('dibao')
    expect(await statusOf(await deliver('dibao_enrolment', dibao('terminated')))).toEqual(['applied'])
    expect((await household()).incomeSources).not.toContain('dibao')
    // The same states delivered again change nothing (the older one is no news either).
    const version = (await household()).version
    expect(await statusOf(await deliver('dibao_enrolment', dibao('terminated')))).toEqual(['duplicate'])
    expect(await statusOf(await deliver('dibao_enrolment', dibao('enrolled')))).toEqual(['duplicate'])
    expect((await household()).version).toBe(version)

    const unemployment = (status: string) => ['登记编号,身份证号,登记日期,状态', `U-77,${id},2026-10-01,${status}`].join('\n')
    const memberStatus = async () => (await db.select().from(householdMembers).where(eq(householdMembers.householdId, file.id)))[0]!.employmentStatus
    await deliver('unemployment_registration', unemployment('registered'))
    expect(await memberStatus()).toBe('unemployed')
    expect((await household()).recentJobLoss).toBe(true)
    expect(await statusOf(await deliver('unemployment_registration', unemployment('re_employed')))).toEqual(['applied'])
    expect(await memberStatus()).toBe('employed')
    expect((await household()).recentJobLoss).toBe(false)

    // A settlement corrected by the insurer (same number, new figures) replaces the first in the 3-month sum.
    const settlement = (outOfPocket: string) => ['结算单号,身份证号,结算日期,医疗总费用,个人自付', `S-77,${id},2026-10-10,3000.00,${outOfPocket}`].join('\n')
    await deliver('medical_insurance_settlement', settlement('900.00'))
    expect((await household()).medicalMonthly).toBe('300.00')
    expect(await statusOf(await deliver('medical_insurance_settlement', settlement('600.00')))).toEqual(['applied'])
    expect((await household()).medicalMonthly).toBe('200.00')
  })

  it('reports invalid ID numbers, unknown regions, bad dates and wrong-type amounts per row', async () => {
    const bad = poorId.slice(0, 17) + (poorId[17] === '0' ? '1' : '0')
    const json = JSON.stringify([
      { enrolment_no: 'D-1', id_number: bad, region_code: '522634101001', monthly_amount: '300', start_on: '2026-01-01', status: 'enrolled' },
      { enrolment_no: 'D-2', id_number: poorId, region_code: '522634999999', monthly_amount: '300', start_on: '2026-01-01', status: 'enrolled' },
      { enrolment_no: 'D-3', id_number: poorId, region_code: '522634101001', monthly_amount: '300', start_on: '2026-02-30', status: 'enrolled' },
      { enrolment_no: 'D-4', id_number: poorId, region_code: '522634101001', monthly_amount: true, start_on: '2026-01-01', status: 'enrolled' },
    ])
    const receipt = await deliver('dibao_enrolment', json, 'json')
    const records = await recordsOf(receipt.deliveryId)
    expect(records.map((r) => [r.line, r.status, (r.issues as { field: string; message: string }[]).map((i) => `${i.field}:${i.message}`)])).toEqual([
      [1, 'rejected', ['id_number:feeds:row.id_check_digit']],
      [2, 'rejected', ['region_code:feeds:row.unknown_region']],
      [3, 'rejected', ['start_on:validation.date_format']],
      [4, 'rejected', ['monthly_amount:validation.amount_format']],
    ])
    const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, receipt.deliveryId))
    expect(delivery).toMatchObject({ status: 'completed', rowsRejected: 4, rowsApplied: 0 })
  })

  it('sends an unmatched record to review, where a caseworker resolves it to a member (then it applies) or dismisses it', async () => {
    const cw = await makeCaseworker('5226')
    const elsewhere = await makeCaseworker('6211')
    const unknownId = makeNationalId('522634', '19880315', 33)
    const file = await makeHousehold({ members: [{ birthDate: '1988-03-15' }] }, cw)
    const nobody = makeNationalId('522634', '19600101', 45)
    const receipt = await deliver(
      'disability_certificate',
      ['残疾证号,身份证号,残疾类别,残疾等级,有效期至', `C-1,${unknownId},physical,2,2030-01-01`, `C-2,${nobody},visual,3,2030-01-01`].join('\n'),
    )
    expect((await recordsOf(receipt.deliveryId)).map((r) => r.status)).toEqual(['review', 'review'])
    const queue = await listReviewQueue({ id: cw.id, role: 'caseworker' })
    const c1 = queue.find((r) => r.recordKey === 'C-1')!
    expect(c1.idMasked).toBe(`5226**********${unknownId.slice(-4)}`)
    expect(JSON.stringify(queue)).not.toContain(unknownId)
    expect(c1.suggestions.map((s) => s.householdId)).toEqual([file.id])
    await expect(resolveReview({ id: elsewhere.id, role: 'caseworker' }, c1.id, file.members[0]!.id)).rejects.toMatchObject({ key: 'feeds:review.member_not_found' })
    await resolveReview({ id: cw.id, role: 'caseworker' }, c1.id, file.members[0]!.id, '本人确认')
    const [member] = await db.select().from(householdMembers).where(eq(householdMembers.householdId, file.id))
    expect(member).toMatchObject({ disabilityType: 'physical', disabilityGrade: 2, idHash: hashNationalId(unknownId) })
    expect(await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'feed_record.resolve'), eq(auditEntries.entityId, c1.id)))).toHaveLength(1)
    const versions = await householdVersionsOf({ id: cw.id, role: 'caseworker' }, file.id)
    expect(versions[0]).toMatchObject({ changedByLabel: 'feed:disabled_persons_federation' })
    await expect(resolveReview({ id: cw.id, role: 'caseworker' }, c1.id, file.members[0]!.id)).rejects.toMatchObject({ key: 'feeds:review.not_found' })
    const c2 = queue.find((r) => r.recordKey === 'C-2')!
    await expect(dismissReview({ id: cw.id, role: 'caseworker' }, c2.id, '')).rejects.toMatchObject({ key: 'feeds:review.note_required' })
    await dismissReview({ id: cw.id, role: 'caseworker' }, c2.id, '查无此人')
    expect((await recordsOf(receipt.deliveryId)).map((r) => r.status)).toEqual(['applied', 'dismissed'])
    expect((await listReviewQueue({ id: cw.id, role: 'caseworker' })).filter((r) => r.deliveryId === receipt.deliveryId)).toHaveLength(0)
  })

  it('scopes the review queue before cutting it: a backlog elsewhere never hides a caseworker’s own records', async () => {
    const here = await makeCaseworker('522634')
    const there = await makeCaseworker('6211')
    const backlog = await receiveDelivery({ feedType: 'dibao_enrolment', source: 'upload', fileName: 'backlog.csv', format: 'csv', text: ['低保证号,身份证号,行政区划代码,月保障金额,开始日期,状态', `B-0,${makeNationalId('621102', '19500101', 11)},621102100001,300.00,2026-01-01,enrolled`].join('\n') })
    if (backlog.refused) throw new Error(backlog.refusal)
    const old = new Date('2026-01-01T00:00:00Z')
    const rows = Array.from({ length: 2001 }, (_, i) => ({ deliveryId: backlog.deliveryId, feedType: 'dibao_enrolment' as const, line: i + 2, recordKey: `B-${i + 1}`, status: 'review' as const, idHash: `backlog-${i}`, data: { region_code: '621102100001' }, createdAt: old }))
    for (let i = 0; i < rows.length; i += 500) await db.insert(feedRecords).values(rows.slice(i, i + 500))
    const mineId = makeNationalId('522634', '19610101', 12)
    const mine = await deliver('dibao_enrolment', ['低保证号,身份证号,行政区划代码,月保障金额,开始日期,状态', `L-1,${mineId},522634101001,300.00,2026-01-01,enrolled`].join('\n'))
    const [record] = await recordsOf(mine.deliveryId)
    expect(record!.status).toBe('review')
    expect((await listReviewQueue({ id: here.id, role: 'caseworker' })).map((r) => r.id)).toContain(record!.id)
    const theirs = await listReviewQueue({ id: there.id, role: 'caseworker' })
    expect(theirs).toHaveLength(100)
    expect(theirs.map((r) => r.id)).not.toContain(record!.id)
  })

  it('warns only above half of three months of household income', () => {
    const base = { householdId: 'h', memberCount: 2, incomePerCapitaMonthly: '1000', asOf: '2026-10-01' }
    expect(medicalCostWarning({ ...base, outOfPocket3m: '3000.00' })).toBeNull()
    expect(medicalCostWarning({ ...base, outOfPocket3m: '3000.01' })).toMatchObject({ sharePercent: 50, income3m: '6000.00' })
  })

  it('keeps no plain ID number anywhere in the database after an import with members on file', async () => {
    const cw = await makeCaseworker('5226')
    // Numbers of its own: an ID number is on one household file only.
    const poorId = makeNationalId('522634', '19700101', 13)
    const richId = makeNationalId('522634', '19750505', 23)
    await makeHousehold({ members: [{ birthDate: '1970-01-01', idNumber: poorId }] }, cw)
    await deliver('unemployment_registration', ['登记编号,身份证号,登记日期,状态', `U-1,${poorId},2026-10-01,registered`, `U-2,${richId},2026-10-01,registered`].join('\n'))
    const columns = await db.execute<{ table_name: string; column_name: string }>(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`)
    for (const { table_name, column_name } of columns) {
      const hits = await db.execute(
        sql`select 1 from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text like ${`%${poorId.slice(0, 14)}%`} or ${sql.identifier(column_name)}::text like ${`%${richId.slice(0, 14)}%`} limit 1`,
      )
      expect(hits.length, `${table_name}.${column_name}`).toBe(0)
    }
  })
  it('warns from a settlement by the region’s own medical share threshold', async () => {
    const [national] = await db.select().from(warningThresholds).where(isNull(warningThresholds.regionCode))
    const { id: _id, ...rest } = national!
    const [county] = await db.insert(warningThresholds).values({ ...rest, regionCode: '522634', medicalShare: '0.800' }).returning()
    try {
      const cw = await makeCaseworker('5226')
      const id = makeNationalId('522634', '19820404', 41)
      const file = await makeHousehold({ incomePerCapitaMonthly: '1000', members: [{ birthDate: '1982-04-04', idNumber: id }] }, cw)
      const settle = (no: string, outOfPocket: string) => ['结算单号,身份证号,结算日期,医疗总费用,个人自付', `${no},${id},2026-10-10,5000.00,${outOfPocket}`].join('\n')
      // 3 months of income: 3000. 2000 out of pocket is 67%: over the national half, under this county's 80%.
      const first = await deliver('medical_insurance_settlement', settle('S-88', '2000.00'))
      expect(((await recordsOf(first.deliveryId))[0]!.data as { warning?: unknown }).warning).toBeUndefined()
      expect(await db.select().from(alerts).where(eq(alerts.householdId, file.id))).toEqual([])
      const second = await deliver('medical_insurance_settlement', settle('S-89', '500.00'))
      expect(((await recordsOf(second.deliveryId))[0]!.data as { warning?: unknown }).warning).toMatchObject({ sharePercent: 83, limitPercent: 80 })
      expect((await db.select().from(alerts).where(eq(alerts.householdId, file.id))).map((a) => a.params)).toEqual([expect.objectContaining({ share: 83, limit: 80 })])
    } finally {
      await db.delete(warningThresholds).where(eq(warningThresholds.id, county!.id))
    }
  })
})
