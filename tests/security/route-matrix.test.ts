// Role × route matrix, generated from the built route manifest: every route's loader (GET) and
// action (POST, same-origin so the CSRF check passes) is tried by every kind of user and by an
// anonymous visitor, with concrete ids of seeded records for the dynamic segments. The expected
// outcome comes from ACCESS below; a route missing from ACCESS fails the test.
import { and, eq, inArray, isNotNull, ne, or } from 'drizzle-orm'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { applications, distributions, householdMembers, households, householdVersions, listings, organizations, users } from '@db/schema'
import { seed } from '@db/seed'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { createUser } from '~/models/user.server'
import { receiveDelivery } from '~/models/feeds/intake.server'
import { stageImport } from '~/models/imports/imports.server'
import { scoreListing } from '~/models/matches.server'
import { decryptNationalId } from '~/utils/national-id.server'
import { db } from '~/utils/db.server'
import { loadBuild, TestClient } from '../setup/app'
import { snapshotRowCounts } from './row-counts'

const actors = [
  'anonymous',
  'resident',
  'caseworker',
  'donor',
  'admin',
  'enterprise_owner',
  'enterprise_member',
  'ngo_owner',
  'ngo_member',
  'mass_org_owner',
  'mass_org_member',
  'unverified_org_owner',
] as const
type Actor = (typeof actors)[number]
type SignedIn = Exclude<Actor, 'anonymous'>

const orgActors = ['enterprise_owner', 'enterprise_member', 'ngo_owner', 'ngo_member', 'mass_org_owner', 'mass_org_member', 'unverified_org_owner'] as const
/** The dynamic org ids below belong to the enterprise (雷山县苗绣), so only its people may open them. */
const enterprise = ['enterprise_owner', 'enterprise_member'] as const
const signedIn = actors.filter((a): a is SignedIn => a !== 'anonymous')

/**
 * Who may use each route. `public`: everyone, signed in or not. `anonymous_only`: visitors; a
 * signed-in user is sent to their own home page. A list: those actors only; anyone else signed
 * in is refused with 403/404, an anonymous visitor is sent to log in. `none`: no such method (405).
 * `api_key`: the department API authenticates with a key, never a session: 401 for everyone here.
 */
