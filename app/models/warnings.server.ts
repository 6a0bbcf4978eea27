// Return-to-poverty early warning (返贫预警): pure rules over a household's file and its version
// history, alerts for the caseworker (open → acknowledged → resolved), and review (复核) queues.
import { createHash } from 'node:crypto'
import Decimal from 'decimal.js'
import { and, asc, eq, gt, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import {
  alerts,
  householdMembers,
  households,
  householdVersions,
  reviewTasks,
  ruleSeverity,
  warningThresholds,
  type AlertSeverity,
  type AlertState,
  type WarningRule,
} from '@db/schema'
import { enqueueScoreHousehold } from '@workers/queues/matching'
import { db } from '~/utils/db.server'
import { recordAudit } from './audit.server'
import { advanceReview, caseworkerPrefixes, loadHouseholdFile, reassessRisk, type Actor } from './household.server'

/** A refusal the user can act on; `key` is a catalog key (monitoring:errors.*). */
export class MonitoringError extends Error {
  constructor(
    public key: string,
    public params: Record<string, string | number> = {},
    public status = 400,
  ) {
    super(key)
  }
}

// ---------------------------------------------------------------------------------------------
// Pure rules

/** The part of a household file the rules read (a stored snapshot has this shape too). */
export type FileView = {
  incomePerCapitaMonthly: string
  medicalMonthly: string
  debtYuan: string
  disasterAffected: boolean
  recentJobLoss: boolean
  members: Array<{ fullName: string; birthDate: string; employmentStatus: string }>
}
export type VersionView = FileView & { version: number; changedAt: Date }

export type Thresholds = {
  medicalShare: string
  medicalGrowthFactor: string
  incomeDropShare: string
  debtYuan: string
  lookbackMonths: number
  highDueDays: number
  mediumDueDays: number
  lowDueDays: number
}

export type Warning = { rule: string; severity: AlertSeverity; params: Record<string, string | number>; dedupeKey: string }

function householdIncome(f: FileView) {
  return new Decimal(f.incomePerCapitaMonthly).times(Math.max(1, f.members.length))
}

function percent(d: Decimal) {
  return d.times(100).toDecimalPlaces(0).toNumber()
}

function monthsBefore(now: Date, months: number) {
  const d = new Date(now)
  d.setUTCMonth(d.getUTCMonth() - months)
  return d
}

/**
 * The states of the file during the lookback: the version in effect when the window opened
 * (if any) and every version saved since, excluding the current one.
 */
export function windowStates(history: VersionView[], currentVersion: number, now: Date, lookbackMonths: number): VersionView[] {
  const start = monthsBefore(now, lookbackMonths)
  const earlier = history.filter((v) => v.version !== currentVersion && v.changedAt.getTime() < start.getTime())
  const atStart = earlier.sort((a, b) => b.version - a.version)[0]
  const inside = history.filter((v) => v.version !== currentVersion && v.changedAt.getTime() >= start.getTime())
  return atStart ? [atStart, ...inside] : inside
}

const working = new Set(['employed', 'underemployed'])

/** Applies every rule; each firing rule is one warning with its dedupe key. */
export function evaluateRules(current: FileView & { version: number }, history: VersionView[], t: Thresholds, now = new Date()): Warning[] {
  const out: Warning[] = []
  const add = (rule: WarningRule, params: Record<string, string | number>) => out.push({ rule, severity: ruleSeverity[rule], params, dedupeKey: rule })
  const income = householdIncome(current)
  const medical = new Decimal(current.medicalMonthly)
  const states = windowStates(history, current.version, now, t.lookbackMonths)

  if (medical.greaterThan(0) && (income.isZero() || medical.greaterThan(income.times(t.medicalShare)))) {
    add('medical_share', { medical: medical.toFixed(2), income: income.toFixed(2), share: income.isZero() ? 100 : percent(medical.dividedBy(income)), limit: percent(new Decimal(t.medicalShare)) })
  }

  const earlierMedical = states.map((s) => new Decimal(s.medicalMonthly)).filter((d) => d.greaterThan(0))
  if (earlierMedical.length) {
    const lowest = Decimal.min(...earlierMedical)
    if (medical.greaterThanOrEqualTo(lowest.times(t.medicalGrowthFactor))) {
      add('medical_doubled', { from: lowest.toFixed(2), to: medical.toFixed(2), factor: t.medicalGrowthFactor, months: t.lookbackMonths })
    }
  }

  const earlierIncome = states.map(householdIncome).filter((d) => d.greaterThan(0))
  if (earlierIncome.length) {
    const highest = Decimal.max(...earlierIncome)
    const drop = highest.minus(income).dividedBy(highest)
    if (drop.greaterThan(t.incomeDropShare)) {
      add('income_drop', { from: highest.toFixed(2), to: income.toFixed(2), drop: percent(drop), months: t.lookbackMonths })
    }
  }

  const key = (m: { fullName: string; birthDate: string }) => `${m.fullName}|${m.birthDate}`
  const wasWorking = new Set(states.flatMap((s) => s.members.filter((m) => working.has(m.employmentStatus)).map(key)))
  const lost = current.members.filter((m) => m.employmentStatus === 'unemployed' && wasWorking.has(key(m)))
  if (lost.length || current.recentJobLoss) {
    add('job_loss', { count: Math.max(lost.length, 1), members: lost.length ? lost.map((m) => m.fullName).join(', ') : '-' })
  }

  if (current.disasterAffected) add('disaster', {})

  const debt = new Decimal(current.debtYuan)
  if (debt.greaterThan(t.debtYuan)) add('debt', { debt: debt.toFixed(2), limit: new Decimal(t.debtYuan).toFixed(2) })
  return out
}

/** The due date of an alert raised `now`, by severity (YYYY-MM-DD). */
export function dueDate(severity: AlertSeverity, t: Thresholds, now = new Date()) {
  const days = severity === 'high' ? t.highDueDays : severity === 'medium' ? t.mediumDueDays : t.lowDueDays
  return new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)
}

