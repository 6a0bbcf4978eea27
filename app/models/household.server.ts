// Households (一户一档): caseworkers keep files for their regions, residents see and correct
// their own and decide on consent. Every change is versioned and audited in the same transaction.
import { isDeepStrictEqual } from 'node:util'
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { and, asc, desc, eq, inArray, like, notInArray, or, sql, type SQL } from 'drizzle-orm'
import type { Executor, Transaction } from '@db/client'
import { m as message } from '@db/schema/messages'
import {
  caseworkerRegions,
  householdInvitations,
  householdMembers,
  householdNeeds,
  households,
  householdVersions,
  matches,
  memberSkills,
  minimumLivingStandards,
  regions,
  reviewTasks,
  skills,
  users,
  type HouseholdInput,
} from '@db/schema'
import { enqueueScoreHousehold } from '@workers/queues/matching'
import { enqueueEvaluateHousehold } from '@workers/queues/monitoring'
import { db } from '~/utils/db.server'
import { groupBy } from '~/utils/group-by'
import { encryptNationalId, hashNationalId, maskNationalId, nationalIdProblem, normalizeNationalId } from '~/utils/national-id.server'
import { recordAudit, recordAudits } from './audit.server'
import { listVillagesUnder } from './region.server'
import { assessRisk, nextReviewDate, standardFor } from './risk.server'

/** A refusal the user can act on; `key` is a catalog key (households:errors.*). */
export class HouseholdError extends Error {
  /** Which input of a bulk write (insertHouseholds) was refused, so an import can name its line. */
  row?: number
  /** The form field the refusal concerns (e.g. `members.1.idNumber`), when it is one member's field. */
  field?: string
  constructor(
    public key: string,
    public params: Record<string, string | number> = {},
    public status = 400,
  ) {
    super(key)
  }

  /** The refusal as the household form shows it: under the field it concerns (a member's ID number, the region), else above the form. */
  formErrors(): Record<string, string[]> {
    const field = this.field ?? (this.key.includes('region') || this.key.endsWith('no_standard') ? 'regionCode' : 'form')
    return { [field]: [Object.keys(this.params).length ? message(this.key, this.params) : this.key] }
  }
}

/** A refusal about the member at `index` of the input (numbered from 1 in the message), shown under its `field`. */
function memberError(key: string, index: number, field?: string) {
  const error = new HouseholdError(key, { member: index + 1 })
  if (field) error.field = `members.${index}.${field}`
  return error
}

/** A refusal while preparing one input of a bulk write, marked with the input's index. */
function refusedAt(row: number, error: unknown) {
  if (error instanceof HouseholdError) error.row = row
  return error
}

export type Actor = { id: string; role: string }

export const INVITATION_TTL_DAYS = 14

export async function caseworkerPrefixes(executor: Executor, userId: string): Promise<string[]> {
  const rows = await executor.select({ code: caseworkerRegions.regionCode }).from(caseworkerRegions).where(eq(caseworkerRegions.userId, userId))
  return rows.map((r) => r.code)
}

function inPrefixes(code: string, prefixes: string[]) {
  return prefixes.some((p) => code.startsWith(p))
}

/** The villages a caseworker may file households in, for the form's region suggestions. */
export async function caseworkerVillageChoices(userId: string) {
  return listVillagesUnder(await caseworkerPrefixes(db, userId))
}

export async function assignCaseworkerRegion(executor: Executor, userId: string, regionCode: string) {
  await executor.insert(caseworkerRegions).values({ userId, regionCode }).onConflictDoNothing()
}

/** The whole file: household row, members with skills, needs. */
export async function loadHouseholdFile(executor: Executor, id: string) {
  return (await loadHouseholdFiles(executor, [id])).get(id)
}

/** Many whole files in four statements (the import's version snapshots), by id. */
export async function loadHouseholdFiles(executor: Executor, ids: string[]) {
  const rows = ids.length ? await executor.select().from(households).where(inArray(households.id, ids)) : []
  const found = rows.map((r) => r.id)
  const [members, needs] = found.length
    ? await Promise.all([
        executor.select().from(householdMembers).where(inArray(householdMembers.householdId, found)).orderBy(desc(householdMembers.isHead), asc(householdMembers.birthDate), asc(householdMembers.id)),
        executor.select().from(householdNeeds).where(inArray(householdNeeds.householdId, found)).orderBy(asc(householdNeeds.priority)),
      ])
    : [[], []]
  const skillRows = members.length ? await executor.select().from(memberSkills).where(inArray(memberSkills.memberId, members.map((m) => m.id))) : []
  const skillsOf = groupBy(skillRows, (s) => s.memberId)
  const membersOf = groupBy(members, (m) => m.householdId)
  const needsOf = groupBy(needs, (n) => n.householdId)
  return new Map(
    rows.map((household) => [
      household.id,
      {
        ...household,
        members: (membersOf.get(household.id) ?? []).map((m) => ({ ...m, skills: (skillsOf.get(m.id) ?? []).map((s) => ({ code: s.skillCode, level: s.level })) })),
        needs: needsOf.get(household.id) ?? [],
      },
    ]),
  )
}
export type HouseholdFile = NonNullable<Awaited<ReturnType<typeof loadHouseholdFile>>>

