// The resident's home page: where to link a household file, or the way to it once linked.
import { describe, expect, it } from 'vitest'
import { createInvitation, redeemInvitation } from '~/models/household.server'
import { loader } from '~/routes/me+/_index'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeUser } from '../factories/users'
import { loaderData, sessionCookie } from './ledger-fixes.helpers'

describe('resident home', () => {
  it('asks for an invitation code until the household is linked, then leads to the household file', async () => {
    const resident = await makeUser({ role: 'resident' })
    const before = await loaderData(loader, '/me', {}, await sessionCookie(resident.id))
    expect(before.data.household).toBeNull()
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ address: '西江镇羊排组' }, cw)
    const { code } = await createInvitation({ id: cw.id, role: 'caseworker' }, file.id)
    await redeemInvitation({ id: resident.id, role: 'resident' }, code)
    const after = await loaderData(loader, '/me', {}, await sessionCookie(resident.id))
    expect(after.data.household).toEqual({ address: '西江镇羊排组' })
  })
})