/** The thresholds row with the longest region-code prefix wins; null region is the national default. */
export function thresholdsFor<T extends { regionCode: string | null }>(regionCode: string, rows: T[]): T | undefined {
  let best: T | undefined
  for (const r of rows) {
    const code = r.regionCode ?? ''
    if (regionCode.startsWith(code) && (!best || code.length > (best.regionCode ?? '').length)) best = r
  }
  return best
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export async function loadThresholds(executor: Executor, regionCode: string): Promise<Thresholds> {
  const prefixes = [2, 4, 6, 9, 12].filter((n) => n <= regionCode.length).map((n) => regionCode.slice(0, n))
  const rows = await executor
    .select()
    .from(warningThresholds)
    .where(or(isNull(warningThresholds.regionCode), inArray(warningThresholds.regionCode, prefixes)))
  const row = thresholdsFor(regionCode, rows)
  if (!row) throw new Error('no warning thresholds configured (the national default row is seeded)')
  return row
}

type AlertInsert = { householdId: string; caseworkerId: string | null; changedAt: Date; thresholds: Thresholds; warning: Warning; now: Date }

/** Inserts an alert unless one for the same condition is unresolved, or was resolved after the file last changed. */
async function insertAlert(tx: Transaction, a: AlertInsert) {
  const [handled] = await tx
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.householdId, a.householdId), eq(alerts.dedupeKey, a.warning.dedupeKey), eq(alerts.state, 'resolved'), sql`${alerts.resolvedAt} >= ${a.changedAt.toISOString()}`))
    .limit(1)
  if (handled) return undefined
  const [row] = await tx
    .insert(alerts)
    .values({
      householdId: a.householdId,
      caseworkerId: a.caseworkerId,
      rule: a.warning.rule,
      severity: a.warning.severity,
      params: a.warning.params,
      dedupeKey: a.warning.dedupeKey,
      dueOn: dueDate(a.warning.severity, a.thresholds, a.now),
      raisedAt: a.now,
    })
    .onConflictDoNothing()
    .returning({ id: alerts.id })
  if (row) {
    await recordAudit(tx, { actor: { system: 'monitoring' }, action: 'alert.raise', entityType: 'alert', entityId: row.id, after: { householdId: a.householdId, rule: a.warning.rule, severity: a.warning.severity } })
  }
  return row?.id
}

async function openAlertTag(tx: Executor, householdId: string, tier: string) {
  const open = await tx
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.householdId, householdId), ne(alerts.state, 'resolved')))
    .orderBy(asc(alerts.id))
  return `warn-${createHash('sha256').update(`${tier}|${open.map((o) => o.id).join(',')}`).digest('hex').slice(0, 16)}`
}

