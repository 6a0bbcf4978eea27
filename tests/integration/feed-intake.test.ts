import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { feedDeliveries, feedRecords } from '@db/schema'
import { authenticateFeedKey, createFeedApiKey, revokeFeedApiKey } from '~/models/feeds/api-keys.server'
import { receiveDelivery } from '~/models/feeds/intake.server'
import { db } from '~/utils/db.server'
import { hashNationalId } from '~/utils/national-id.server'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'

const good = makeNationalId('522634', '19700101', 11)
const other = makeNationalId('621102', '19881130', 42)

describe('feed intake', () => {
  it('stores valid rows as pending with hashed, sealed and masked identity, and reports each bad row by line', async () => {
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
    const csv = [
      '结算单号,身份证号,结算日期,医疗总费用,个人自付',
      `S-001,${good},2026-10-02,8200.00,5100.50`,
      `S-002,${wrongCheck},2026-10-03,100,20`,
      `S-003,${other},2026-13-01,100,20`,
      `S-004,${other},2026-10-05,abc,20`,
      `S-005,${other},2026-10-06,100,120`,
    ].join('\n')
    const receipt = await receiveDelivery({ feedType: 'medical_insurance_settlement', source: 'upload', fileName: 'yibao.csv', format: 'csv', text: csv })
    expect(receipt.refused).toBe(false)
    if (receipt.refused) return
    expect(receipt.rowsTotal).toBe(5)
    expect(receipt.issues.map((i) => [i.line, i.field, i.message])).toEqual([
      [3, 'id_number', 'feeds:row.id_check_digit'],
      [4, 'settled_on', 'validation.date_format'],
      [5, 'total_cost', 'validation.amount_format'],
      [6, 'out_of_pocket', 'feeds:row.out_of_pocket_exceeds_total'],
    ])
    const records = await db.select().from(feedRecords).where(eq(feedRecords.deliveryId, receipt.deliveryId)).orderBy(feedRecords.line)
    expect(records.map((r) => [r.line, r.status])).toEqual([
      [2, 'pending'],
      [3, 'rejected'],
      [4, 'rejected'],
      [5, 'rejected'],
      [6, 'rejected'],
    ])
    expect(records[0]).toMatchObject({
      recordKey: 'S-001',
      idHash: hashNationalId(good),
      idMasked: `5226**********${good.slice(-4)}`,
      data: { settlement_no: 'S-001', settled_on: '2026-10-02', total_cost: '8200.00', out_of_pocket: '5100.50' },
    })
    const [delivery] = await db.select().from(feedDeliveries).where(eq(feedDeliveries.id, receipt.deliveryId))
    expect(delivery).toMatchObject({ status: 'queued', rowsTotal: 5, rowsRejected: 4 })
  })

  it('refuses a file that is not the declared format as a whole and stores no rows', async () => {
    const receipt = await receiveDelivery({
      feedType: 'disability_certificate',
      source: 'upload',
      fileName: 'wrong.csv',
      format: 'csv',
      text: 'settlement_no,id_number,settled_on\nS-1,x,2026-01-01\n',
    })
    expect(receipt).toMatchObject({ refused: true })
    expect(receipt.refused && receipt.refusal).toMatch(/^import\.missing_columns\|/)
    expect(await db.select().from(feedRecords).where(eq(feedRecords.deliveryId, receipt.deliveryId))).toHaveLength(0)
  })

  it('keeps no plain ID number anywhere in the database', async () => {
    const json = JSON.stringify([
      { certificate_no: 'C-9', id_number: good, disability_type: 'physical', grade: 2, valid_until: '2030-01-01' },
      { certificate_no: 'C-10', id_number: other, disability_type: 'unknown', grade: 7, valid_until: '2030-01-01' },
    ])
    await receiveDelivery({ feedType: 'disability_certificate', source: 'api', fileName: 'api.json', format: 'json', text: json })
    // Scan every text-like column of every table for the plain numbers.
    const columns = await db.execute<{ table_name: string; column_name: string }>(sql`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`)
    for (const { table_name, column_name } of columns) {
      const hits = await db.execute(
        sql`select 1 from ${sql.identifier(table_name)} where ${sql.identifier(column_name)}::text like ${`%${good.slice(0, 14)}%`} or ${sql.identifier(column_name)}::text like ${`%${other.slice(0, 14)}%`} limit 1`,
      )
      expect(hits.length, `${table_name}.${column_name}`).toBe(0)
    }
  })
})

describe('disability certificates', () => {
  it('refuses an expired certificate row with its own reason and keeps the valid one', async () => {
    const json = JSON.stringify([
      { certificate_no: 'C-OLD', id_number: good, disability_type: 'physical', grade: 2, valid_until: '2020-06-30' },
      { certificate_no: 'C-NEW', id_number: other, disability_type: 'visual', grade: 1, valid_until: '2031-06-30' },
    ])
    const receipt = await receiveDelivery({ feedType: 'disability_certificate', source: 'api', fileName: 'cl.json', format: 'json', text: json })
    expect(receipt.refused).toBe(false)
    expect(!receipt.refused && receipt.issues).toEqual([{ line: 1, field: 'valid_until', message: 'feeds:row.certificate_expired' }])
    expect(!receipt.refused && receipt.rowsRejected).toBe(1)
  })
})

describe('feed API keys', () => {
  it('authenticate only their own department’s feeds, and stop working once revoked', async () => {
    const admin = await makeUser({ role: 'admin' })
    const { id, key } = await createFeedApiKey({ department: 'medical_insurance', feedTypes: ['medical_insurance_settlement'], label: '州医保局', createdById: admin.id })
    expect(await authenticateFeedKey(`Bearer ${key}`, 'medical_insurance_settlement')).toMatchObject({ ok: true, department: 'medical_insurance' })
    expect(await authenticateFeedKey(`Bearer ${key}`, 'disability_certificate')).toEqual({ ok: false, reason: 'out_of_scope' })
    expect(await authenticateFeedKey('Bearer gjf_not-a-key', 'medical_insurance_settlement')).toEqual({ ok: false, reason: 'unknown' })
    expect(await authenticateFeedKey(null, 'medical_insurance_settlement')).toEqual({ ok: false, reason: 'missing' })
    await revokeFeedApiKey(id, admin.id)
    expect(await authenticateFeedKey(`Bearer ${key}`, 'medical_insurance_settlement')).toEqual({ ok: false, reason: 'revoked' })
    await expect(createFeedApiKey({ department: 'education', feedTypes: ['disability_certificate'], label: 'x', createdById: admin.id })).rejects.toThrow()
  })
})