/** Skill names or synonyms (电焊, 焊工, welding) → taxonomy codes. */
export async function resolveSkillCodes(executor: Executor, names: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(names.map((n) => n.trim()).filter(Boolean))]
  if (wanted.length === 0) return new Map()
  const rows = await executor
    .select({ code: skills.code, nameZh: skills.nameZh, nameEn: skills.nameEn, synonyms: skills.synonyms })
    .from(skills)
    .where(or(inArray(skills.code, wanted), inArray(skills.nameZh, wanted), sql`${skills.synonyms} && ${sql.param(wanted)}::text[]`))
  const out = new Map<string, string>()
  for (const name of wanted) {
    const hit = rows.find((r) => r.code === name || r.nameZh === name || r.nameEn.toLowerCase() === name.toLowerCase() || r.synonyms.includes(name))
    if (hit) out.set(name, hit.code)
  }
  return out
}

async function standardForRegion(executor: Executor, regionCode: string) {
  const prefixes = [2, 4, 6, 9, 12].filter((n) => n <= regionCode.length).map((n) => regionCode.slice(0, n))
  const rows = await executor
    .select({ regionCode: minimumLivingStandards.regionCode, monthlyYuan: minimumLivingStandards.monthlyYuan })
    .from(minimumLivingStandards)
    .where(and(inArray(minimumLivingStandards.regionCode, prefixes), sql`${minimumLivingStandards.effectiveFrom} <= current_date`))
    .orderBy(asc(minimumLivingStandards.effectiveFrom))
  // Later rows win for the same region (effective dates ascending).
  const latest = new Map(rows.map((r) => [r.regionCode, r]))
  return standardFor(regionCode, [...latest.values()])
}

function riskOf(input: HouseholdInput, standard: string) {
  return assessRisk({
    memberCount: input.members.length,
    incomePerCapitaMonthly: input.incomePerCapitaMonthly,
    medicalMonthly: input.medicalMonthly,
    schoolingMonthly: input.schoolingMonthly,
    housingMonthly: input.housingMonthly,
    careMonthly: input.careMonthly,
    debtYuan: input.debtYuan,
    seriousIllness: input.seriousIllness || input.members.some((m) => m.health === 'serious_illness'),
    disasterAffected: input.disasterAffected,
    singleParent: input.singleParent,
    leftBehindChild: input.leftBehindChild,
    leftBehindElderly: input.leftBehindElderly,
    recentJobLoss: input.recentJobLoss,
    disabilityGrades: input.members.flatMap((m) => (m.disabilityGrade ? [m.disabilityGrade] : [])),
    minimumLivingStandard: standard,
  })
}

async function validateRegion(executor: Executor, regionCode: string) {
  const [region] = await executor.select({ level: regions.level }).from(regions).where(eq(regions.code, regionCode))
  if (!region || region.level !== 'village') throw new HouseholdError('households:errors.region_not_village')
  const standard = await standardForRegion(executor, regionCode)
  if (!standard) throw new HouseholdError('households:errors.no_standard')
  return standard
}

function householdColumns(input: HouseholdInput) {
  return {
    regionCode: input.regionCode,
    address: input.address,
    incomePerCapitaMonthly: input.incomePerCapitaMonthly,
    incomeSources: input.incomeSources,
    housingType: input.housingType,
    landMu: input.landMu,
    vehicleCount: input.vehicleCount,
    savingsBand: input.savingsBand,
    medicalMonthly: input.medicalMonthly,
    schoolingMonthly: input.schoolingMonthly,
    housingMonthly: input.housingMonthly,
    careMonthly: input.careMonthly,
    seriousIllness: input.seriousIllness,
    singleParent: input.singleParent,
    leftBehindChild: input.leftBehindChild,
    leftBehindElderly: input.leftBehindElderly,
    disasterAffected: input.disasterAffected,
    recentJobLoss: input.recentJobLoss,
    debtYuan: input.debtYuan,
  }
}

