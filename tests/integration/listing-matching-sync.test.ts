import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { households, matches } from '@db/schema'
import { changeListingStatus, createListing } from '~/models/listing.server'
import { db } from '~/utils/db.server'
import { makeHousehold } from '../factories/households'
import { listingInput } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'
import { spawnWorkers, stopProcess } from '../setup/processes'

// The listing model and the matching queue meet here: publishing a listing scores it through
// the real worker process, closing it drops its matches.

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 150))
  }
}

let workers: ReturnType<typeof spawnWorkers>
beforeAll(async () => {
  workers = spawnWorkers()
  await workers.ready
})
afterAll(async () => {
  expect(await stopProcess(workers.child)).toBe(0)
})

describe('listing status changes drive matching', () => {
  it('scores a published job for a consenting welder nearby, and removes the matches when it closes', async () => {
    const file = await makeHousehold({ regionCode: '522634101001' })
    await db.update(households).set({ consentGiven: true, consentChangedAt: new Date() }).where(eq(households.id, file.id))
    const org = await makeOrganization({ regionCode: '522634' })
    const user = await makeUser({ role: 'org_member', organizationId: org.id })
    const actor = { id: user.id, role: 'org_member' as const, organizationId: org.id }

    const created = await createListing(actor, listingInput('job'), { publish: true })
    if (!created.ok) throw new Error(JSON.stringify(created.fieldErrors))
    const pair = and(eq(matches.listingId, created.id), eq(matches.householdId, file.id))
    await waitFor(async () => (await db.select().from(matches).where(pair)).length === 1)
    const [match] = await db.select().from(matches).where(pair)
    expect(match!.score).toBeGreaterThan(0)
    expect(JSON.stringify(match!.reasons)).toContain('welding')

    await changeListingStatus(actor, created.id, 'close')
    await waitFor(async () => (await db.select().from(matches).where(eq(matches.listingId, created.id))).length === 0)
  })
})