function isFileView(snapshot: unknown): snapshot is FileView {
  const f = snapshot as Partial<FileView> | null
  return !!f && typeof f.incomePerCapitaMonthly === 'string' && typeof f.medicalMonthly === 'string' && Array.isArray(f.members)
}

export type EvaluationResult = { created: string[]; tier: string; tierChanged: boolean; rescoreQueued: boolean }

/**
 * Evaluates every rule for one household. Alerts and the new risk tier are written in one
 * transaction (a crash leaves nothing half-done), and the dedupe key makes a re-run raise
 * nothing twice. Rescoring is enqueued after commit with a deterministic job id; `retry`
 * (a re-attempted job) enqueues it even when nothing new was found, in case the crash came
 * between commit and enqueue.
 */
export async function evaluateHousehold(householdId: string, options: { now?: Date; retry?: boolean } = {}): Promise<EvaluationResult | undefined> {
  const now = options.now ?? new Date()
  const result = await db.transaction(async (tx) => {
    const [household] = await tx.select().from(households).where(eq(households.id, householdId)).for('update')
    if (!household) return undefined
    const history = await tx.select().from(householdVersions).where(eq(householdVersions.householdId, householdId)).orderBy(asc(householdVersions.version))
    // The live file is the current state; versions supply the past (bulk-seeded versions carry no snapshot).
    const file = (await loadHouseholdFile(tx, householdId))!
    const thresholds = await loadThresholds(tx, household.regionCode)
    const warnings = evaluateRules(
      { ...file, version: household.version },
      history.filter((v) => isFileView(v.snapshot)).map((v) => ({ ...(v.snapshot as FileView), version: v.version, changedAt: v.changedAt })),
      thresholds,
      now,
    )
    // A correction the resident made to their own file is checked by the caseworker: one open alert at a
    // time (its dedupe key is the rule), raised again by a correction made after it was resolved.
    const latest = history.at(-1)
    if (latest && latest.version === household.version && household.residentUserId && latest.changedById === household.residentUserId && latest.changedFields.length) {
      warnings.push({ rule: 'resident_correction', severity: ruleSeverity.resident_correction, params: { version: latest.version, count: latest.changedFields.length }, dedupeKey: 'resident_correction' })
    }
    // "The file last changed" is its latest version, not the row's updatedAt: re-running the risk model
    // rewrites tier and reasons without a new version, and must not bring back what a caseworker resolved.
    const changedAt = history.at(-1)?.changedAt ?? household.createdAt
    const created: string[] = []
    for (const warning of warnings) {
      const id = await insertAlert(tx, { householdId, caseworkerId: household.caseworkerId, changedAt, thresholds, warning, now })
      if (id) created.push(id)
    }
    const risk = await reassessRisk(tx, householdId, now)
    const tag = await openAlertTag(tx, householdId, risk!.tier)
    return { created, tier: risk!.tier, tierChanged: risk!.changed, version: household.version, tag }
  })
  if (!result) return undefined
  const rescoreQueued = result.created.length > 0 || result.tierChanged || options.retry === true
  if (rescoreQueued) await enqueueScoreHousehold(householdId, result.version, result.tag)
  return { created: result.created, tier: result.tier, tierChanged: result.tierChanged, rescoreQueued }
}

/**
 * Raises one warning from outside the rule set (e.g. a department feed at merge). Same dedupe,
 * due date, risk reassessment and rescoring as the rules. Returns the new alert id, or
 * undefined when the condition already has an unresolved alert.
 */