type MemberIdentity = { idHash: string | null; idSealed: string | null; idMasked: string | null }
const noIdentity: MemberIdentity = { idHash: null, idSealed: null, idMasked: null }

/** Which stored member an input member is (`existing`), or the id a new one gets; its identity columns; whether its ID number was entered in this input. */
type MemberPlan = { id: string; existing: boolean; identity: MemberIdentity; entered: boolean }

/** A newly entered ID number, validated (format, birth date, check digit) and kept only hashed, sealed and masked. */
function enteredIdentity(idNumber: string, index: number): MemberIdentity {
  const problem = nationalIdProblem(idNumber)
  if (problem) throw memberError(`households:errors.id_${problem}`, index, 'idNumber')
  const id = normalizeNationalId(idNumber)
  return { idHash: hashNationalId(id), idSealed: encryptNationalId(id), idMasked: maskNationalId(id) }
}

/**
 * Which stored member each input member is. A member carried by id (the form's hidden `members.N.id`) is
 * that member, updated in place, so applications, matches and feed records keep pointing at them; the id
 * must be one of this household's members (a new file has none), else the save is refused. A row without
 * an id is new, unless it has exactly the name and birth date of a stored member no other row claims (a
 * form opened before member ids were carried): then it is that member. An ID number left blank keeps the
 * identity on file of the member the row is — by member, so correcting a typo in the name keeps it (forms
 * only ever show the mask). Refuses an entered number given to two members of the file.
 */
function planMembers(input: HouseholdInput, previous: HouseholdFile['members']): MemberPlan[] {
  const stored = new Map(previous.map((p) => [p.id, p]))
  const claimed = new Set<string>()
  for (const [i, m] of input.members.entries()) {
    if (m.id === undefined) continue
    if (!stored.has(m.id) || claimed.has(m.id)) throw memberError('households:errors.member_not_on_file', i)
    claimed.add(m.id)
  }
  const plans = input.members.map((m, i): MemberPlan => {
    let prior = m.id === undefined ? undefined : stored.get(m.id)
    if (m.id === undefined) {
      prior = previous.find((p) => !claimed.has(p.id) && p.fullName === m.fullName.trim() && p.birthDate === m.birthDate)
      if (prior) claimed.add(prior.id)
    }
    const identity = m.idNumber ? enteredIdentity(m.idNumber, i) : prior ? { idHash: prior.idHash, idSealed: prior.idSealed, idMasked: prior.idMasked } : noIdentity
    return { id: prior?.id ?? randomUUID(), existing: Boolean(prior), identity, entered: Boolean(m.idNumber) }
  })
  for (const [i, plan] of plans.entries()) {
    if (plan.entered && plans.some((other, j) => j !== i && other.identity.idHash === plan.identity.idHash)) throw memberError('households:errors.id_repeated', i, 'idNumber')
  }
  return plans
}

/**
 * Advisory lock taken by every write that enters ID numbers, until its transaction ends: two saves (or an
 * import) entering the same number cannot both pass the check. One lock, not one per number: an import
 * enters up to 20,000 numbers in one transaction, more than the server's lock table holds; saves that
 * enter a number are rare, so they can take turns.
 */
const ID_NUMBER_LOCK = sql`select pg_advisory_xact_lock(hashtext('household-member-id-numbers'))`

/**
 * Refuses an ID number entered for a member when a member of another household has it already (the CSV
 * import's check, for every write), or another file of the same call does; the refusal names the file
 * (`row`, its index in `files`) and the member. Checked under ID_NUMBER_LOCK.
 */
async function refuseTakenIds(tx: Transaction, files: Array<{ householdId: string; plans: MemberPlan[] }>) {
  const entered = files.flatMap((f, row) => f.plans.flatMap((p, index) => (p.entered ? [{ row, index, hash: p.identity.idHash!, householdId: f.householdId }] : [])))
  if (!entered.length) return
  const firstRow = new Map<string, number>()
  for (const e of entered) {
    const seen = firstRow.get(e.hash)
    if (seen !== undefined && seen !== e.row) throw refusedAt(e.row, memberError('households:errors.id_taken', e.index, 'idNumber'))
    firstRow.set(e.hash, e.row)
  }
  const hashes = [...firstRow.keys()]
  await tx.execute(ID_NUMBER_LOCK)
  const holders = await tx.select({ idHash: householdMembers.idHash, householdId: householdMembers.householdId }).from(householdMembers).where(inArray(householdMembers.idHash, hashes))
  for (const e of entered) {
    if (holders.some((h) => h.idHash === e.hash && h.householdId !== e.householdId)) throw refusedAt(e.row, memberError('households:errors.id_taken', e.index, 'idNumber'))
  }
}

