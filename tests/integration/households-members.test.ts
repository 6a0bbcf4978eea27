// Members keep their ids across saves (applications, matches and feed records keep pointing at them),
// identity travels with the member, ID numbers are refused on the form when another household has them,
// and a risk-tier change never postpones a review. The edit pages are driven through their route modules
// with the form exactly as HouseholdForm renders it (hidden member ids included).
import { and, eq, isNull } from 'drizzle-orm'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { createMemoryRouter, RouterProvider } from 'react-router-dom'
import { describe, expect, it } from 'vitest'
import { applications, auditEntries, householdMembers, households, householdVersions, matches, reviewTasks } from '@db/schema'
import { HouseholdForm } from '~/components/household-form'
import { applyToListing } from '~/models/applications.server'
import { processDelivery } from '~/models/feeds/process.server'
import { receiveDelivery } from '~/models/feeds/intake.server'
import {
  applySystemChange,
  createHousehold,
  createInvitation,
  HouseholdError,
  loadHouseholdFile,
  reassessRisk,
  redeemInvitation,
  setConsent,
  updateHousehold,
} from '~/models/household.server'
import { scoreHousehold } from '~/models/matches.server'
import { nextReviewDate } from '~/models/risk.server'
import { computeReviews } from '~/models/warnings.server'
import * as caseworkerEdit from '~/routes/caseworker+/households.$householdId_.edit'
import * as caseworkerNew from '~/routes/caseworker+/households.new'
import * as residentEdit from '~/routes/me+/household_.edit'
import { logIn } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { hashNationalId } from '~/utils/national-id.server'
import zhHouseholds from '../../public/locales/zh-CN/households.json'
import enHouseholds from '../../public/locales/en/households.json'
import { householdFixture, makeCaseworker, makeHousehold } from '../factories/households'
import { makeListing } from '../factories/match-listings'
import { makeNationalId } from '../factories/national-ids'
import { makeUser } from '../factories/users'

const day = (d: Date) => d.toISOString().slice(0, 10)
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000)

// ---------------------------------------------------------------------------------------------
// The form as a browser posts it

function decode(text: string) {
  return text.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

function attributes(tag: string) {
  return Object.fromEntries([...tag.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, decode(a[2] ?? '')]))
}

/** Renders HouseholdForm with `values` (as the loader gives them) and returns the fields a browser would submit. */
function renderedForm(values: Record<string, unknown>, version?: number) {
  const router = createMemoryRouter([{ path: '/', element: createElement(HouseholdForm, { values, submitLabel: 'save', version }) }])
  const html = renderToString(createElement(RouterProvider, { router }))
  const fields: Array<[string, string]> = []
  for (const [, tag] of html.matchAll(/<input\b([^>]*)>/g)) {
    const a = attributes(tag!)
    if (!a.name) continue
    if (a.type === 'checkbox') {
      if ('checked' in a) fields.push([a.name, a.value || 'on'])
    } else fields.push([a.name, a.value ?? ''])
  }
  for (const [, tag, body] of html.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const a = attributes(tag!)
    const options = [...body!.matchAll(/<option\b([^>]*)>/g)].map((o) => attributes(o[1]!))
    const chosen = options.find((o) => 'selected' in o) ?? options[0]
    if (a.name) fields.push([a.name, chosen?.value ?? ''])
  }
  return { html, fields }
}

/** The submitted fields with some replaced (`undefined` removes a field). */
function edited(fields: Array<[string, string]>, changes: Record<string, string | undefined>) {
  const out = fields.filter(([k]) => !(k in changes))
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) out.push([k, v])
  return out
}

async function sessionCookie(userId: string) {
  const response = await logIn(new Request('http://localhost/login'), userId, '/')
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}

function request(path: string, cookie: string, fields?: Array<[string, string]>) {
  const headers = new Headers({ Cookie: cookie })
  if (!fields) return new Request(`http://localhost${path}`, { headers })
  headers.set('Content-Type', 'application/x-www-form-urlencoded')
  return new Request(`http://localhost${path}`, { method: 'POST', headers, body: new URLSearchParams(fields) })
}