type Access = 'public' | 'anonymous_only' | 'none' | 'api_key' | readonly Actor[]
const ACCESS: Record<string, { get: Access; post: Access }> = {
  'routes/_index': { get: 'anonymous_only', post: 'none' },
  'routes/healthz': { get: 'public', post: 'none' },
  'routes/_auth+/login': { get: 'anonymous_only', post: 'anonymous_only' },
  'routes/_auth+/signup': { get: 'anonymous_only', post: 'anonymous_only' },
  'routes/_auth+/logout': { get: 'public', post: 'public' },
  'routes/resources+/locale': { get: 'public', post: 'public' },
  'routes/listings+/_index': { get: 'public', post: 'none' },
  'routes/listings+/$id': { get: 'public', post: 'none' },
  'routes/organizations+/$id': { get: 'public', post: 'none' },
  'routes/funds+/$listingId': { get: 'public', post: 'none' },
  'routes/api+/feeds.$feedType': { get: 'none', post: 'api_key' },

  'routes/admin+/_index': { get: ['admin'], post: ['admin'] },
  'routes/admin+/audit': { get: ['admin'], post: 'none' },
  'routes/admin+/duplicates': { get: ['admin'], post: ['admin'] },
  'routes/admin+/feeds._index': { get: ['admin'], post: ['admin'] },
  'routes/admin+/feeds.$deliveryId': { get: ['admin'], post: 'none' },
  'routes/admin+/ledger-alerts': { get: ['admin'], post: ['admin'] },
  'routes/admin+/organizations': { get: ['admin'], post: 'none' },

  'routes/caseworker+/_index': { get: ['caseworker'], post: 'none' },
  'routes/caseworker+/alerts': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/feed-review': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/households._index': { get: ['caseworker'], post: 'none' },
  'routes/caseworker+/households.new': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/households.$householdId': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/households.$householdId_.edit': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/receipts': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/reviews': { get: ['caseworker'], post: ['caseworker'] },

  'routes/donor+/_index': { get: ['donor'], post: 'none' },
  'routes/donor+/gifts': { get: ['donor'], post: ['donor'] },
  'routes/donor+/gifts[.]csv': { get: ['donor'], post: 'none' },
  'routes/donor+/pledge.$listingId': { get: ['donor'], post: ['donor'] },

  'routes/me+/_index': { get: ['resident'], post: 'none' },
  'routes/me+/household': { get: ['resident'], post: ['resident'] },
  'routes/me+/household_.edit': { get: ['resident'], post: ['resident'] },
  'routes/me+/offers': { get: ['resident'], post: ['resident'] },
  'routes/me+/receipts': { get: ['resident'], post: ['resident'] },

  'routes/org+/_index': { get: orgActors, post: orgActors },
  'routes/org+/claims': { get: orgActors, post: orgActors },
  'routes/org+/duplicates': { get: orgActors, post: orgActors },
  'routes/org+/ledger': { get: orgActors, post: orgActors },
  'routes/org+/ledger[.]csv': { get: orgActors, post: 'none' },
  'routes/org+/listings._index': { get: orgActors, post: orgActors },
  'routes/org+/listings.new': { get: orgActors, post: orgActors },
  'routes/org+/listings.$id': { get: enterprise, post: enterprise },
  'routes/org+/matches._index': { get: orgActors, post: 'none' },
  'routes/org+/matches.$listingId': { get: enterprise, post: enterprise },

  // Issue 7: evaluation, KPI dashboard, feedback, CSV import (a staged batch is its uploader's
  // alone) and the public listing exports.
  'routes/admin+/evaluation': { get: ['admin'], post: 'none' },
  'routes/admin+/kpi': { get: ['admin'], post: 'none' },
  'routes/org+/evaluation': { get: orgActors, post: 'none' },
  'routes/org+/kpi': { get: orgActors, post: 'none' },
  'routes/me+/feedback.$subject.$subjectId': { get: ['resident'], post: ['resident'] },
  'routes/caseworker+/households.$householdId_.feedback.$subject.$subjectId': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/households.import': { get: ['caseworker'], post: ['caseworker'] },
  'routes/caseworker+/households.import_.$batchId': { get: ['caseworker'], post: ['caseworker'] },
  'routes/org+/listings.import': { get: orgActors, post: orgActors },
  'routes/org+/listings.import_.$batchId': { get: ['enterprise_owner'], post: ['enterprise_owner'] },
  'routes/resources+/imports.$batchId.progress': { get: ['caseworker'], post: 'none' },
  'routes/listings[.]csv': { get: 'public', post: 'none' },
  'routes/listings[.]hsds[.]json': { get: 'public', post: 'none' },
}

type Route = { id: string; pattern: string; hasLoader: boolean; hasAction: boolean }

async function routesFromBuild(): Promise<Route[]> {
  const build = await loadBuild()
  const all = build.routes as Record<string, { id: string; parentId?: string; path?: string; module: { loader?: unknown; action?: unknown } }>
  const fullPath = (id: string): string => {
    const r = all[id]!
    const own = r.path ?? ''
    const parent = r.parentId ? fullPath(r.parentId) : ''
    return `${parent.replace(/\/$/, '')}/${own}`.replace(/\/+/g, '/')
  }
  return Object.values(all)
    .filter((r) => r.id !== 'root')
    .map((r) => ({ id: r.id, pattern: fullPath(r.id), hasLoader: typeof r.module.loader === 'function', hasAction: typeof r.module.action === 'function' }))
}

const homeOf: Record<SignedIn, string> = {
  resident: '/me',
  caseworker: '/caseworker',
  donor: '/donor',
  admin: '/admin',
  enterprise_owner: '/org',
  enterprise_member: '/org',
  ngo_owner: '/org',
  ngo_member: '/org',
  mass_org_owner: '/org',
  mass_org_member: '/org',
  unverified_org_owner: '/org',
}

let routes: Route[]
let params: Record<string, string>
let importBatchOf: { households: string; listings: string }
const clients = new Map<Actor, TestClient>()

