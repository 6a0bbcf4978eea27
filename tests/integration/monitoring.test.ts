// Early warning end to end on a real database: thresholds per region, alerts raised once per
// condition, crash-safety, the alert lifecycle, review queues by tier, and the caseworker pages.
import { and, eq, sql } from 'drizzle-orm'
import type { Job } from 'bullmq'
import { beforeEach, describe, expect, it } from 'vitest'
import { alerts, auditEntries, households, householdVersions, reviewTasks, warningThresholds } from '@db/schema'
import { getQueue } from '@workers/queues/connection'
import { MATCHING_QUEUE } from '@workers/queues/matching'
import { MONITORING_QUEUE } from '@workers/queues/monitoring'
import { processEvaluateHousehold } from '@workers/processors/monitoring/evaluate-household'
import { processEvaluateAll } from '@workers/processors/monitoring/evaluate-all'
import { createInvitation, redeemInvitation, updateHousehold } from '~/models/household.server'
import { nextReviewDate } from '~/models/risk.server'
import {
  acknowledgeAlert,
  completeReview,
  computeReviews,
  evaluateHousehold,
  listAlerts,
  listReviews,
  loadThresholds,
  raiseWarning,
  resolveAlert,
} from '~/models/warnings.server'
import { db } from '~/utils/db.server'
import { householdFixture, makeCaseworker, makeHousehold } from '../factories/households'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

const day = (d: Date) => d.toISOString().slice(0, 10)
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000)

async function age(householdId: string, days: number) {
  await db.update(householdVersions).set({ changedAt: sql`now() - make_interval(days => ${days})` }).where(eq(householdVersions.householdId, householdId))
}

async function alertsOf(householdId: string) {
  return db.select().from(alerts).where(eq(alerts.householdId, householdId))
}

// Each test starts from no households and only the national default thresholds.
beforeEach(async () => {
  await db.delete(households)
  await db.execute(sql`delete from warning_thresholds where region_code is not null`)
})

describe('warning thresholds', () => {
  it('uses the seeded national default and lets a longer region prefix override it', async () => {
    expect((await loadThresholds(db, '522634101001')).debtYuan).toBe('50000.00')
    await db.insert(warningThresholds).values({ regionCode: '522634', medicalShare: '0.4', medicalGrowthFactor: '1.5', incomeDropShare: '0.2', debtYuan: '1000', lookbackMonths: 2, highDueDays: 1, mediumDueDays: 5, lowDueDays: 10 })
    expect((await loadThresholds(db, '522634101001')).debtYuan).toBe('1000.00')
    expect((await loadThresholds(db, '522601101001')).debtYuan).toBe('50000.00')
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ debtYuan: '2000', medicalMonthly: '0' }, cw)
    const result = await evaluateHousehold(file.id)
    expect(result!.created).toHaveLength(1)
    const [alert] = await alertsOf(file.id)
    expect(alert).toMatchObject({ rule: 'debt', severity: 'medium', caseworkerId: cw.id, state: 'open', dueOn: day(addDays(new Date(), 5)) })
  })
})