/** Runs a route action; a thrown Response (redirect, 404) is returned like a returned one. */
async function run(action: () => Promise<Response>) {
  try {
    return await action()
  } catch (thrown) {
    if (thrown instanceof Response) return thrown
    throw thrown
  }
}

/** Opens the caseworker's edit page and returns what its form would post. */
async function caseworkerForm(cookie: string, householdId: string) {
  const response = await caseworkerEdit.loader({ request: request(`/caseworker/households/${householdId}/edit`, cookie), params: { householdId }, context: {} })
  const data = (await response.json()) as { values: Record<string, unknown>; version: number }
  return renderedForm(data.values, data.version)
}

async function postCaseworkerEdit(cookie: string, householdId: string, fields: Array<[string, string]>) {
  return run(() => caseworkerEdit.action({ request: request(`/caseworker/households/${householdId}/edit`, cookie, fields), params: { householdId }, context: {} }))
}

async function residentForm(cookie: string) {
  const response = await residentEdit.loader({ request: request('/me/household/edit', cookie), params: {}, context: {} })
  const data = (await response.json()) as { values: Record<string, unknown>; version: number }
  return renderedForm(data.values, data.version)
}

async function postResidentEdit(cookie: string, fields: Array<[string, string]>) {
  return run(() => residentEdit.action({ request: request('/me/household/edit', cookie, fields), params: {}, context: {} }))
}

const membersOf = (householdId: string) => db.select().from(householdMembers).where(eq(householdMembers.householdId, householdId)).orderBy(householdMembers.birthDate)

async function linkResident(caseworkerId: string, householdId: string) {
  const resident = await makeUser({ role: 'resident' })
  const { code } = await createInvitation({ id: caseworkerId, role: 'caseworker' }, householdId)
  await redeemInvitation({ id: resident.id, role: 'resident' }, code)
  return resident
}

// ---------------------------------------------------------------------------------------------