/** Every skill name the input's members list, for resolveSkillCodes. */
function skillNamesOf(input: HouseholdInput) {
  return input.members.flatMap((m) => m.skills.map((s) => s.code))
}

function requireKnownSkills(input: HouseholdInput, codes: Map<string, string>) {
  const unknown = skillNamesOf(input).find((n) => !codes.has(n.trim()))
  if (unknown) throw new HouseholdError('households:errors.unknown_skill', { skill: unknown })
}

type FileRows = {
  members: Array<typeof householdMembers.$inferInsert>
  skills: Array<typeof memberSkills.$inferInsert>
  needs: Array<typeof householdNeeds.$inferInsert>
}

/**
 * The member, skill and need rows of one file's input, with the member ids of `plans` (made there for new
 * members, so every member and every skill of many files goes in one statement each). A need kept from
 * before keeps when it was first recorded (`recordedAt`).
 */
function fileRows(householdId: string, input: HouseholdInput, plans: MemberPlan[], codes: Map<string, string>, recordedAt: Map<string, Date>, now: Date): FileRows {
  const rows: FileRows = { members: [], skills: [], needs: [] }
  for (const [i, m] of input.members.entries()) {
    const { skills: memberSkillList, idNumber: _plain, id: _carried, ...columns } = m
    const { id, identity } = plans[i]!
    rows.members.push({ ...columns, ...identity, id, householdId, disabilityType: m.disabilityType ?? null, disabilityGrade: m.disabilityGrade ?? null })
    const bySkill = new Map(memberSkillList.map((s) => [codes.get(s.code.trim())!, s.level]))
    for (const [skillCode, level] of bySkill) rows.skills.push({ memberId: id, skillCode, level })
  }
  const byCategory = new Map(input.needs.map((n) => [n.category, n]))
  for (const n of byCategory.values()) rows.needs.push({ ...n, householdId, createdAt: recordedAt.get(n.category) ?? now })
  return rows
}

async function insertFileRows(tx: Transaction, files: FileRows[]) {
  const members = files.flatMap((f) => f.members)
  const skillRows = files.flatMap((f) => f.skills)
  const needs = files.flatMap((f) => f.needs)
  if (members.length) await tx.insert(householdMembers).values(members)
  if (skillRows.length) await tx.insert(memberSkills).values(skillRows)
  if (needs.length) await tx.insert(householdNeeds).values(needs)
}

/**
 * Writes an edited file's members and needs as `plans` says: stored members are updated in place (same id,
 * so applications, matches and feed records still find them), new ones inserted, members no longer on the
 * file deleted (their matches go with them; their applications stay the household's). Skills and needs are
 * rewritten.
 */
async function writeMembersAndNeeds(tx: Transaction, householdId: string, input: HouseholdInput, plans: MemberPlan[], codes: Map<string, string>) {
  const recordedAt = new Map(
    (await tx.delete(householdNeeds).where(eq(householdNeeds.householdId, householdId)).returning({ category: householdNeeds.category, createdAt: householdNeeds.createdAt })).map((n) => [
      n.category,
      n.createdAt,
    ]),
  )
  const rows = fileRows(householdId, input, plans, codes, recordedAt, new Date())
  const kept = plans.filter((p) => p.existing).map((p) => p.id)
  await tx.delete(householdMembers).where(and(eq(householdMembers.householdId, householdId), kept.length ? notInArray(householdMembers.id, kept) : undefined))
  if (kept.length) await tx.delete(memberSkills).where(inArray(memberSkills.memberId, kept))
  for (const [i, row] of rows.members.entries()) {
    if (!plans[i]!.existing) continue
    const { id, householdId: _h, ...columns } = row
    await tx
      .update(householdMembers)
      .set(columns)
      .where(and(eq(householdMembers.id, id!), eq(householdMembers.householdId, householdId)))
  }
  await insertFileRows(tx, [{ ...rows, members: rows.members.filter((_, i) => !plans[i]!.existing) }])
}

/**
 * The next review when a save gives the file tier `tier`: the date on file while the tier stays; on a change,
 * the earlier of the date on file and one period of the new tier from `now`. Escalating never postpones a review that was due sooner, and a tier going down and
 * back up does not push it out. A pending review task due later moves to the new date (the unique task
 * per household and due date then stops the review queue from adding a second one).
 */