beforeAll(async () => {
  routes = await routesFromBuild()
  await seed(db, { households: 12, listings: 60, quiet: true })
  const orgId = async (name: string) => (await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, name)))[0]!.id
  const miaoxiu = await orgId('雷山县苗绣文化发展有限公司')
  for (const [username, org] of [
    ['sec_ent_member', miaoxiu],
    ['sec_ngo_member', await orgId('黔东南州阳光助残社会工作服务中心')],
    ['sec_mass_member', await orgId('黔东南州妇女联合会')],
  ] as const) {
    await createUser(db, { username, password: DEMO_PASSWORD, displayName: '组织成员', role: 'org_member', organizationId: org, orgMemberRole: 'member' })
  }
  const usernames: Record<SignedIn, string> = {
    resident: 'resident',
    caseworker: 'caseworker',
    donor: 'donor',
    admin: 'admin',
    enterprise_owner: 'org_miaoxiu',
    enterprise_member: 'sec_ent_member',
    ngo_owner: 'org_sunshine_ngo',
    ngo_member: 'sec_ngo_member',
    mass_org_owner: 'org_qdn_women',
    mass_org_member: 'sec_mass_member',
    unverified_org_owner: 'org_taijiang_coop',
  }
  clients.set('anonymous', new TestClient())
  for (const actor of signedIn) {
    const client = new TestClient()
    await client.logIn(usernames[actor], DEMO_PASSWORD)
    clients.set(actor, client)
  }

  const [residentUser] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'resident'))
  const [household] = await db.select({ id: households.id }).from(households).where(eq(households.residentUserId, residentUser!.id))
  const [ownListing] = await db.select({ id: listings.id }).from(listings).where(and(eq(listings.organizationId, miaoxiu), eq(listings.status, 'published')))
  const [donation] = await db.select({ id: listings.id }).from(listings).where(and(eq(listings.kind, 'donation'), eq(listings.status, 'published')))
  const delivery = await receiveDelivery({ feedType: 'dibao_enrolment', source: 'upload', fileName: 'dibao.csv', format: 'csv', text: 'x\n' })
  // A completed application of the resident's household awaits feedback (resident and caseworker forms).
  const [completed] = await db
    .insert(applications)
    .values({ householdId: household!.id, listingId: donation!.id, status: 'completed', appliedAt: new Date(), acceptedAt: new Date(), completedAt: new Date() })
    .returning({ id: applications.id })
  // Staged (not imported) CSV files: one by the demo caseworker, one by the enterprise's owner.
  const [caseworkerUser] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'caseworker'))
  const [ownerUser] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'org_miaoxiu'))
  const bytes = (text: string) => new TextEncoder().encode(text)
  const householdBatch = await stageImport({ id: caseworkerUser!.id, role: 'caseworker', organizationId: null }, 'households', {
    name: 'h.csv',
    bytes: bytes('村代码,户主姓名,身份证号,出生日期,性别,文化程度,就业状况,住房类型,人均月收入,帮扶需求\n522634101001,王五,x,1980-01-01,男,初中,失业,租房,600,就业'),
  })
  const listingBatch = await stageImport({ id: ownerUser!.id, role: 'org_member', organizationId: miaoxiu }, 'listings', {
    name: 'l.csv',
    bytes: bytes('external_key,kind,title,description,region_code,categories,starts_on,ends_on,capacity,contact_method,position,wage_min,wage_max,wage_period\nsec-1,岗位,招聘普工,招聘普工，包住宿。,522634,employment,2027-01-05,2026-01-01,x,电话,普工,3800,4500,月'),
  })
  if (!householdBatch.ok || !listingBatch.ok) throw new Error('expected staged import batches')
  importBatchOf = { households: householdBatch.batchId, listings: listingBatch.batchId }
  params = {
    subject: 'application',
    subjectId: completed!.id,
    householdId: household!.id,
    id: ownListing!.id,
    listingId: donation!.id,
    deliveryId: delivery.deliveryId,
    feedType: 'dibao_enrolment',
  }
}, 240_000)

/** Fills dynamic segments; `/org/matches/:listingId` gets the enterprise's own listing, `/organizations/:id` the enterprise. */
function concretePath(route: Route) {
  return route.pattern.replace(/:(\w+)/g, (_, name: string) => {
    if (route.id === 'routes/org+/matches.$listingId') return params.id!
    if (route.id === 'routes/organizations+/$id') return '__ORG__'
    if (name === 'batchId') return route.id.includes('listings') ? importBatchOf.listings : importBatchOf.households
    const value = params[name]
    if (!value) throw new Error(`no concrete value for :${name} in ${route.pattern}`)
    return value
  })
}

type Outcome = 'works' | 'to_login' | 'to_home' | 'refused' | 'no_method' | 'unauthenticated_api'

