import type { HouseholdInput } from '@db/schema'
import { householdInput } from '@db/schema'
import { assignCaseworkerRegion, createHousehold } from '~/models/household.server'
import { db } from '~/utils/db.server'
import { makeUser } from './users'

type MemberOverrides = Partial<HouseholdInput['members'][number]>

/** A valid household input: a welder head of household in 雷山县, needing employment. */
export function householdFixture(over: Partial<Omit<HouseholdInput, 'members'>> & { members?: MemberOverrides[] } = {}): HouseholdInput {
  const { members, ...rest } = over
  const baseMember = {
    fullName: '王光明',
    isHead: true,
    birthDate: '1988-03-15',
    gender: 'male' as const,
    education: 'junior_high' as const,
    health: 'healthy' as const,
    usesWheelchair: false,
    employmentStatus: 'unemployed' as const,
    workRadius: 'province' as const,
    hoursPreference: 'full_time' as const,
    remoteOnly: false,
    needsChildcareHours: false,
    skills: [{ code: '电焊', level: 'intermediate' as const }],
  }
  return householdInput.parse({
    regionCode: '522634101001',
    address: '丹江镇某组',
    incomePerCapitaMonthly: '700',
    incomeSources: ['farming'],
    housingType: 'owned_safe',
    landMu: '2',
    vehicleCount: 0,
    savingsBand: 'none',
    medicalMonthly: '300',
    schoolingMonthly: '200',
    housingMonthly: '0',
    careMonthly: '0',
    debtYuan: '0',
    needs: [{ category: 'employment', priority: 1, note: '' }],
    ...rest,
    members: (members ?? [{}]).map((m) => ({ ...baseMember, ...m })),
  })
}

export async function makeCaseworker(regionCode = '5226') {
  const user = await makeUser({ role: 'caseworker' })
  await assignCaseworkerRegion(db, user.id, regionCode)
  return user
}

/** Creates a household through the model (versioned, audited, risk-assessed). */
export async function makeHousehold(over: Parameters<typeof householdFixture>[0] = {}, caseworker?: { id: string }) {
  const cw = caseworker ?? (await makeCaseworker(over.regionCode?.slice(0, 4) ?? '5226'))
  return createHousehold({ id: cw.id, role: 'caseworker' }, householdFixture(over))
}