async function reviewAfterTierChange(tx: Transaction, householdId: string, before: { riskTier: string; nextReviewOn: string }, tier: Parameters<typeof nextReviewDate>[0], now: Date) {
  const current = before.nextReviewOn
  if (tier === before.riskTier) return current
  const candidate = nextReviewDate(tier, now)
  if (candidate >= current) return current
  await tx.execute(sql`update ${reviewTasks} set due_on = ${candidate}
    where ${reviewTasks.id} = (select t.id from ${reviewTasks} t where t.household_id = ${householdId} and t.done_at is null and t.due_on > ${candidate} order by t.due_on limit 1)
      and not exists (select 1 from ${reviewTasks} t where t.household_id = ${householdId} and t.due_on = ${candidate})`)
  return candidate
}

/** A comparable, JSON-safe view of a file (what versions store and diffs compare). */
function snapshotOf(file: HouseholdFile) {
  const { createdAt: _c, updatedAt: _u, members, ...rest } = file
  return {
    ...rest,
    members: members.map(({ createdAt: _mc, updatedAt: _mu, id: _id, householdId: _h, idSealed: _s, ...m }) => m),
    needs: file.needs.map(({ householdId: _h, createdAt: _nc, ...n }) => n),
  }
}

function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown>) {
  const ignore = new Set(['version', 'riskReasons', 'nextReviewOn', 'updatedAt'])
  return Object.keys(after).filter((k) => !ignore.has(k) && JSON.stringify(before?.[k]) !== JSON.stringify(after[k]))
}

async function recordVersion(tx: Transaction, id: string, actorId: string | { system: string }, before: ReturnType<typeof snapshotOf> | null, action: string) {
  const file = (await loadHouseholdFile(tx, id))!
  await recordVersions(tx, [{ file, before }], actorId, action)
  return file
}

/**
 * The version row and audit entry of each saved file (two statements however many files). The audit
 * entry holds before/after of the changed fields only. Sealed ID numbers never leave the members table
 * (snapshotOf drops them), so the log holds no more personal data than the version history.
 */
async function recordVersions(tx: Transaction, saved: Array<{ file: HouseholdFile; before: ReturnType<typeof snapshotOf> | null }>, actorId: string | { system: string }, action: string) {
  const system = typeof actorId === 'string' ? null : actorId.system
  const entries = saved.map(({ file, before }) => {
    const after = snapshotOf(file)
    const fields = changedFields(before, after)
    const pick = (snapshot: Record<string, unknown> | null) => (snapshot ? Object.fromEntries(fields.map((f) => [f, snapshot[f] ?? null])) : null)
    return {
      version: { householdId: file.id, version: file.version, snapshot: after, changedFields: fields, changedById: system ? null : (actorId as string), changedByLabel: system },
      audit: {
        actor: system ? { system } : { id: actorId as string },
        action,
        entityType: 'household',
        entityId: file.id,
        before: before ? { version: before.version, ...pick(before) } : null,
        after: { version: file.version, changedFields: fields, ...pick(after) },
      },
    }
  })
  if (!entries.length) return
  await tx.insert(householdVersions).values(entries.map((e) => e.version))
  await recordAudits(tx, entries.map((e) => e.audit))
}

/**
 * A system source (a department feed) changes a file inside the caller's transaction:
 * lock, apply `change` (household columns and/or member updates), recompute the risk tier,
 * bump the version with `author` (e.g. `feed:medical_insurance`) as its author, audit.
 * The caller enqueues rescoring after commit with the returned version.
 */
export async function applySystemChange(
  tx: Transaction,
  householdId: string,
  author: string,
  action: string,
  change: (file: HouseholdFile) => Promise<Partial<typeof households.$inferInsert> | void>,
) {
  await tx.execute(sql`select 1 from ${households} where ${households.id} = ${householdId} for update`)
  const before = await loadHouseholdFile(tx, householdId)
  if (!before) throw new HouseholdError('households:errors.not_found', {}, 404)
  const columns = (await change(before)) ?? {}
  const mid = (await loadHouseholdFile(tx, householdId))!
  const merged = { ...mid, ...columns }
  const standard = await validateRegion(tx, merged.regionCode)
  const risk = riskOf({ ...merged, members: mid.members } as unknown as HouseholdInput, standard)
  await tx
    .update(households)
    .set({
      ...columns,
      riskTier: risk.tier,
      riskReasons: risk.reasons,
      nextReviewOn: await reviewAfterTierChange(tx, householdId, before, risk.tier, new Date()),
      version: before.version + 1,
    })
    .where(eq(households.id, householdId))
  return recordVersion(tx, householdId, { system: author }, snapshotOf(before), action)
}