function expected(access: Access, actor: Actor): Outcome {
  if (access === 'none') return 'no_method'
  if (access === 'api_key') return 'unauthenticated_api'
  if (access === 'public') return 'works'
  if (access === 'anonymous_only') return actor === 'anonymous' ? 'works' : 'to_home'
  if (access.includes(actor)) return 'works'
  return actor === 'anonymous' ? 'to_login' : 'refused'
}

function observed(response: Response, actor: Actor): Outcome | `unexpected ${number}` {
  const location = response.headers.get('location') ?? ''
  if (response.status >= 300 && response.status < 400) {
    if (location.startsWith('/login?redirectTo=')) return 'to_login'
    if (actor !== 'anonymous' && location === homeOf[actor]) return 'to_home'
    return 'works'
  }
  if (response.status === 403 || response.status === 404) return 'refused'
  if (response.status === 405) return 'no_method'
  if (response.status === 401) return 'unauthenticated_api'
  // 2xx, or 400/409/422 from an action that was reached and rejected the (empty) form.
  if (response.status < 300 || [400, 409, 422].includes(response.status)) return 'works'
  return `unexpected ${response.status}`
}

describe('role × route matrix', () => {
  it('has an expected-access entry for every route in the build, and none for routes that are gone', () => {
    const ids = routes.map((r) => r.id)
    expect(ids.filter((id) => !(id in ACCESS)), 'routes without an entry in ACCESS').toEqual([])
    expect(Object.keys(ACCESS).filter((id) => !ids.includes(id)), 'ACCESS entries for routes that no longer exist').toEqual([])
  })

  it('every route, loader and action, works or is refused for every actor exactly as ACCESS says', async () => {
    const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, '雷山县苗绣文化发展有限公司'))
    const mismatches: string[] = []
    let tried = 0
    // Every POST below carries only a meaningless probe: whoever sends it, nothing may be written.
    const before = await snapshotRowCounts()
    // Remix logs every POST to a route without an action (a 405) as an error; those are expected here.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const route of routes) {
      const entry = ACCESS[route.id]!
      const path = concretePath(route).replace('__ORG__', org!.id)
      for (const actor of actors) {
        const client = clients.get(actor)!
        const get = await client.get(path)
        const getOutcome = observed(get, actor)
        const getWant = expected(entry.get, actor)
        if (getOutcome !== getWant) mismatches.push(`GET ${path} as ${actor}: ${getOutcome} (${get.status}), expected ${getWant}`)
        // A page that works answers with its own page, not the forbidden page or a login form.
        if (getOutcome === 'works' && get.status === 200 && actor !== 'anonymous' && entry.get !== 'public') {
          const body = await get.text()
          if (/<form[^>]*id="login"/.test(body)) mismatches.push(`GET ${path} as ${actor} shows the log-in form`)
        }
        // The same loader as a client-side data request (?_data=…) is refused the same way.
        if (getWant === 'refused' || getWant === 'to_login') {
          const data = await client.get(`${path}${path.includes('?') ? '&' : '?'}_data=${encodeURIComponent(route.id)}`)
          const redirect = data.headers.get('x-remix-redirect') ?? ''
          const ok = getWant === 'refused' ? data.status === 403 || data.status === 404 : redirect.startsWith('/login?redirectTo=')
          if (!ok) mismatches.push(`GET ${path} ?_data as ${actor}: ${data.status} ${redirect}, expected ${getWant}`)
          await data.arrayBuffer()
        }
        // Actions: the session cookie would otherwise be cleared by log-out.
        if (route.id === 'routes/_auth+/logout') continue
        const post = await client.post(path, { intent: 'probe' })
        const postOutcome = observed(post, actor)
        const postWant = expected(entry.post, actor)
        if (postOutcome !== postWant) mismatches.push(`POST ${path} as ${actor}: ${postOutcome} (${post.status}), expected ${postWant}`)
        tried += 2
      }
    }
    quiet.mockRestore()
    const after = await snapshotRowCounts()
    const changed = Object.keys(after).filter((t) => after[t] !== before[t])
    expect(changed, 'tables written by probe POSTs').toEqual([])
    expect(mismatches).toEqual([])
    expect(tried).toBeGreaterThan(routes.length * actors.length)
  }, 600_000)
})

