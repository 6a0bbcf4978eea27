// Fault: Redis goes away and comes back (a scratch redis-server on its own port, never the
// shared one). Jobs queued before the restart survive it (Redis runs with an fsync'd
// append-only file, as production must — ADR 040); while Redis is down pages keep serving,
// publishing a listing (or importing households) still succeeds promptly and its jobs wait in deferred_jobs; once
// Redis is back the worker moves them into the queues and every listing ends up indexed and scored.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { households, listings, listingSearchDocuments, matches } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { deferredJobCount } from '@workers/queues/deferred'
import { db } from '~/utils/db.server'
import { resetEnvCache } from '~/utils/env.server'
import { confirmImport, importedRecords, stageImport } from '~/models/imports/imports.server'
import { makeCaseworker, makeHousehold } from '../factories/households'
import { makeNationalId } from '../factories/national-ids'
import { makeOrganization, makeUser } from '../factories/users'
import { TestClient } from '../setup/app'
import { spawnWorkers, startScratchRedis, stopProcess } from '../setup/processes'
import { fastStalledJobs, waitFor } from './helpers'

const dir = mkdtempSync(path.join(tmpdir(), 'gj-redis-'))
let redis: Awaited<ReturnType<typeof startScratchRedis>>

beforeAll(async () => {
  redis = await startScratchRedis({ durableDir: dir })
  // This file's web code (in-process) and its workers talk to the scratch server only.
  process.env.REDIS_URL = redis.url
  process.env.ENQUEUE_TIMEOUT_MS = '1000'
  resetEnvCache()
})
afterAll(async () => {
  if (redis) await stopProcess(redis.child)
  rmSync(dir, { recursive: true, force: true })
})

function jobForm(title: string) {
  return {
    kind: 'job', title, position: '焊工', description: '招聘熟练焊工，提供宿舍，每月休息四天。', regionCode: '522634',
    categories: 'employment', targetGroups: 'rural_low_income', startsOn: '2027-01-01', endsOn: '2027-12-31', capacity: '5',
    contactMethod: '电话 0855-3331234', 'skills[0].code': 'welding', 'skills[0].level': 'intermediate', wageMin: '4000', wageMax: '5500',
    wagePeriod: 'month', hoursPerWeek: '', hoursDescription: '', workplaceRegionCode: '522634', ageMin: '', ageMax: '',
    minEducation: '', eligibleGender: '', intent: 'publish',
  }
}

async function listingId(title: string) {
  const [row] = await db.select({ id: listings.id }).from(listings).where(eq(listings.title, title))
  return row!.id
}

describe('Redis restarted while jobs are queued and while the web app enqueues', () => {
  it('keeps serving, loses no job, and indexes and scores every published listing once Redis is back', async () => {
    const file = await makeHousehold({ regionCode: '522634101001' })
    await db.update(households).set({ consentGiven: true, consentChangedAt: new Date() }).where(eq(households.id, file.id))
    const org = await makeOrganization({ verified: true, regionCode: '522634' })
    const user = await makeUser({ role: 'org_member', organizationId: org.id })
    const client = new TestClient('zh-CN')
    await client.logIn(user.username, user.password)

    // 1. Redis up, no worker running: the listing's jobs wait in Redis.
    expect((await client.post('/org/listings/new?kind=job', jobForm('凯里电焊工（排队中）'))).status).toBe(302)
    const queued = await listingId('凯里电焊工（排队中）')
    expect(await getQueue('search').getJobCounts('waiting')).toEqual({ waiting: 2 }) // sync-listing and detect-duplicates

    // 2. Redis stops.
    await stopProcess(redis.child)
    expect((await client.get('/listings')).status).toBe(200)
    expect((await client.get('/org/listings')).status).toBe(200)
    const started = Date.now()
    const published = await client.post('/org/listings/new?kind=job', jobForm('雷山电焊工（Redis 停机时发布）'))
    expect(published.status).toBe(302) // the organization's change is saved and it is told so
    expect(Date.now() - started).toBeLessThan(15_000) // no hang: each enqueue gives up after ENQUEUE_TIMEOUT_MS
    const duringOutage = await listingId('雷山电焊工（Redis 停机时发布）')
    // sync-listing, score-listing and detect-duplicates wait in PostgreSQL.
    expect(await deferredJobCount()).toBe(3)
    // A caseworker's import lands too; its scoring and evaluation jobs (added in bulk) wait with them.
    const cw = await makeCaseworker('522634')
    const importer = { id: cw.id, role: 'caseworker' as const, organizationId: null }
    const heads = [makeNationalId('522634', '19700101', 901), makeNationalId('522634', '19700101', 902)]
    const csv = ['村代码,户主姓名,身份证号,出生日期,性别,文化程度,就业状况,住房类型,人均月收入,帮扶需求', ...heads.map((id, i) => `522634101001,停机导入${i},${id},1970-01-01,男,初中,失业,租房,600,就业`)].join('\n')
    const staged = await stageImport(importer, 'households', { name: 'households.csv', bytes: new TextEncoder().encode(csv) })
    if (!staged.ok) throw new Error(staged.refusal)
    expect(await confirmImport(importer, 'households', staged.batchId)).toEqual({ mode: 'imported', count: 2 })
    const imported = (await importedRecords(staged.batchId)).map((r) => r.entityId)
    expect(await deferredJobCount()).toBe(3 + 2 * 2)
    const health = await client.get('/healthz')
    expect(health.status).toBe(503)

    // 3. Redis comes back on the same port with its append-only file; a worker starts.
    redis = await startScratchRedis({ port: redis.port, durableDir: dir })
    const workers = spawnWorkers({ ...fastStalledJobs, REDIS_URL: redis.url })
    await workers.ready

    for (const id of [queued, duringOutage]) {
      await waitFor(async () => (await db.select().from(listingSearchDocuments).where(eq(listingSearchDocuments.listingId, id))).length === 1, `listing ${id} indexed`, 30_000, 100)
      await waitFor(async () => (await db.select().from(matches).where(and(eq(matches.listingId, id), eq(matches.householdId, file.id)))).length === 1, `listing ${id} scored`, 30_000, 100)
    }
    await waitFor(async () => (await deferredJobCount()) === 0, 'deferred jobs drained', 10_000, 100)
    for (const id of imported) {
      await waitFor(async () => (await getQueue('matching').getJob(`score-household-${id}-v1`))?.finishedOn !== undefined, `household ${id} scored`, 30_000, 100)
      await waitFor(async () => (await getQueue('monitoring').getJob(`evaluate-household-${id}-v1`))?.finishedOn !== undefined, `household ${id} evaluated`, 30_000, 100)
    }
    // The browse page finds both (it reads the search index).
    const page = await (await client.get('/listings?q=%E7%94%B5%E7%84%8A%E5%B7%A5')).text()
    expect(page).toContain('凯里电焊工（排队中）')
    expect(page).toContain('雷山电焊工（Redis 停机时发布）')
    for (const q of ['search', 'matching', 'monitoring']) expect(await getQueue(q).getJobCounts('failed')).toEqual({ failed: 0 })
    expect(await stopProcess(workers.child)).toBe(0)
  }, 90_000)
})
