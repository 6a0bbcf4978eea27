import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, householdVersions, households } from '@db/schema'
import {
  createHousehold,
  createInvitation,
  HouseholdError,
  insertHouseholds,
  loadHouseholdFile,
  redeemInvitation,
  setConsent,
  updateHousehold,
  viewHouseholdAsStaff,
} from '~/models/household.server'
import { db } from '~/utils/db.server'
import { householdFixture, makeCaseworker } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'

async function refusal(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof HouseholdError) return error.key
    throw error
  }
  throw new Error('expected a refusal')
}

describe('household files', () => {
  it('lets a caseworker record a household only in their regions, with risk tier, review date and version 1', async () => {
    const cw = await makeCaseworker('522634')
    const actor = { id: cw.id, role: 'caseworker' }
    const file = await createHousehold(actor, householdFixture({ members: [{ health: 'serious_illness' }] }))
    expect(file.riskTier).toBe('A')
    expect(file.riskReasons.map((r) => r.code)).toContain('serious_illness')
    expect(file.members[0]!.skills).toEqual([{ code: 'welding', level: 'intermediate' }]) // 电焊 resolved by synonym
    expect(file.version).toBe(1)
    expect(await refusal(createHousehold(actor, householdFixture({ regionCode: '522601001001' })))).toBe('households:errors.region_not_assigned')
    expect(await refusal(createHousehold(actor, householdFixture({ regionCode: '522634999999' })))).toBe('households:errors.region_not_village')
    const [version] = await db.select().from(householdVersions).where(eq(householdVersions.householdId, file.id))
    expect(version!.changedById).toBe(cw.id)
  })

  it('writes many files at once exactly as one at a time, and names the input a refusal concerns, writing nothing', async () => {
    const cw = await makeCaseworker('522634')
    const actor = { id: cw.id, role: 'caseworker' }
    const inputs = [
      householdFixture({ address: '批量一组', members: [{ health: 'serious_illness' }, { fullName: '王小红', isHead: false, birthDate: '2012-05-01', gender: 'female', education: 'primary', employmentStatus: 'student', skills: [] }] }),
      householdFixture({ address: '批量二组', needs: [{ category: 'education', priority: 1, note: '学费' }, { category: 'employment', priority: 2, note: '' }] }),
      householdFixture({ address: '批量三组', members: [{ health: 'chronic_illness', disabilityType: 'physical', disabilityGrade: 2, usesWheelchair: true, skills: [{ code: '电焊', level: 'advanced' }, { code: 'sewing', level: 'beginner' }] }] }),
    ]
    const bulk = await db.transaction((tx) => insertHouseholds(tx, actor, inputs))
    const single = []
    for (const input of inputs) single.push(await createHousehold(actor, input))
    const comparable = (file: NonNullable<Awaited<ReturnType<typeof loadHouseholdFile>>>) => {
      const { id: _id, createdAt: _c, updatedAt: _u, members, needs, ...rest } = file
      return {
        ...rest,
        members: members.map(({ id: _mid, householdId: _h, createdAt: _mc, updatedAt: _mu, idSealed: _s, ...m }) => m),
        needs: needs.map(({ householdId: _h, createdAt: _nc, ...n }) => n),
      }
    }
    for (const [i, file] of bulk.entries()) {
      const a = (await loadHouseholdFile(db, file.id))!
      const b = (await loadHouseholdFile(db, single[i]!.id))!
      expect(comparable(a), `input ${i}`).toEqual(comparable(b))
      expect(comparable(file)).toEqual(comparable(a))
      const [version] = await db.select().from(householdVersions).where(eq(householdVersions.householdId, file.id))
      expect(version).toMatchObject({ version: 1, changedById: cw.id })
      const [reference] = await db.select().from(householdVersions).where(eq(householdVersions.householdId, single[i]!.id))
      const withoutIds = (snapshot: unknown) => JSON.parse(JSON.stringify(snapshot), (key, value) => (['id', 'createdAt', 'updatedAt'].includes(key) ? undefined : value))
      expect(withoutIds(version!.snapshot)).toEqual(withoutIds(reference!.snapshot))
      expect(version!.changedFields).toEqual(reference!.changedFields)
      const audit = await db.select().from(auditEntries).where(eq(auditEntries.entityId, file.id))
      expect(audit.map((e) => [e.action, e.actorId])).toEqual([['household.create', cw.id]])
    }
    expect(bulk[0]!.riskTier).toBe('A')
    expect(bulk[2]!.members[0]!.skills).toEqual(expect.arrayContaining([{ code: 'welding', level: 'advanced' }, { code: 'sewing', level: 'beginner' }]))

    // A refusal names the input (HouseholdError.row) and the transaction writes none of them.
    const before = await db.select({ id: households.id }).from(households).where(eq(households.caseworkerId, cw.id))
    const refusedAt = async (bad: typeof inputs) => {
      try {
        await db.transaction((tx) => insertHouseholds(tx, actor, bad))
      } catch (error) {
        if (error instanceof HouseholdError) return [error.row, error.key]
        throw error
      }
      throw new Error('expected a refusal')
    }
    expect(await refusedAt([inputs[0]!, inputs[1]!, householdFixture({ members: [{ skills: [{ code: '不存在的手艺', level: 'beginner' }] }] })])).toEqual([2, 'households:errors.unknown_skill'])
    expect(await refusedAt([inputs[0]!, householdFixture({ regionCode: '522601001001' })])).toEqual([1, 'households:errors.region_not_assigned'])
    expect(await refusedAt([householdFixture({ regionCode: '522634999999' }), inputs[0]!])).toEqual([0, 'households:errors.region_not_village'])
    const good = makeNationalId('522634', '19880315', 7)
    const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
    expect(await refusedAt([inputs[1]!, householdFixture({ members: [{ idNumber: wrongCheck }] })])).toEqual([1, 'households:errors.id_check_digit'])
    expect(await db.select({ id: households.id }).from(households).where(eq(households.caseworkerId, cw.id))).toHaveLength(before.length)
    expect(await db.transaction((tx) => insertHouseholds(tx, actor, []))).toEqual([])
  })

  it('versions every edit with who and which fields changed, and rejects a stale version', async () => {
    const cw = await makeCaseworker()
    const actor = { id: cw.id, role: 'caseworker' }
    const file = await createHousehold(actor, householdFixture())
    const updated = await updateHousehold(actor, file.id, householdFixture({ incomePerCapitaMonthly: '300', disasterAffected: true }), 1)
    expect(updated.version).toBe(2)
    expect(updated.riskTier).toBe('A')
    const versions = await db.select().from(householdVersions).where(eq(householdVersions.householdId, file.id)).orderBy(householdVersions.version)
    expect(versions.map((v) => v.version)).toEqual([1, 2])
    expect(versions[1]!.changedFields.sort()).toEqual(['disasterAffected', 'incomePerCapitaMonthly'])
    expect(await refusal(updateHousehold(actor, file.id, householdFixture(), 1))).toBe('households:errors.stale_version')
    const other = await makeCaseworker('6211')
    expect(await refusal(updateHousehold({ id: other.id, role: 'caseworker' }, file.id, householdFixture()))).toBe('households:errors.not_found')
  })

  it('links a resident by a one-time code: wrong, expired and reused codes fail clearly', async () => {
    const cw = await makeCaseworker()
    const actor = { id: cw.id, role: 'caseworker' }
    const file = await createHousehold(actor, householdFixture())
    const resident = await makeUser({ role: 'resident' })
    const other = await makeUser({ role: 'resident' })
    const { code } = await createInvitation(actor, file.id)
    expect(await refusal(redeemInvitation({ id: resident.id, role: 'resident' }, 'WRONGCODE1'))).toBe('households:errors.code_invalid')
    const expired = await createInvitation(actor, file.id, new Date(Date.now() - 30 * 86_400_000))
    expect(await refusal(redeemInvitation({ id: resident.id, role: 'resident' }, expired.code))).toBe('households:errors.code_expired')
    await redeemInvitation({ id: resident.id, role: 'resident' }, code.toLowerCase())
    expect(await refusal(redeemInvitation({ id: other.id, role: 'resident' }, code))).toBe('households:errors.code_used')
    const [h] = await db.select().from(households).where(eq(households.id, file.id))
    expect(h!.residentUserId).toBe(resident.id)

    // The resident corrects the file and decides on consent; both are versions.
    await updateHousehold({ id: resident.id, role: 'resident' }, file.id, householdFixture({ schoolingMonthly: '450' }))
    await setConsent({ id: resident.id, role: 'resident' }, true)
    const [after] = await db.select().from(households).where(eq(households.id, file.id))
    expect(after!.consentGiven).toBe(true)
    expect(after!.version).toBe(4)
    const actions = (await db.select({ a: auditEntries.action }).from(auditEntries).where(eq(auditEntries.entityId, file.id))).map((r) => r.a)
    expect(actions).toEqual(expect.arrayContaining(['household.create', 'household.link_resident', 'household.correct', 'household.consent_give']))
  })

  it('audits a staff member opening the full profile', async () => {
    const cw = await makeCaseworker()
    const file = await createHousehold({ id: cw.id, role: 'caseworker' }, householdFixture())
    await viewHouseholdAsStaff({ id: cw.id, role: 'caseworker' }, file.id)
    const rows = await db.select().from(auditEntries).where(and(eq(auditEntries.entityId, file.id), eq(auditEntries.action, 'household.view_full')))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.actorId).toBe(cw.id)
  })
})