/** Names (3+ characters, so common words never match), plain ID numbers and phones of every household. */
async function personalDataByHousehold() {
  const out = new Map<string, string[]>()
  const add = (id: string, value: string | null | undefined) => {
    if (!value) return
    out.set(id, [...(out.get(id) ?? []), value])
  }
  for (const m of await db.select({ householdId: householdMembers.householdId, fullName: householdMembers.fullName, idSealed: householdMembers.idSealed }).from(householdMembers)) {
    if (m.fullName.length >= 3) add(m.householdId, m.fullName)
    if (m.idSealed) add(m.householdId, decryptNationalId(m.idSealed))
  }
  for (const r of await db.select({ householdId: households.id, phone: users.phone }).from(households).innerJoin(users, eq(users.id, households.residentUserId))) add(r.householdId, r.phone)
  return out
}

function leaked(body: string, data: Map<string, string[]>, allowed: (householdId: string) => boolean) {
  const found: string[] = []
  // Seeded names repeat (two households may each have a 王光明); a name the viewer may see is not a leak.
  const visible = new Set([...data].filter(([id]) => allowed(id)).flatMap(([, values]) => values))
  for (const [householdId, values] of data) {
    if (allowed(householdId)) continue
    for (const v of values) if (!visible.has(v) && body.includes(v)) found.push(`${v} (household ${householdId})`)
  }
  return found
}

const pagesFor = (actor: Actor) =>
  routes.filter((r) => {
    const get = ACCESS[r.id]!.get
    return Array.isArray(get) && get.includes(actor)
  })

async function bodyOf(client: TestClient, path: string) {
  const response = await client.get(path)
  expect(response.status, `GET ${path}`).toBeLessThan(400)
  return response.text()
}