describe('evaluation', () => {
  it('raises alerts for the caseworker once, reassesses the tier and queues rescoring', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ incomePerCapitaMonthly: '2000', medicalMonthly: '100' }, cw)
    expect(file.riskTier).toBe('C')
    // Saving the file queued an evaluation for this version.
    expect(await getQueue(MONITORING_QUEUE).getJob(`evaluate-household-${file.id}-v1`)).toBeTruthy()
    expect((await evaluateHousehold(file.id))!.created).toEqual([])

    const worse = await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ incomePerCapitaMonthly: '2000', medicalMonthly: '100', disasterAffected: true }))
    expect(await getQueue(MONITORING_QUEUE).getJob(`evaluate-household-${file.id}-v2`)).toBeTruthy()
    const first = await evaluateHousehold(worse.id)
    expect(first!.created).toHaveLength(1)
    expect(first!.rescoreQueued).toBe(true)
    const [alert] = await alertsOf(file.id)
    expect(alert).toMatchObject({ rule: 'disaster', severity: 'high', caseworkerId: cw.id, dueOn: day(addDays(new Date(), 3)) })
    const [row] = await db.select().from(households).where(eq(households.id, file.id))
    expect(row!.riskTier).toBe('A')
    const rescoring = (await getQueue(MATCHING_QUEUE).getJobs(['waiting', 'delayed', 'prioritized'])).filter((j) => j.id?.startsWith(`score-household-${file.id}-v2-warn-`))
    expect(rescoring).toHaveLength(1)
    // Running again (a duplicate job, or the daily sweep) raises nothing twice.
    expect((await evaluateHousehold(file.id))!.created).toEqual([])
    expect(await alertsOf(file.id)).toHaveLength(1)
    expect(await db.select().from(auditEntries).where(and(eq(auditEntries.action, 'alert.raise'), eq(auditEntries.entityId, alert!.id)))).toHaveLength(1)
  })

  it('compares with the file as it was within three months (income drop, job loss, medical doubled)', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ incomePerCapitaMonthly: '2000', medicalMonthly: '200', members: [{ employmentStatus: 'employed' }] }, cw)
    await age(file.id, 40)
    await updateHousehold(
      { id: cw.id, role: 'caseworker' },
      file.id,
      householdFixture({ incomePerCapitaMonthly: '1000', medicalMonthly: '400', members: [{ employmentStatus: 'unemployed' }] }),
    )
    await evaluateHousehold(file.id)
    expect((await alertsOf(file.id)).map((a) => a.rule).sort()).toEqual(['income_drop', 'job_loss', 'medical_doubled'])
    const drop = (await alertsOf(file.id)).find((a) => a.rule === 'income_drop')!
    expect(drop.params).toMatchObject({ from: '2000.00', to: '1000.00', drop: 50 })
  })

  it('is crash-safe: a failure mid-run writes nothing, the retry raises each alert exactly once', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ incomePerCapitaMonthly: '100', medicalMonthly: '900', debtYuan: '90000', disasterAffected: true }, cw)
    // Simulate the worker dying after the first alerts were written: the last insert fails.
    await db.execute(sql`create function fail_debt_alert() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`)
    await db.execute(sql`create trigger fail_debt_alert before insert on alerts for each row when (new.rule = 'debt') execute function fail_debt_alert()`)
    const job = { data: { householdId: file.id, version: 1 }, attemptsMade: 0, queueName: MONITORING_QUEUE, name: 'evaluate-household' } as unknown as Job
    await expect(processEvaluateHousehold(job)).rejects.toThrow(/insert into "alerts"/)
    expect(await alertsOf(file.id)).toHaveLength(0)
    await db.execute(sql`drop trigger fail_debt_alert on alerts`)
    const retried = (await processEvaluateHousehold({ ...job, attemptsMade: 1 } as unknown as Job)) as { created: string[]; rescoreQueued: boolean }
    expect(retried.created).toHaveLength(3)
    expect(retried.rescoreQueued).toBe(true)
    // Even a crash after commit is covered: a retry that finds nothing new still queues the rescore (same job id).
    const again = (await processEvaluateHousehold({ ...job, attemptsMade: 2 } as unknown as Job)) as { created: string[]; rescoreQueued: boolean }
    expect(again).toMatchObject({ created: [], rescoreQueued: true })
    expect((await alertsOf(file.id)).map((a) => a.rule).sort()).toEqual(['debt', 'disaster', 'medical_share'])
    // A malformed payload fails without touching anything.
    await expect(processEvaluateHousehold({ ...job, data: { householdId: 'x' } } as unknown as Job)).rejects.toThrow(/invalid payload/)
  })

  it('concurrent evaluations of one household (duplicate jobs on several workers) raise each alert once', async () => {
    const file = await makeHousehold({ disasterAffected: true, debtYuan: '60000' })
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => evaluateHousehold(file.id)))
    expect(results.reduce((n, r) => n + r!.created.length, 0)).toBe(2)
    expect((await alertsOf(file.id)).map((a) => a.rule).sort()).toEqual(['debt', 'disaster'])
  })

  it('evaluates bulk-seeded households whose versions carry no snapshot from the live file', async () => {
    const file = await makeHousehold({ disasterAffected: true })
    await db.update(householdVersions).set({ snapshot: { seeded: true } }).where(eq(householdVersions.householdId, file.id))
    expect((await evaluateHousehold(file.id))!.created).toHaveLength(1)
    expect((await alertsOf(file.id))[0]!.rule).toBe('disaster')
  })

  it('sweeps every household in resumable batches', async () => {
    const cw = await makeCaseworker('5226')
    const files = await Promise.all([1, 2, 3].map(() => makeHousehold({ disasterAffected: true }, cw)))
    const job = { data: { runId: 'test-run', batchSize: 2 }, timestamp: Date.now(), attemptsMade: 0, queueName: MONITORING_QUEUE, name: 'evaluate-all' } as unknown as Job
    const first = (await processEvaluateAll(job)) as { evaluated: number; last: string; done: boolean }
    expect(first).toMatchObject({ evaluated: 2, done: false })
    const next = await getQueue(MONITORING_QUEUE).getJob(`evaluate-all-test-run-${first.last}`)
    expect(next!.data).toEqual({ runId: 'test-run', after: first.last, batchSize: 2 })
    const second = (await processEvaluateAll({ ...job, data: next!.data } as unknown as Job)) as { evaluated: number; done: boolean }
    expect(second).toMatchObject({ evaluated: 1, done: true })
    for (const f of files) expect(await alertsOf(f.id)).toHaveLength(1)
  })

  it('raiseWarning (for feeds) dedupes while open', async () => {
    const file = await makeHousehold()
    const id = await raiseWarning(file.id, { rule: 'hospitalized', params: { days: 5 }, severity: 'high' })
    expect(id).toBeTruthy()
    expect(await raiseWarning(file.id, { rule: 'hospitalized', params: { days: 6 } })).toBeUndefined()
    await expect(raiseWarning(file.id, { rule: 'Bad Rule' })).rejects.toMatchObject({ key: 'monitoring:errors.bad_rule' })
    expect(await alertsOf(file.id)).toHaveLength(1)
  })
})