export async function raiseWarning(
  householdId: string,
  warning: { rule: string; params?: Record<string, string | number>; severity?: AlertSeverity; dedupeKey?: string },
  now = new Date(),
) {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(warning.rule)) throw new MonitoringError('monitoring:errors.bad_rule', { rule: warning.rule })
  const severity = warning.severity ?? ruleSeverity[warning.rule as WarningRule] ?? 'medium'
  const result = await db.transaction(async (tx) => {
    const [household] = await tx.select().from(households).where(eq(households.id, householdId)).for('update')
    if (!household) throw new MonitoringError('monitoring:errors.household_not_found', {}, 404)
    const thresholds = await loadThresholds(tx, household.regionCode)
    const id = await insertAlert(tx, {
      householdId,
      caseworkerId: household.caseworkerId,
      // A warning from outside is new information: a resolved earlier one does not suppress it.
      changedAt: new Date('9999-12-31T00:00:00Z'),
      thresholds,
      warning: { rule: warning.rule, severity, params: warning.params ?? {}, dedupeKey: warning.dedupeKey ?? warning.rule },
      now,
    })
    const risk = await reassessRisk(tx, householdId, now)
    return { id, version: household.version, tag: await openAlertTag(tx, householdId, risk!.tier) }
  })
  if (result.id) await enqueueScoreHousehold(householdId, result.version, result.tag)
  return result.id
}

/** One batch of a full evaluation, in household-id order after `after`. */
export async function evaluateBatch(after: string | undefined, batchSize: number, now = new Date()) {
  const rows = await db
    .select({ id: households.id })
    .from(households)
    .where(after ? gt(households.id, after) : undefined)
    .orderBy(asc(households.id))
    .limit(batchSize)
  let created = 0
  for (const r of rows) created += (await evaluateHousehold(r.id, { now }))?.created.length ?? 0
  return { evaluated: rows.length, created, last: rows.at(-1)?.id, done: rows.length < batchSize }
}

// ---------------------------------------------------------------------------------------------
// Alerts for caseworkers

function regionScope(prefixes: string[]): SQL {
  if (prefixes.length === 0) return sql`false`
  return or(...prefixes.map((p) => sql`${households.regionCode} like ${`${p}%`}`))!
}

/** Unresolved alerts for households in the caseworker's regions, most urgent first. */
export async function listAlerts(actor: Actor, options: { states?: AlertState[]; today?: string } = {}) {
  const prefixes = await caseworkerPrefixes(db, actor.id)
  const states = options.states ?? ['open', 'acknowledged']
  const today = options.today ?? new Date().toISOString().slice(0, 10)
  const rows = await db
    .select({
      id: alerts.id,
      householdId: alerts.householdId,
      rule: alerts.rule,
      severity: alerts.severity,
      params: alerts.params,
      state: alerts.state,
      dueOn: alerts.dueOn,
      raisedAt: alerts.raisedAt,
      acknowledgedAt: alerts.acknowledgedAt,
      regionCode: households.regionCode,
      address: households.address,
      // The caseworker's own files: the head of household by name, as on the household list.
      headName: sql<string | null>`(select m.full_name from ${householdMembers} m where m.household_id = ${households.id} order by m.is_head desc, m.full_name limit 1)`,
      riskTier: households.riskTier,
    })
    .from(alerts)
    .innerJoin(households, eq(households.id, alerts.householdId))
    .where(and(regionScope(prefixes), inArray(alerts.state, states)))
    .orderBy(sql`case ${alerts.severity} when 'high' then 0 when 'medium' then 1 else 2 end`, asc(alerts.dueOn), asc(alerts.raisedAt))
  return rows.map((r) => ({ ...r, overdue: r.dueOn < today }))
}

async function lockScopedAlert(tx: Transaction, actor: Actor, id: string) {
  const [row] = await tx
    .select({ alert: alerts, regionCode: households.regionCode })
    .from(alerts)
    .innerJoin(households, eq(households.id, alerts.householdId))
    .where(eq(alerts.id, id))
    .for('update', { of: alerts })
  const prefixes = await caseworkerPrefixes(tx, actor.id)
  if (!row || !prefixes.some((p) => row.regionCode.startsWith(p))) throw new MonitoringError('monitoring:errors.alert_not_found', {}, 404)
  return row.alert
}

export async function acknowledgeAlert(actor: Actor, id: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const alert = await lockScopedAlert(tx, actor, id)
    if (alert.state !== 'open') throw new MonitoringError('monitoring:errors.not_open', {}, 409)
    await tx.update(alerts).set({ state: 'acknowledged', acknowledgedAt: now, acknowledgedById: actor.id }).where(eq(alerts.id, id))
    await recordAudit(tx, { actor: { id: actor.id }, action: 'alert.acknowledge', entityType: 'alert', entityId: id, before: { state: 'open' }, after: { state: 'acknowledged' } })
  })
}

