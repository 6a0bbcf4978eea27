import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, householdVersions, households } from '@db/schema'
import {
  createHousehold,
  createInvitation,
  HouseholdError,
  redeemInvitation,
  setConsent,
  updateHousehold,
  viewHouseholdAsStaff,
} from '~/models/household.server'
import { db } from '~/utils/db.server'
import { householdFixture, makeCaseworker } from '../factories/households'
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