describe('alert lifecycle', () => {
  it('open → acknowledged → resolved with a note, scoped to the caseworker’s regions', async () => {
    const cw = await makeCaseworker('5226')
    const other = await makeCaseworker('6211')
    const file = await makeHousehold({ disasterAffected: true }, cw)
    await evaluateHousehold(file.id)
    const [alert] = await listAlerts({ id: cw.id, role: 'caseworker' })
    expect(alert).toMatchObject({ rule: 'disaster', state: 'open', overdue: false, headName: file.members.find((m) => m.isHead)!.fullName })
    expect(await listAlerts({ id: other.id, role: 'caseworker' })).toEqual([])
    await expect(acknowledgeAlert({ id: other.id, role: 'caseworker' }, alert!.id)).rejects.toMatchObject({ key: 'monitoring:errors.alert_not_found' })

    await acknowledgeAlert({ id: cw.id, role: 'caseworker' }, alert!.id)
    await expect(acknowledgeAlert({ id: cw.id, role: 'caseworker' }, alert!.id)).rejects.toMatchObject({ key: 'monitoring:errors.not_open' })
    await expect(resolveAlert({ id: cw.id, role: 'caseworker' }, alert!.id, '  ')).rejects.toMatchObject({ key: 'monitoring:errors.note_required' })
    await resolveAlert({ id: cw.id, role: 'caseworker' }, alert!.id, '已联系民政办申请临时救助')
    const [stored] = await alertsOf(file.id)
    expect(stored).toMatchObject({ state: 'resolved', acknowledgedById: cw.id, resolvedById: cw.id, resolutionNote: '已联系民政办申请临时救助' })
    await expect(resolveAlert({ id: cw.id, role: 'caseworker' }, alert!.id, 'again')).rejects.toMatchObject({ key: 'monitoring:errors.already_resolved' })
    expect(await listAlerts({ id: cw.id, role: 'caseworker' })).toEqual([])

    // The file has not changed since it was resolved: the sweep does not raise it again.
    expect((await evaluateHousehold(file.id))!.created).toEqual([])
    // The file changes and the condition still holds: a new alert.
    await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ disasterAffected: true, address: '新址' }))
    expect((await evaluateHousehold(file.id))!.created).toHaveLength(1)
    expect(await db.select().from(auditEntries).where(eq(auditEntries.entityId, alert!.id))).toHaveLength(3)
  })
})