describe('members keep their ids across saves', () => {
  it('keeps the applicant and their matches when the caseworker edits only the address', async () => {
    const cw = await makeCaseworker('5226')
    const org = await makeUser({ role: 'org_member' })
    const job = await makeListing({ organizationId: org.organizationId!, regionCode: '522634', skills: [{ code: 'welding', role: 'required', level: 'beginner' }] })
    await makeListing({ organizationId: org.organizationId!, kind: 'training', regionCode: '522634' })
    // The head is retired; the son is the welder the job is for (an application without a member shows the head).
    const file = await makeHousehold(
      {
        members: [
          { fullName: '龙老汉', isHead: true, birthDate: '1950-02-01', employmentStatus: 'retired', education: 'primary', skills: [] },
          { fullName: '龙建华', isHead: false, birthDate: '1990-07-12', skills: [{ code: '电焊', level: 'intermediate' }] },
        ],
      },
      cw,
    )
    const son = file.members.find((m) => m.fullName === '龙建华')!
    const resident = await linkResident(cw.id, file.id)
    await setConsent({ id: resident.id, role: 'resident' }, true)
    await scoreHousehold(file.id)
    const [jobMatch] = await db.select().from(matches).where(and(eq(matches.householdId, file.id), eq(matches.listingId, job.id)))
    expect(jobMatch!.memberId).toBe(son.id)
    const viewedAt = new Date('2026-03-01T08:00:00Z')
    await db.update(matches).set({ viewedAt }).where(eq(matches.householdId, file.id))
    const application = await applyToListing({ id: resident.id }, job.id)
    expect(application.memberId).toBe(son.id)
    const matchesBefore = await db.select().from(matches).where(eq(matches.householdId, file.id)).orderBy(matches.id)
    expect(matchesBefore.filter((m) => m.memberId === son.id).length).toBeGreaterThan(0)
    const [{ version: versionBefore }] = (await db.select({ version: households.version }).from(households).where(eq(households.id, file.id))) as [{ version: number }]

    const cookie = await sessionCookie(cw.id)
    const { fields } = await caseworkerForm(cookie, file.id)
    // The page carries each member's id in a hidden field.
    expect(fields.filter(([k]) => /^members\.\d+\.id$/.test(k)).map(([, v]) => v).sort()).toEqual(file.members.map((m) => m.id).sort())
    const saved = await postCaseworkerEdit(cookie, file.id, edited(fields, { address: '丹江镇新搬迁安置点3栋' }))
    expect(saved.status).toBe(302)

    const after = (await loadHouseholdFile(db, file.id))!
    expect(after).toMatchObject({ address: '丹江镇新搬迁安置点3栋', version: versionBefore + 1 })
    expect(after.members.map((m) => m.id).sort()).toEqual(file.members.map((m) => m.id).sort())
    expect(after.members.find((m) => m.id === son.id)!.skills).toEqual([{ code: 'welding', level: 'intermediate' }])
    const [stillApplied] = await db.select().from(applications).where(eq(applications.id, application.id))
    expect(stillApplied!.memberId).toBe(son.id)
    // No match was deleted by the save (nor its viewed time lost) while rescoring is still queued.
    expect(await db.select().from(matches).where(eq(matches.householdId, file.id)).orderBy(matches.id)).toEqual(matchesBefore)
    const [version] = await db.select().from(householdVersions).where(and(eq(householdVersions.householdId, file.id), eq(householdVersions.version, after.version)))
    expect(version!.changedFields).toEqual(['address'])
  })

  it('updates kept members in place, adds new ones and removes the ones left out', async () => {
    const cw = await makeCaseworker('5226')
    const file = await makeHousehold(
      {
        members: [
          { fullName: '杨秀梅', isHead: true, birthDate: '1975-04-04', gender: 'female' },
          { fullName: '杨小军', isHead: false, birthDate: '2001-09-09', employmentStatus: 'unemployed', skills: [] },
        ],
      },
      cw,
    )
    const [mother, son] = [file.members.find((m) => m.fullName === '杨秀梅')!, file.members.find((m) => m.fullName === '杨小军')!]
    const cookie = await sessionCookie(cw.id)
    const { fields } = await caseworkerForm(cookie, file.id)
    const row = (id: string) => fields.find(([k, v]) => /^members\.\d+\.id$/.test(k) && v === id)![0].split('.')[1]
    const m = row(mother.id)
    const s = row(son.id)
    const blank = String(file.members.length) // the form's "new member" row
    const saved = await postCaseworkerEdit(
      cookie,
      file.id,
      edited(fields, {
        [`members.${m}.employmentStatus`]: 'employed',
        [`members.${m}.skills`]: '缝纫:高级',
        [`members.${s}.fullName`]: '', // left out: removed
        [`members.${blank}.fullName`]: '杨小妹',
        [`members.${blank}.birthDate`]: '2010-01-01',
        [`members.${blank}.gender`]: 'female',
        [`members.${blank}.education`]: 'primary',
        [`members.${blank}.employmentStatus`]: 'student',
      }),
    )
    expect(saved.status).toBe(302)
    const members = await membersOf(file.id)
    expect(members.map((x) => x.fullName)).toEqual(['杨秀梅', '杨小妹'])
    expect(members[0]).toMatchObject({ id: mother.id, employmentStatus: 'employed', createdAt: mother.createdAt })
    expect(members[1]!.id).not.toBe(son.id)
    expect(await db.select().from(householdMembers).where(eq(householdMembers.id, son.id))).toEqual([])
    expect((await loadHouseholdFile(db, file.id))!.members.find((x) => x.id === mother.id)!.skills).toEqual([{ code: 'sewing', level: 'advanced' }])
  })

  it('keeps a medical settlement counting for the member after an edit (feed records point at live members)', async () => {
    const cw = await makeCaseworker('5226')
    const idNumber = makeNationalId('522634', '19700101', 501)
    const file = await makeHousehold({ incomePerCapitaMonthly: '1000', members: [{ fullName: '张秀英', birthDate: '1970-01-01', idNumber }] }, cw)
    const deliver = async (text: string) => {
      const receipt = await receiveDelivery({ feedType: 'medical_insurance_settlement', source: 'upload', fileName: 'f.csv', format: 'csv', text })
      if (receipt.refused) throw new Error(receipt.refusal)
      await processDelivery(receipt.deliveryId)
    }
    const header = '结算单号,身份证号,结算日期,医疗总费用,个人自付'
    await deliver([header, `S-501,${idNumber},2026-09-10,2000.00,600.00`].join('\n'))
    const cookie = await sessionCookie(cw.id)
    const { fields } = await caseworkerForm(cookie, file.id)
    expect((await postCaseworkerEdit(cookie, file.id, edited(fields, { address: '新地址' }))).status).toBe(302)
    await deliver([header, `S-502,${idNumber},2026-10-20,2000.00,900.00`].join('\n'))
    // Both settlements are in the 3-month sum: (600 + 900) / 3 = 500 a month.
    const [row] = await db.select().from(households).where(eq(households.id, file.id))
    expect(row!.medicalMonthly).toBe('500.00')
  })

  it('refuses a member id that is not one of this household’s members, writing nothing', async () => {
    const cw = await makeCaseworker('5226')
    const mine = await makeHousehold({ address: '我的档案' }, cw)
    const other = await makeHousehold({ address: '别人的档案', members: [{ fullName: '陈国强', birthDate: '1980-08-08' }] }, cw)
    const cookie = await sessionCookie(cw.id)
    const { fields } = await caseworkerForm(cookie, mine.id)
    const refused = await postCaseworkerEdit(cookie, mine.id, edited(fields, { address: '改了', 'members.0.id': other.members[0]!.id }))
    expect(refused.status).toBe(400)
    const body = (await refused.json()) as { errors: Record<string, string[]>; values: { members: Array<{ id?: string }> } }
    expect(body.errors.form).toEqual(['households:errors.member_not_on_file|{"member":1}'])
    expect((await loadHouseholdFile(db, mine.id))!).toMatchObject({ address: '我的档案', version: 1 })
    expect((await loadHouseholdFile(db, other.id))!).toMatchObject({ address: '别人的档案', version: 1 })
    expect((await membersOf(other.id)).map((m) => m.id)).toEqual([other.members[0]!.id])
    // The model refuses it for every caller, a new file included.
    const actor = { id: cw.id, role: 'caseworker' }
    await expect(updateHousehold(actor, mine.id, householdFixture({ members: [{ id: other.members[0]!.id }] }))).rejects.toMatchObject({ key: 'households:errors.member_not_on_file' })
    await expect(createHousehold(actor, householdFixture({ members: [{ id: mine.members[0]!.id }] }))).rejects.toMatchObject({ key: 'households:errors.member_not_on_file' })
    expect((await membersOf(mine.id)).map((m) => m.id)).toEqual([mine.members[0]!.id])
  })
})

