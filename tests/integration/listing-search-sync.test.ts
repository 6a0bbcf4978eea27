// The index follows every listing change through the real worker process and the search queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getQueue } from '@workers/queues/connection'
import { enqueueSyncListing, SEARCH_QUEUE } from '@workers/queues/search'
import { getSearchEngine } from '@search/index'
import { listDuplicateFlags } from '~/models/listing-duplicates.server'
import { changeListingStatus, createListing, updateListing } from '~/models/listing.server'
import { listingInput } from '../factories/listings'
import { makeOrganization, makeUser } from '../factories/users'
import { spawnWorkers, stopProcess } from '../setup/processes'

async function waitFor<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met in time; last value ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function member(kind: 'enterprise' | 'mass_org' = 'enterprise') {
  const org = await makeOrganization(kind === 'mass_org' ? { kind, massOrgSubtype: 'womens_federation' } : { kind })
  const user = await makeUser({ role: 'org_member', organizationId: org.id })
  return { id: user.id, role: 'org_member' as const, organizationId: org.id }
}

const titles = (text: string) => getSearchEngine().search({ text }, {}, 'relevance', { page: 1, perPage: 20 }).then((r) => r.hits.map((h) => h.title))

let workers: ReturnType<typeof spawnWorkers>
beforeAll(async () => {
  workers = spawnWorkers()
  await workers.ready
})
afterAll(async () => {
  expect(await stopProcess(workers.child)).toBe(0)
})

describe('search index sync through the queue', () => {
  it('indexes on publish, follows edits, drops paused and closed listings, and re-adds on resume', async () => {
    const actor = await member()
    const created = await createListing(actor, listingInput('job', { title: '雷山县电子厂招聘焊工学徒夜班' }))
    if (!created.ok) throw new Error('create failed')
    // A draft is never searchable.
    await waitFor(() => getQueue(SEARCH_QUEUE).getJobCounts('completed'), (c) => (c.completed ?? 0) >= 1)
    expect(await titles('焊工学徒')).toEqual([])

    await changeListingStatus(actor, created.id, 'publish')
    await waitFor(() => titles('焊工'), (t) => t.includes('雷山县电子厂招聘焊工学徒夜班'))
    // 夜班 is in this title only (not in the description or elsewhere): found while the title has it…
    expect(await titles('夜班')).toEqual(['雷山县电子厂招聘焊工学徒夜班'])

    await updateListing(actor, created.id, listingInput('job', { title: '雷山县电子厂招聘电工学徒', position: '电工', skills: [{ code: 'electrician', level: 'beginner' }] }))
    await waitFor(() => titles('电工学徒'), (t) => t.includes('雷山县电子厂招聘电工学徒'))
    // …and gone with it once the edit is indexed (one document per listing, the newest version).
    expect(await titles('夜班')).toEqual([])

    await changeListingStatus(actor, created.id, 'pause')
    await waitFor(() => titles('电工学徒'), (t) => t.length === 0)
    await changeListingStatus(actor, created.id, 'resume')
    await waitFor(() => titles('电工学徒'), (t) => t.length === 1)
    await changeListingStatus(actor, created.id, 'close')
    await waitFor(() => titles('电工学徒'), (t) => t.length === 0)
  })

  it('uses one job per listing version, so enqueuing the same change twice is one job', async () => {
    const a = (await enqueueSyncListing('00000000-0000-4000-8000-000000000001', 7))!
    const b = (await enqueueSyncListing('00000000-0000-4000-8000-000000000001', 7))!
    expect(a.id).toBe('sync-listing-00000000-0000-4000-8000-000000000001-v7')
    expect(b.id).toBe(a.id)
  })

  it('flags a near-duplicate course published by another organization in the same county', async () => {
    const union = await member('mass_org')
    const federation = await member('mass_org')
    const values = {
      title: '雷山县苗绣技能免费培训班',
      description: '面向农村妇女开展苗绣技能培训，每期 30 人，结业颁发证书并推荐就业。',
      categories: ['skills_training'],
    }
    const first = await createListing(union, listingInput('training', values), { publish: true })
    const second = await createListing(federation, listingInput('training', { ...values, title: '雷山县苗绣技能培训班（免费）', startsOn: '2027-02-01' }), { publish: true })
    if (!first.ok || !second.ok) throw new Error('create failed')
    const flags = await waitFor(() => listDuplicateFlags(federation), (f) => f.length === 1)
    expect([flags[0]!.listing.id, flags[0]!.other.id].sort()).toEqual([first.id, second.id].sort())
    expect(flags[0]!.status).toBe('open')
    // The other organization sees the same flag; an unrelated one sees nothing.
    expect(await listDuplicateFlags(union)).toHaveLength(1)
    expect(await listDuplicateFlags(await member())).toHaveLength(0)
  })
})