describe('resolved alerts stay resolved', () => {
  it('does not raise a resolved alert again on later sweeps while the file is unchanged (risk reasons with parameters)', async () => {
    const cw = await makeCaseworker('5226')
    // A low income gives risk reasons with parameters, which the risk re-run rewrites on every sweep.
    const file = await makeHousehold({ disasterAffected: true, incomePerCapitaMonthly: '700', medicalMonthly: '0', schoolingMonthly: '0' }, cw)
    expect(file.riskReasons.map((r) => r.code)).toContain('low_income')
    await evaluateHousehold(file.id)
    const open = await listAlerts({ id: cw.id, role: 'caseworker' })
    expect(open.length).toBeGreaterThan(0)
    for (const alert of open) await resolveAlert({ id: cw.id, role: 'caseworker' }, alert.id, '已入户走访并登记临时救助')
    const updatedAt = async () => (await db.select({ at: households.updatedAt }).from(households).where(eq(households.id, file.id)))[0]!.at.getTime()
    const before = await updatedAt()
    for (let sweep = 0; sweep < 3; sweep++) expect((await evaluateHousehold(file.id))!.created).toEqual([])
    // Nothing changed, so nothing is rewritten (the reasons come back from jsonb with their keys reordered).
    expect(await updatedAt()).toBe(before)
    expect(await listAlerts({ id: cw.id, role: 'caseworker' })).toEqual([])
  })
})