/** Resolves an open or acknowledged alert; the note (what was done) is required. */
export async function resolveAlert(actor: Actor, id: string, note: string, now = new Date()) {
  const text = note.trim()
  if (!text) throw new MonitoringError('monitoring:errors.note_required')
  return db.transaction(async (tx) => {
    const alert = await lockScopedAlert(tx, actor, id)
    if (alert.state === 'resolved') throw new MonitoringError('monitoring:errors.already_resolved', {}, 409)
    await tx
      .update(alerts)
      .set({
        state: 'resolved',
        resolvedAt: now,
        resolvedById: actor.id,
        resolutionNote: text,
        ...(alert.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }),
      })
      .where(eq(alerts.id, id))
    await recordAudit(tx, { actor: { id: actor.id }, action: 'alert.resolve', entityType: 'alert', entityId: id, before: { state: alert.state }, after: { state: 'resolved' } })
  })
}

// ---------------------------------------------------------------------------------------------
// Reviews (复核)

/** Reviews become visible in the queue this many days before they are due. */
export const REVIEW_LEAD_DAYS = 14

/**
 * Fills caseworkers' review queues: one task per household whose next review (A quarterly,
 * B half-yearly, C yearly — kept on households.nextReviewOn) is due within the lead time.
 * Set-based and idempotent (one task per household and due date).
 */
export async function computeReviews(now = new Date()) {
  const horizon = new Date(now.getTime() + REVIEW_LEAD_DAYS * 86_400_000).toISOString().slice(0, 10)
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(reviewTasks)
      .select(
        tx
          .select({
            id: sql<string>`gen_random_uuid()`.as('id'),
            householdId: households.id,
            caseworkerId: households.caseworkerId,
            dueOn: households.nextReviewOn,
            doneAt: sql<Date | null>`null::timestamptz`.as('done_at'),
            doneById: sql<string | null>`null::uuid`.as('done_by_id'),
            createdAt: sql<Date>`now()`.as('created_at'),
          })
          .from(households)
          .where(lte(households.nextReviewOn, horizon)),
      )
      .onConflictDoNothing()
      .returning({ id: reviewTasks.id })
    // A household handed to another caseworker takes its pending review along.
    await tx.execute(sql`update ${reviewTasks} set caseworker_id = h.caseworker_id from ${households} h
      where h.id = ${reviewTasks.householdId} and ${reviewTasks.doneAt} is null and ${reviewTasks.caseworkerId} is distinct from h.caseworker_id`)
    return { created: inserted.length }
  })
}

/** Pending reviews for households in the caseworker's regions; overdue ones flagged. */
export async function listReviews(actor: Actor, today = new Date().toISOString().slice(0, 10)) {
  const prefixes = await caseworkerPrefixes(db, actor.id)
  const rows = await db
    .select({
      id: reviewTasks.id,
      householdId: reviewTasks.householdId,
      dueOn: reviewTasks.dueOn,
      regionCode: households.regionCode,
      address: households.address,
      riskTier: households.riskTier,
    })
    .from(reviewTasks)
    .innerJoin(households, eq(households.id, reviewTasks.householdId))
    .where(and(regionScope(prefixes), isNull(reviewTasks.doneAt)))
    .orderBy(asc(reviewTasks.dueOn), asc(households.riskTier))
  return rows.map((r) => ({ ...r, overdue: r.dueOn < today }))
}

/** Marks a review done and moves the household's next review one tier period on. */
export async function completeReview(actor: Actor, reviewId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ task: reviewTasks, regionCode: households.regionCode })
      .from(reviewTasks)
      .innerJoin(households, eq(households.id, reviewTasks.householdId))
      .where(eq(reviewTasks.id, reviewId))
      .for('update', { of: reviewTasks })
    const prefixes = await caseworkerPrefixes(tx, actor.id)
    if (!row || !prefixes.some((p) => row.regionCode.startsWith(p))) throw new MonitoringError('monitoring:errors.review_not_found', {}, 404)
    if (row.task.doneAt) throw new MonitoringError('monitoring:errors.review_done', {}, 409)
    await tx.update(reviewTasks).set({ doneAt: now, doneById: actor.id }).where(eq(reviewTasks.id, reviewId))
    return advanceReview(tx, actor, row.task.householdId, now)
  })
}