/** Caseworker records a new household in one of their regions. */
export async function createHousehold(actor: Actor, input: HouseholdInput) {
  const [file] = await db.transaction((tx) => insertHouseholds(tx, actor, [input]))
  await enqueueScoreHousehold(file!.id, file!.version)
  await enqueueEvaluateHousehold(file!.id, file!.version)
  return file!
}

/**
 * New files inside the caller's transaction — one for the form (createHousehold), a hundred at a time
 * for a CSV import: row, members, skills, needs, version 1 and audit entry each, in a few statements per
 * call whatever the count. Keep calls to a few hundred files (one statement's parameters). A refusal is
 * a HouseholdError whose `row` is the index of the refused input. The caller enqueues scoring and
 * evaluation after commit; pass `prefixes` to skip looking up the caseworker's regions again.
 */
export async function insertHouseholds(tx: Transaction, actor: Actor, inputs: HouseholdInput[], prefixes?: string[]) {
  if (!inputs.length) return []
  prefixes ??= await caseworkerPrefixes(tx, actor.id)
  const standards = new Map<string, string>()
  const codes = await resolveSkillCodes(tx, inputs.flatMap(skillNamesOf))
  const now = new Date()
  const rows: Array<typeof households.$inferInsert> = []
  const related: FileRows[] = []
  const members: Array<{ householdId: string; plans: MemberPlan[] }> = []
  for (const [row, input] of inputs.entries()) {
    try {
      if (!inPrefixes(input.regionCode, prefixes)) throw new HouseholdError('households:errors.region_not_assigned', {}, 403)
      let standard = standards.get(input.regionCode)
      if (standard === undefined) {
        standard = await validateRegion(tx, input.regionCode)
        standards.set(input.regionCode, standard)
      }
      // A new file has no members yet: an input member carrying an id is refused.
      const plans = planMembers(input, [])
      requireKnownSkills(input, codes)
      const risk = riskOf(input, standard)
      const id = randomUUID()
      rows.push({ ...householdColumns(input), id, caseworkerId: actor.id, riskTier: risk.tier, riskReasons: risk.reasons, nextReviewOn: nextReviewDate(risk.tier, now) })
      related.push(fileRows(id, input, plans, codes, new Map(), now))
      members.push({ householdId: id, plans })
    } catch (error) {
      throw refusedAt(row, error)
    }
  }
  await refuseTakenIds(tx, members)
  await tx.insert(households).values(rows)
  await insertFileRows(tx, related)
  const files = await loadHouseholdFiles(tx, rows.map((r) => r.id!))
  const created = rows.map((r) => files.get(r.id!)!)
  await recordVersions(tx, created.map((file) => ({ file, before: null })), actor.id, 'household.create')
  return created
}

/** Loads a file the actor may edit: a caseworker's region, or the resident's own household. */
async function loadEditable(tx: Executor, actor: Actor, id: string) {
  const file = await loadHouseholdFile(tx, id)
  if (!file) throw new HouseholdError('households:errors.not_found', {}, 404)
  if (actor.role === 'caseworker') {
    if (!inPrefixes(file.regionCode, await caseworkerPrefixes(tx, actor.id))) throw new HouseholdError('households:errors.not_found', {}, 404)
  } else if (file.residentUserId !== actor.id) throw new HouseholdError('households:errors.not_found', {}, 404)
  return file
}

/** Whether the actor may edit this file at all (checked before a form is read, so outsiders get a 404, not form errors). */
export async function mayEditHousehold(actor: Actor, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false
  try {
    await loadEditable(db, actor, id)
    return true
  } catch (error) {
    if (error instanceof HouseholdError) return false
    throw error
  }
}

/**
 * Saves an edited file (caseworker in their regions, or the resident correcting their own).
 * `expectedVersion` guards against overwriting someone else's concurrent edit.
 */
