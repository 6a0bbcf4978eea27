// Role × route matrix, generated from the built route manifest: every route's loader (GET) and
// action (POST, same-origin so the CSRF check passes) is tried by every kind of user and by an
// anonymous visitor, with concrete ids of seeded records for the dynamic segments. The expected
// outcome comes from ACCESS below; a route missing from ACCESS fails the test.
import { and, eq } from 'drizzle-orm'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { households, listings, organizations, users } from '@db/schema'
import { seed } from '@db/seed'
import { DEMO_PASSWORD } from '@db/seed/demo'
import { createUser } from '~/models/user.server'
import { receiveDelivery } from '~/models/feeds/intake.server'
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
  params = {
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