describe('resident corrections', () => {
  it('asks the caseworker to check a correction the resident made, once while open, again after it was resolved', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0', address: '西江镇羊排组' }, cw)
    const resident = await makeUser({ role: 'resident' })
    const { code } = await createInvitation({ id: cw.id, role: 'caseworker' }, file.id)
    await redeemInvitation({ id: resident.id, role: 'resident' }, code)
    // A caseworker's own edit is no correction to check.
    await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0', address: '西江镇羊排二组' }))
    expect((await evaluateHousehold(file.id))!.created).toEqual([])

    const corrected = await updateHousehold({ id: resident.id, role: 'resident' }, file.id, householdFixture({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0', address: '西江镇羊排三组' }))
    expect((await evaluateHousehold(file.id))!.created).toHaveLength(1)
    const [alert] = await listAlerts({ id: cw.id, role: 'caseworker' })
    expect(alert).toMatchObject({ rule: 'resident_correction', severity: 'low', params: { version: corrected.version, count: 1 } })
    // A second correction while it is open adds nothing; after it is resolved, the next one asks again.
    await updateHousehold({ id: resident.id, role: 'resident' }, file.id, householdFixture({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0', address: '西江镇羊排四组' }))
    expect((await evaluateHousehold(file.id))!.created).toEqual([])
    await resolveAlert({ id: cw.id, role: 'caseworker' }, alert!.id, '已电话核实新地址')
    expect((await evaluateHousehold(file.id))!.created).toEqual([])
    await updateHousehold({ id: resident.id, role: 'resident' }, file.id, householdFixture({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0', address: '西江镇羊排五组' }))
    expect((await evaluateHousehold(file.id))!.created).toHaveLength(1)
  })
})

describe('reviews', () => {
  it('fills queues by tier (A quarterly, B half-yearly, C yearly), flags overdue, and advances on done', async () => {
    const cw = await makeCaseworker('5226')
    const a = await makeHousehold({ disasterAffected: true }, cw)
    const b = await makeHousehold({ singleParent: true, incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0' }, cw)
    const c = await makeHousehold({ incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0' }, cw)
    expect([a.riskTier, b.riskTier, c.riskTier]).toEqual(['A', 'B', 'C'])
    const now = new Date()
    const tiersDue = async (at: Date) => {
      await computeReviews(at)
      const tasks = await db.select({ householdId: reviewTasks.householdId }).from(reviewTasks)
      return [a, b, c].filter((h) => tasks.some((t) => t.householdId === h.id)).map((h) => h.riskTier)
    }
    expect(await tiersDue(addDays(now, 30))).toEqual([])
    expect(await tiersDue(addDays(now, 95))).toEqual(['A'])
    expect(await tiersDue(addDays(now, 185))).toEqual(['A', 'B'])
    expect(await tiersDue(addDays(now, 370))).toEqual(['A', 'B', 'C'])
    expect((await computeReviews(addDays(now, 370))).created).toBe(0)

    const later = day(addDays(now, 150))
    const queue = await listReviews({ id: cw.id, role: 'caseworker' }, later)
    expect(queue.map((r) => [r.riskTier, r.overdue])).toEqual([['A', true], ['B', false], ['C', false]])
    expect(await listReviews({ id: (await makeCaseworker('6211')).id, role: 'caseworker' }, later)).toEqual([])

    const doneAt = addDays(now, 100)
    const next = await completeReview({ id: cw.id, role: 'caseworker' }, queue[0]!.id, doneAt)
    expect(next).toBe(nextReviewDate('A', doneAt))
    const [row] = await db.select().from(households).where(eq(households.id, a.id))
    expect(row!.nextReviewOn).toBe(next)
    await expect(completeReview({ id: cw.id, role: 'caseworker' }, queue[0]!.id)).rejects.toMatchObject({ key: 'monitoring:errors.review_done' })
    expect((await listReviews({ id: cw.id, role: 'caseworker' }, later)).map((r) => r.riskTier)).toEqual(['B', 'C'])
  })
})

describe('caseworker pages', () => {
  it('guard by role and handle an alert in Chinese, with a field error for a missing note', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold({ disasterAffected: true, address: '西江镇羊排组' }, cw)
    await evaluateHousehold(file.id)
    const [alert] = await alertsOf(file.id)

    const resident = await makeUser({ role: 'resident' })
    const me = new TestClient('zh-CN')
    await me.logIn(resident.username, resident.password)
    expect((await me.get('/caseworker/alerts')).status).toBe(403)
    expect((await me.get('/caseworker/reviews')).status).toBe(403)
    expect((await me.post('/caseworker/alerts', { intent: 'acknowledge', alertId: alert!.id })).status).toBe(403)
    expect((await new TestClient('zh-CN').get('/caseworker/alerts')).status).toBe(302)

    const client = new TestClient('zh-CN')
    await client.logIn(cw.username, cw.password)
    const page = textOf(await (await client.get('/caseworker/alerts')).text())
    expect(page).toContain('返贫预警')
    expect(page).toContain('遭受灾害')
    expect(page).toContain('西江镇羊排组')
    const ack = await client.post('/caseworker/alerts', { intent: 'acknowledge', alertId: alert!.id })
    expect(textOf(await ack.text())).toContain('已确认该预警')
    const noNote = await client.post('/caseworker/alerts', { intent: 'resolve', alertId: alert!.id, note: ' ' })
    expect(noNote.status).toBe(400)
    expect(textOf(await noNote.text())).toContain('请先填写处理说明再关闭预警')
    expect((await alertsOf(file.id))[0]!.state).toBe('acknowledged')
    const done = await client.post('/caseworker/alerts', { intent: 'resolve', alertId: alert!.id, note: '已走访核实' })
    expect(textOf(await done.text())).toContain('暂无未处理的预警')

    await computeReviews(addDays(new Date(), 100))
    const english = new TestClient('en')
    await english.logIn(cw.username, cw.password)
    const reviews = textOf(await (await english.get('/caseworker/reviews')).text())
    expect(reviews).toContain('Reviews due')
    expect(reviews).toContain('A high risk')
    const [task] = await db.select().from(reviewTasks)
    const marked = await english.post('/caseworker/reviews', { reviewId: task!.id })
    expect(textOf(await marked.text())).toContain('Review recorded; next review on')
    const bad = await english.post('/caseworker/reviews', { reviewId: 'nope' })
    expect(bad.status).toBe(400)
    expect(textOf(await bad.text())).toContain('The request was not understood')
  })
})