export async function updateHousehold(actor: Actor, id: string, input: HouseholdInput, expectedVersion?: number) {
  const file = await db.transaction(async (tx) => {
    await tx.execute(sql`select 1 from ${households} where ${households.id} = ${id} for update`)
    const before = await loadEditable(tx, actor, id)
    if (expectedVersion !== undefined && expectedVersion !== before.version) throw new HouseholdError('households:errors.stale_version', {}, 409)
    if (actor.role === 'caseworker' && !inPrefixes(input.regionCode, await caseworkerPrefixes(tx, actor.id)))
      throw new HouseholdError('households:errors.region_not_assigned', {}, 403)
    // A resident may correct the file but not move it out of their caseworker's region.
    if (actor.role !== 'caseworker' && input.regionCode !== before.regionCode) throw new HouseholdError('households:errors.region_not_assigned', {}, 403)
    const standard = await validateRegion(tx, input.regionCode)
    // Every refusal comes before the first write.
    const plans = planMembers(input, before.members)
    const codes = await resolveSkillCodes(tx, skillNamesOf(input))
    requireKnownSkills(input, codes)
    await refuseTakenIds(tx, [{ householdId: id, plans }])
    const risk = riskOf(input, standard)
    await tx
      .update(households)
      .set({
        ...householdColumns(input),
        riskTier: risk.tier,
        riskReasons: risk.reasons,
        nextReviewOn: await reviewAfterTierChange(tx, id, before, risk.tier, new Date()),
        version: before.version + 1,
      })
      .where(eq(households.id, id))
    await writeMembersAndNeeds(tx, id, input, plans, codes)
    return recordVersion(tx, id, actor.id, snapshotOf(before), actor.role === 'caseworker' ? 'household.update' : 'household.correct')
  })
  await enqueueScoreHousehold(file.id, file.version)
  await enqueueEvaluateHousehold(file.id, file.version)
  return file
}

/** The resident gives or withdraws consent; withdrawing removes every match at once. */
export async function setConsent(actor: Actor, given: boolean) {
  const file = await db.transaction(async (tx) => {
    const [own] = await tx.select().from(households).where(eq(households.residentUserId, actor.id)).for('update')
    if (!own) throw new HouseholdError('households:errors.not_found', {}, 404)
    const before = snapshotOf((await loadHouseholdFile(tx, own.id))!)
    if (own.consentGiven === given) return undefined
    await tx.update(households).set({ consentGiven: given, consentChangedAt: new Date(), version: own.version + 1 }).where(eq(households.id, own.id))
    if (!given) await tx.delete(matches).where(eq(matches.householdId, own.id))
    return recordVersion(tx, own.id, actor.id, before, given ? 'household.consent_give' : 'household.consent_withdraw')
  })
  if (file) {
    await enqueueScoreHousehold(file.id, file.version)
    await enqueueEvaluateHousehold(file.id, file.version)
  }
  return file
}

function hashCode(code: string) {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex')
}

// No 0/O/1/I: codes are read out loud and typed on phones.
const codeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Caseworker issues a one-time invitation code for a household in their regions. Returns the plain code once. */
export async function createInvitation(actor: Actor, householdId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const file = await loadEditable(tx, actor, householdId)
    if (file.residentUserId) throw new HouseholdError('households:errors.household_linked', {}, 409)
    const bytes = randomBytes(10)
    const code = [...bytes].map((b) => codeAlphabet[b % codeAlphabet.length]).join('')
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 86_400_000)
    const [row] = await tx.insert(householdInvitations).values({ householdId, codeHash: hashCode(code), expiresAt, createdById: actor.id }).returning({ id: householdInvitations.id })
    await recordAudit(tx, { actor: { id: actor.id }, action: 'household.invitation_create', entityType: 'household', entityId: householdId, after: { invitationId: row!.id, expiresAt } })
    return { code, expiresAt }
  })
}

/** A resident links their account to a household with a code: unknown, expired or used codes fail clearly. */
export async function redeemInvitation(actor: Actor, code: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const [invitation] = await tx.select().from(householdInvitations).where(eq(householdInvitations.codeHash, hashCode(code))).for('update')
    if (!invitation) throw new HouseholdError('households:errors.code_invalid')
    if (invitation.usedAt) throw new HouseholdError('households:errors.code_used')
    if (invitation.expiresAt <= now) throw new HouseholdError('households:errors.code_expired')
    const [already] = await tx.select({ id: households.id }).from(households).where(eq(households.residentUserId, actor.id))
    if (already) throw new HouseholdError('households:errors.already_linked', {}, 409)
    const [household] = await tx.select().from(households).where(eq(households.id, invitation.householdId)).for('update')
    if (!household || household.residentUserId) throw new HouseholdError('households:errors.household_linked', {}, 409)
    await tx.update(householdInvitations).set({ usedAt: now, usedById: actor.id }).where(eq(householdInvitations.id, invitation.id))
    const before = snapshotOf((await loadHouseholdFile(tx, household.id))!)
    await tx.update(households).set({ residentUserId: actor.id, version: household.version + 1 }).where(eq(households.id, household.id))
    await recordVersion(tx, household.id, actor.id, before, 'household.link_resident')
    return { householdId: household.id }
  })
}

/** A file as pages see it: identity only masked (no hash, no sealed copy leaves the server). */
function forDisplay(file: HouseholdFile) {
  return { ...file, members: file.members.map(({ idHash: _h, idSealed: _s, ...m }) => m) }
}