describe('who sees whose personal data', () => {
  it('a resident sees their own file and never another household, whatever ids they send', async () => {
    const client = new TestClient()
    await client.logIn('resident', DEMO_PASSWORD)
    const data = await personalDataByHousehold()
    const own = params.householdId!
    const [otherUser] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'resident2'))
    const [other] = await db.select().from(households).where(eq(households.residentUserId, otherUser!.id))
    const [listing] = await db.select({ id: listings.id }).from(listings).where(eq(listings.status, 'published'))
    // An invitation and a hand-over that belong to the other household.
    const [invitation] = await db
      .insert(applications)
      .values({ householdId: other!.id, listingId: listing!.id, status: 'invited', invitedAt: new Date() })
      .onConflictDoNothing()
      .returning()
    const [handover] = await db.select({ id: distributions.id }).from(distributions).where(ne(distributions.householdId, own))
    const versionsBefore = await db.select({ id: householdVersions.id }).from(householdVersions).where(eq(householdVersions.householdId, other!.id))
    const foreign = { householdId: other!.id, id: other!.id, applicationId: invitation?.id ?? other!.id, distributionId: handover?.id ?? other!.id, listingId: listing!.id }

    const ownText = await bodyOf(client, '/me/household')
    expect(data.get(own)!.some((v) => ownText.includes(v)), 'the resident sees their own file').toBe(true)
    for (const route of pagesFor('resident')) {
      for (const path of [concretePath(route), `${concretePath(route)}?${new URLSearchParams(foreign)}`]) {
        expect(leaked(await bodyOf(client, path), data, (id) => id === own), `GET ${path}`).toEqual([])
      }
      if (ACCESS[route.id]!.post === 'none') continue
      for (const intent of ['accept', 'decline', 'consent', 'apply', 'withdraw']) {
        const response = await client.post(concretePath(route), { intent, given: 'false', ...foreign })
        const body = await response.text()
        expect(leaked(body, data, (id) => id === own), `POST ${route.pattern} intent=${intent}`).toEqual([])
      }
    }
    // The other household's invitation is untouched, its consent unchanged, no hand-over confirmed.
    const [after] = await db.select().from(households).where(eq(households.id, other!.id))
    expect(after!.consentGiven).toBe(other!.consentGiven)
    expect(after!.version).toBe(other!.version)
    if (invitation) expect((await db.select().from(applications).where(eq(applications.id, invitation.id)))[0]!.status).toBe('invited')
    if (handover) expect((await db.select().from(distributions).where(eq(distributions.id, handover.id)))[0]!.confirmedAt).toBeNull()
    expect(await db.select({ id: householdVersions.id }).from(householdVersions).where(eq(householdVersions.householdId, other!.id))).toEqual(versionsBefore)
  })

  it('an organization sees candidates masked (某) until they applied, never their names, ID numbers or phones', async () => {
    const [ownListing] = await db.select().from(listings).where(eq(listings.id, params.id!))
    await scoreListing(ownListing!.id)
    const data = await personalDataByHousehold()
    for (const actor of ['enterprise_owner', 'ngo_owner', 'mass_org_member'] as const) {
      const client = new TestClient()
      const username = { enterprise_owner: 'org_miaoxiu', ngo_owner: 'org_sunshine_ngo', mass_org_member: 'sec_mass_member' }[actor]
      await client.logIn(username, DEMO_PASSWORD)
      const [me] = await db.select({ organizationId: users.organizationId }).from(users).where(eq(users.username, username))
      const applied = new Set(
        (
          await db
            .select({ householdId: applications.householdId })
            .from(applications)
            .innerJoin(listings, eq(listings.id, applications.listingId))
            .where(
              and(
                eq(listings.organizationId, me!.organizationId!),
                ne(applications.status, 'withdrawn'),
                or(isNotNull(applications.appliedAt), and(isNotNull(applications.invitedAt), isNotNull(applications.acceptedAt))),
              ),
            )
        ).map((a) => a.householdId),
      )
      const own = await db.select({ id: listings.id }).from(listings).where(eq(listings.organizationId, me!.organizationId!))
      const paths = [...pagesFor(actor).filter((r) => !r.pattern.includes(':')).map((r) => r.pattern), ...own.map((l) => `/org/matches/${l.id}`)]
      for (const path of paths) expect(leaked(await bodyOf(client, path), data, (id) => applied.has(id)), `${actor} GET ${path}`).toEqual([])
      // The loader data a client-side navigation fetches (JSON) holds no more than the page.
      for (const l of own) {
        const json = await bodyOf(client, `/org/matches/${l.id}?_data=${encodeURIComponent('routes/org+/matches.$listingId')}`)
        expect(leaked(json, data, (id) => applied.has(id)), `${actor} JSON /org/matches/${l.id}`).toEqual([])
      }
      if (actor === 'enterprise_owner') {
        const candidates = await bodyOf(client, `/org/matches/${ownListing!.id}`)
        expect(candidates, 'scored candidates are listed, masked').toContain('某')
      }
    }
  })

  it('a donor sees where gifts went with masked names only, never recipients’ personal data', async () => {
    const data = await personalDataByHousehold()
    const client = new TestClient()
    await client.logIn('donor', DEMO_PASSWORD)
    const donations = await db.select({ id: listings.id }).from(listings).where(eq(listings.kind, 'donation'))
    const paths = [
      ...pagesFor('donor').filter((r) => !r.pattern.includes(':')).map((r) => r.pattern),
      ...donations.flatMap((l) => [`/funds/${l.id}`, `/listings/${l.id}`]),
    ]
    const everything: string[] = []
    for (const path of paths) {
      const response = await client.get(path)
      if (response.status === 404) continue // drafts and closed listings have no public page
      const body = await response.text()
      everything.push(body)
      expect(leaked(body, data, () => false), `donor GET ${path}`).toEqual([])
    }
    const handedOver = await db.select({ id: distributions.id }).from(distributions)
    if (handedOver.length) expect(everything.join('\n'), 'hand-overs are shown with masked names').toContain('某')
  })

  it('a caseworker sees only households of their own regions', async () => {
    const data = await personalDataByHousehold()
    const client = new TestClient()
    await client.logIn('caseworker', DEMO_PASSWORD)
    const all = await db.select({ id: households.id, regionCode: households.regionCode, version: households.version }).from(households)
    const mine = (code: string) => code.startsWith('5226')
    const outside = all.filter((h) => !mine(h.regionCode))
    expect(outside.length).toBeGreaterThan(0)
    for (const route of pagesFor('caseworker').filter((r) => !r.pattern.includes(':'))) {
      expect(leaked(await bodyOf(client, route.pattern), data, (id) => mine(all.find((h) => h.id === id)!.regionCode)), `GET ${route.pattern}`).toEqual([])
    }
    const list = await bodyOf(client, '/caseworker/households')
    expect(all.filter((h) => mine(h.regionCode)).some((h) => data.get(h.id)?.some((v) => list.includes(v))), 'own region’s households are listed').toBe(true)
    for (const h of outside.slice(0, 3)) {
      expect((await client.get(`/caseworker/households/${h.id}`)).status).toBe(404)
      expect((await client.get(`/caseworker/households/${h.id}/edit`)).status).toBe(404)
      const post = await client.post(`/caseworker/households/${h.id}/edit`, { version: String(h.version) })
      expect([403, 404]).toContain(post.status)
      expect((await db.select({ version: households.version }).from(households).where(eq(households.id, h.id)))[0]!.version).toBe(h.version)
    }
  })
})