describe('identity on the household form', () => {
  it('keeps the stored ID number when a resident corrects a typo in the name', async () => {
    const cw = await makeCaseworker('5226')
    const idNumber = makeNationalId('522634', '19880315', 402)
    const file = await makeHousehold({ members: [{ fullName: '王光名', idNumber }] }, cw)
    const resident = await linkResident(cw.id, file.id)
    const cookie = await sessionCookie(resident.id)
    const { fields } = await residentForm(cookie)
    expect(fields.find(([k]) => k === 'members.0.idNumber')![1]).toBe('') // never echoed
    const saved = await postResidentEdit(cookie, edited(fields, { 'members.0.fullName': '王光明' }))
    expect(saved.status).toBe(302)
    const [member] = await membersOf(file.id)
    expect(member).toMatchObject({ id: file.members[0]!.id, fullName: '王光明', idHash: hashNationalId(idNumber), idMasked: file.members[0]!.idMasked, idSealed: file.members[0]!.idSealed })
    // The model carries identity by member id too (name and birth date both changed).
    await updateHousehold({ id: resident.id, role: 'resident' }, file.id, householdFixture({ members: [{ id: member!.id, fullName: '王光明', birthDate: '1988-03-16' }] }))
    expect((await membersOf(file.id))[0]).toMatchObject({ id: member!.id, idHash: hashNationalId(idNumber) })
  })

  it('refuses an ID number already on a member of another household, under that member’s field, writing nothing', async () => {
    const cw = await makeCaseworker('5226')
    const taken = makeNationalId('522634', '19750505', 403)
    const holder = await makeHousehold({ members: [{ fullName: '李富贵', birthDate: '1975-05-05', idNumber: taken }] }, cw)
    const file = await makeHousehold(
      {
        address: '原地址',
        members: [
          { fullName: '吴光辉', isHead: true, birthDate: '1980-01-01' },
          { fullName: '吴小花', isHead: false, birthDate: '2005-06-06', gender: 'female', skills: [] },
        ],
      },
      cw,
    )
    const cookie = await sessionCookie(cw.id)
    const { fields } = await caseworkerForm(cookie, file.id)
    const row = fields.find(([k, v]) => /^members\.\d+\.fullName$/.test(k) && v === '吴小花')![0].split('.')[1]
    const auditsBefore = await db.select().from(auditEntries).where(eq(auditEntries.entityId, file.id))
    const refused = await postCaseworkerEdit(cookie, file.id, edited(fields, { address: '新地址', [`members.${row}.idNumber`]: taken }))
    expect(refused.status).toBe(400)
    const body = (await refused.json()) as { errors: Record<string, string[]>; values: { members: Array<Record<string, unknown>> } }
    expect(body.errors).toEqual({ [`members.${row}.idNumber`]: [`households:errors.id_taken|{"member":${Number(row) + 1}}`] })
    // The page shown again keeps the member ids and never echoes the number.
    expect(body.values.members.map((m) => m.id).sort()).toEqual(file.members.map((m) => m.id).sort())
    expect(JSON.stringify(body)).not.toContain(taken)
    // Nothing written.
    expect((await loadHouseholdFile(db, file.id))!).toMatchObject({ address: '原地址', version: 1 })
    expect((await membersOf(file.id)).map((m) => [m.id, m.idHash])).toEqual(file.members.map((m) => [m.id, null]))
    expect(await db.select().from(auditEntries).where(eq(auditEntries.entityId, file.id))).toHaveLength(auditsBefore.length)
    expect((await membersOf(holder.id))[0]!.idHash).toBe(hashNationalId(taken))
    expect(zhHouseholds.errors.id_taken).toContain('其他家庭档案')
    expect(enHouseholds.errors.id_taken).toContain('another household')

    // The new-household form refuses it the same way; the holder may re-enter their own number.
    const filesBefore = (await db.select({ id: households.id }).from(households)).length
    const refusedNew = await run(() => caseworkerNew.action({ request: request('/caseworker/households/new', cookie, edited(fields, { 'members.0.id': undefined, 'members.1.id': undefined, 'members.0.idNumber': taken })), params: {}, context: {} }))
    expect(refusedNew.status).toBe(400)
    expect(((await refusedNew.json()) as { errors: Record<string, string[]> }).errors).toEqual({ 'members.0.idNumber': ['households:errors.id_taken|{"member":1}'] })
    expect(await db.select({ id: households.id }).from(households)).toHaveLength(filesBefore)
    const actor = { id: cw.id, role: 'caseworker' }
    const again = await updateHousehold(actor, holder.id, householdFixture({ members: [{ id: holder.members[0]!.id, fullName: '李富贵', birthDate: '1975-05-05', idNumber: taken }] }))
    expect(again.members[0]!.idHash).toBe(hashNationalId(taken))
    // …and one number for two members of the same file is refused.
    const twice = makeNationalId('522634', '19800101', 404)
    const error = await updateHousehold(actor, file.id, householdFixture({ members: [{ id: file.members[0]!.id, idNumber: twice }, { id: file.members[1]!.id, fullName: '吴小花', idNumber: twice }] })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(HouseholdError)
    expect(error).toMatchObject({ key: 'households:errors.id_repeated', field: 'members.0.idNumber' })
  })
})

describe('review dates on a tier change', () => {
  it('never postpones a due review when the tier escalates, and a resident saving A→B→A does not push it out', async () => {
    const cw = await makeCaseworker('5226')
    const actor = { id: cw.id, role: 'caseworker' }
    const calm = { incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0' }
    const file = await makeHousehold(calm, cw)
    expect(file.riskTier).toBe('C')
    const soon = day(addDays(new Date(), 10))
    await db.update(households).set({ nextReviewOn: soon }).where(eq(households.id, file.id))
    await computeReviews()
    const escalated = await updateHousehold(actor, file.id, householdFixture({ ...calm, disasterAffected: true, members: [{ id: file.members[0]!.id }] }))
    expect(escalated.riskTier).toBe('A')
    expect(escalated.nextReviewOn).toBe(soon)
    const pending = await db.select().from(reviewTasks).where(and(eq(reviewTasks.householdId, file.id), isNull(reviewTasks.doneAt)))
    expect(pending.map((t) => t.dueOn)).toEqual([soon])

    // A resident lowering the tier and raising it again keeps the date.
    const resident = await linkResident(cw.id, file.id)
    const residentActor = { id: resident.id, role: 'resident' }
    const b = await updateHousehold(residentActor, file.id, householdFixture({ ...calm, singleParent: true, members: [{ id: file.members[0]!.id }] }))
    expect(b.riskTier).toBe('B')
    expect(b.nextReviewOn).toBe(soon)
    const a = await updateHousehold(residentActor, file.id, householdFixture({ ...calm, disasterAffected: true, members: [{ id: file.members[0]!.id }] }))
    expect(a.riskTier).toBe('A')
    expect(a.nextReviewOn).toBe(soon)
  })

  it('brings a review forward when the new tier’s period ends sooner, moving the pending review task with it', async () => {
    const cw = await makeCaseworker('5226')
    const calm = { incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0' }
    const file = await makeHousehold(calm, cw)
    const yearly = file.nextReviewOn
    expect(yearly).toBe(nextReviewDate('C', new Date()))
    // The queue already holds the yearly review (filled as of a week before it).
    await computeReviews(addDays(new Date(`${yearly}T00:00:00Z`), -7))
    expect((await db.select().from(reviewTasks).where(eq(reviewTasks.householdId, file.id))).map((t) => t.dueOn)).toEqual([yearly])
    const escalated = await updateHousehold({ id: cw.id, role: 'caseworker' }, file.id, householdFixture({ ...calm, disasterAffected: true, members: [{ id: file.members[0]!.id }] }))
    const quarterly = nextReviewDate('A', new Date())
    expect(escalated.nextReviewOn).toBe(quarterly)
    const tasks = async () => (await db.select().from(reviewTasks).where(and(eq(reviewTasks.householdId, file.id), isNull(reviewTasks.doneAt)))).map((t) => t.dueOn)
    expect(await tasks()).toEqual([quarterly])
    await computeReviews(addDays(new Date(`${quarterly}T00:00:00Z`), -7))
    expect(await tasks()).toEqual([quarterly])
  })

  it('applies the same rule to feed changes (applySystemChange) and to reassessments after a warning', async () => {
    const cw = await makeCaseworker('5226')
    const calm = { incomePerCapitaMonthly: '3000', medicalMonthly: '0', schoolingMonthly: '0' }
    const fed = await makeHousehold(calm, cw)
    const soon = day(addDays(new Date(), 5))
    await db.update(households).set({ nextReviewOn: soon }).where(eq(households.id, fed.id))
    const changed = await db.transaction((tx) => applySystemChange(tx, fed.id, 'feed:test', 'household.feed_test', async () => ({ disasterAffected: true })))
    expect(changed).toMatchObject({ riskTier: 'A', nextReviewOn: soon })

    const reassessed = await makeHousehold(calm, cw)
    await db.update(households).set({ nextReviewOn: soon, disasterAffected: true }).where(eq(households.id, reassessed.id))
    const result = await db.transaction((tx) => reassessRisk(tx, reassessed.id))
    expect(result).toMatchObject({ tier: 'A', changed: true })
    const [row] = await db.select().from(households).where(eq(households.id, reassessed.id))
    expect(row!.nextReviewOn).toBe(soon)
    // Without a pending date sooner, the escalation brings the review forward.
    await db.update(households).set({ disasterAffected: false }).where(eq(households.id, reassessed.id))
    await db.transaction((tx) => reassessRisk(tx, reassessed.id))
    await db.update(households).set({ nextReviewOn: nextReviewDate('C', new Date()), disasterAffected: true }).where(eq(households.id, reassessed.id))
    await db.transaction((tx) => reassessRisk(tx, reassessed.id))
    const [forward] = await db.select().from(households).where(eq(households.id, reassessed.id))
    expect(forward!.nextReviewOn).toBe(nextReviewDate('A', new Date()))
  })
})