/** The resident's own file (or undefined when the account is not linked yet). */
export async function getOwnHousehold(userId: string) {
  const [row] = await db.select({ id: households.id }).from(households).where(eq(households.residentUserId, userId))
  const file = row ? await loadHouseholdFile(db, row.id) : undefined
  return file ? forDisplay(file) : undefined
}

/** Staff opening a full profile: scoped to the caseworker's regions and audited. */
export async function viewHouseholdAsStaff(actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const file = await loadEditable(tx, actor, id)
    await recordAudit(tx, { actor: { id: actor.id }, action: 'household.view_full', entityType: 'household', entityId: id })
    return forDisplay(file)
  })
}

/** Households in the caseworker's regions, highest risk and nearest review first. */
export async function listCaseworkerHouseholds(caseworkerId: string, options: { limit?: number; offset?: number } = {}) {
  const prefixes = await caseworkerPrefixes(db, caseworkerId)
  if (prefixes.length === 0) return []
  const where: SQL = or(...prefixes.map((p) => like(households.regionCode, `${p}%`)))!
  return db
    .select({
      id: households.id,
      regionCode: households.regionCode,
      riskTier: households.riskTier,
      nextReviewOn: households.nextReviewOn,
      consentGiven: households.consentGiven,
      version: households.version,
      headName: sql<string>`(select full_name from household_members m where m.household_id = "households"."id" order by is_head desc, birth_date limit 1)`,
      matchCount: sql<number>`(select count(*)::int from matches x where x.household_id = "households"."id" and jsonb_array_length(x.blockers) = 0)`,
      applicationCount: sql<number>`(select count(*)::int from applications a where a.household_id = "households"."id")`,
    })
    .from(households)
    .where(where)
    .orderBy(asc(households.riskTier), asc(households.nextReviewOn))
    .limit(Math.min(options.limit ?? 100, 500))
    .offset(options.offset ?? 0)
}

export async function householdVersionsOf(actor: Actor, id: string) {
  await loadEditable(db, actor, id)
  return db
    .select({
      version: householdVersions.version,
      changedAt: householdVersions.changedAt,
      changedFields: householdVersions.changedFields,
      changedByName: users.displayName,
      changedByLabel: householdVersions.changedByLabel,
    })
    .from(householdVersions)
    .leftJoin(users, eq(users.id, householdVersions.changedById))
    .where(eq(householdVersions.householdId, id))
    .orderBy(desc(householdVersions.version))
}

/**
 * Re-runs the risk model on the stored file (after an early warning). Updates the tier and
 * reasons in place (no new version: the file itself did not change); a changed tier brings the
 * next review forward when the new tier's period ends sooner (reviewAfterTierChange). Returns
 * whether the tier changed.
 */
export async function reassessRisk(tx: Transaction, id: string, now = new Date()) {
  const file = await loadHouseholdFile(tx, id)
  if (!file) return undefined
  const standard = await standardForRegion(tx, file.regionCode)
  if (!standard) return { tier: file.riskTier, changed: false, version: file.version }
  const input = { ...file, members: file.members.map((m) => ({ ...m, skills: [] })), needs: [] } as unknown as HouseholdInput
  const risk = riskOf(input, standard)
  const changed = risk.tier !== file.riskTier
  // Compared as values: jsonb hands the stored reasons back with their keys reordered.
  if (changed || !isDeepStrictEqual(risk.reasons, file.riskReasons)) {
    await tx
      .update(households)
      .set({ riskTier: risk.tier, riskReasons: risk.reasons, nextReviewOn: await reviewAfterTierChange(tx, id, file, risk.tier, now) })
      .where(eq(households.id, id))
  }
  return { tier: risk.tier, changed, version: file.version }
}

/** A review (复核) was done: the next one is due one tier period from `on`. Audited. */
export async function advanceReview(tx: Transaction, actor: Actor, id: string, on = new Date()) {
  const [row] = await tx.select({ tier: households.riskTier, nextReviewOn: households.nextReviewOn }).from(households).where(eq(households.id, id)).for('update')
  if (!row) throw new HouseholdError('households:errors.not_found', {}, 404)
  const next = nextReviewDate(row.tier, on)
  await tx.update(households).set({ nextReviewOn: next }).where(eq(households.id, id))
  await recordAudit(tx, { actor: { id: actor.id }, action: 'household.review', entityType: 'household', entityId: id, before: { nextReviewOn: row.nextReviewOn }, after: { nextReviewOn: next } })
  return next
}