type PageForm = { action: string; fields: Array<{ name: string; value: string; visible: boolean }>; intents: string[] }

/** The post forms a page renders, as a browser would submit them: hidden values kept, visible fields to be filled. */
function postFormsOf(html: string, pagePath: string): PageForm[] {
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  const forms: PageForm[] = []
  for (const [, open, inner] of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (!/method="post"/i.test(open!)) continue
    const fields: PageForm['fields'] = []
    const intents: string[] = []
    for (const [tag] of inner!.matchAll(/<(input|select|textarea)\b[^>]*>/g)) {
      const name = attr(tag, 'name')
      if (!name) continue
      const type = attr(tag, 'type') ?? 'text'
      if (type === 'submit' || type === 'checkbox' || type === 'radio' || type === 'file') continue
      fields.push({ name, value: unescape(attr(tag, 'value') ?? ''), visible: type !== 'hidden' })
    }
    for (const [tag] of inner!.matchAll(/<button\b[^>]*>/g)) if (attr(tag, 'name') === 'intent' && attr(tag, 'value')) intents.push(attr(tag, 'value')!)
    forms.push({ action: unescape(attr(open!, 'action') ?? pagePath), fields, intents: intents.length ? intents : [''] })
  }
  return forms
}

describe('every rendered form, tampered', () => {
  it('a form submitted with oversized or NUL-laced values in its visible fields is refused (4xx, never 5xx) and writes nothing', async () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    const hostileValues = { long: '长'.repeat(20_000), nul: 'abc\u0000def' }
    const problems: string[] = []
    let submitted = 0
    const seen = new Set<string>()
    for (const route of routes) {
      const get = ACCESS[route.id]!.get
      if (!Array.isArray(get) || route.id.startsWith('routes/_auth')) continue
      const actor = get[0]! as SignedIn
      const client = clients.get(actor)!
      const pagePath = concretePath(route).replace('__ORG__', '')
      const page = await client.get(pagePath)
      if (page.status !== 200 || !(page.headers.get('content-type') ?? '').includes('html')) continue
      for (const form of postFormsOf(await page.text(), pagePath)) {
        if (!form.fields.some((f) => f.visible)) continue
        for (const intent of form.intents) {
          for (const [kind, value] of Object.entries(hostileValues)) {
            const before = await snapshotRowCounts()
            const body: Record<string, string | string[]> = {}
            for (const f of form.fields) body[f.name] = f.visible ? value : f.value
            if (intent) body.intent = intent
            const response = await client.post(form.action, body)
            submitted++
            seen.add(`${form.action}#${intent}`)
            const where = `${actor} ${form.action} intent=${intent || '-'} ${kind}`
            if (response.status >= 500 || response.status < 400) problems.push(`${where}: ${response.status}`)
            await response.arrayBuffer()
            const after = await snapshotRowCounts()
            const changed = Object.keys(after).filter((t) => after[t] !== before[t])
            if (changed.length) problems.push(`${where}: wrote ${changed.join(', ')}`)
          }
        }
      }
    }
    quiet.mockRestore()
    expect(problems).toEqual([])
    // Forms of at least: admin feeds, household new/edit (caseworker and resident), receipts, pledge, org members, claims, listing new/edit.
    expect(seen.size, [...seen].join(' ')).toBeGreaterThanOrEqual(10)
    expect(submitted).toBeGreaterThan(20)
  }, 300_000)
})

describe('log-out', () => {
  it('log-out as the last step works for every actor and ends the session', async () => {
    for (const actor of signedIn) {
      const client = clients.get(actor)!
      const out = await client.post('/logout', {})
      expect(out.status).toBe(302)
      const again = await client.get(homeOf[actor])
      expect(again.headers.get('location') ?? '').toMatch(/^\/login\?redirectTo=/)
    }
  })
})
