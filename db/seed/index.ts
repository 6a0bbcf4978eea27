// `npm run seed [-- --households N --listings N]`: realistic zh-CN demo data.
// Repeatable: every row is keyed by a natural key (region code, organization
// name, username), so a second run adds nothing that already exists.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readFile } from 'node:fs/promises'
import { eq, inArray, sql } from 'drizzle-orm'
import { connect, type Database } from '../client'
import { households, organizations, regions, skills, users } from '../schema'
import { scoreHousehold } from '../../app/models/matches.server'
import { closeDb } from '../../app/utils/db.server'
import { closeQueues } from '../../workers/queues/connection'
import { enqueueRescoreBatch } from '../../workers/queues/matching'
import { createUser } from '../../app/models/user.server'
import { DEMO_PASSWORD, demoOrganizations, demoUsers } from './demo'
import { seedListings } from './listings'
import { indexPublishedListings } from '../../app/models/listing.server'
import { PostgresSearchEngine } from '../../search/postgres'
import { seedHouseholds, seedMinimumLivingStandards } from './households'
import { seedLedger } from './ledger'
import { seedEvaluation } from './evaluation'
import { seedWarningThresholds } from './warning-thresholds'
import { seedResolutionThresholds } from './resolution-thresholds'

export type SeedOptions = { households: number; listings: number; quiet?: boolean }

type RegionRow = typeof regions.$inferInsert

export async function seedRegions(db: Database) {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data/regions.json')
  const rows = JSON.parse(await readFile(file, 'utf8')) as RegionRow[]
  // Parents first (the file is ordered by level), in chunks to stay under the parameter limit.
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insert(regions).values(rows.slice(i, i + 1000)).onConflictDoNothing()
  }
  return rows.length
}

/** The skills taxonomy with synonyms; updated in place so edits to the data file take effect. */
export async function seedSkills(db: Database) {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data/skills.json')
  const rows = JSON.parse(await readFile(file, 'utf8')) as Array<typeof skills.$inferInsert>
  await db
    .insert(skills)
    .values(rows)
    .onConflictDoUpdate({
      target: skills.code,
      set: { nameZh: sql`excluded.name_zh`, nameEn: sql`excluded.name_en`, domain: sql`excluded.domain`, synonyms: sql`excluded.synonyms` },
    })
  return rows.length
}

/** Reference data every environment needs (also loaded into the test template). */
export async function seedReferenceData(db: Database) {
  return { regions: await seedRegions(db), skills: await seedSkills(db), minimumLivingStandards: await seedMinimumLivingStandards(db), warningThresholds: await seedWarningThresholds(db), resolutionThresholds: await seedResolutionThresholds(db) }
}

export async function seedOrganizations(db: Database) {
  const ids = new Map<string, string>()
  for (const o of demoOrganizations) {
    await db
      .insert(organizations)
      .values({
        name: o.name,
        kind: o.kind,
        massOrgSubtype: o.massOrgSubtype ?? null,
        regionCode: o.regionCode,
        description: o.description,
        verifiedAt: o.verified ? new Date() : null,
      })
      .onConflictDoNothing({ target: organizations.name })
    const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, o.name))
    ids.set(o.key, row!.id)
  }
  return ids
}

export async function seedUsers(db: Database, organizationIds: Map<string, string>) {
  let created = 0
  for (const u of demoUsers) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, u.username))
    if (existing) continue
    await db.transaction(async (tx) => {
      await createUser(tx, {
        username: u.username,
        password: DEMO_PASSWORD,
        displayName: u.displayName,
        role: u.role,
        phone: u.phone ?? null,
        organizationId: u.organizationKey ? organizationIds.get(u.organizationKey)! : null,
        orgMemberRole: u.organizationKey ? 'owner' : null,
      })
    })
    created++
  }
  return created
}

export async function seed(db: Database, options: SeedOptions) {
  const log = options.quiet ? () => {} : (msg: string) => console.log(msg)
  const reference = await seedReferenceData(db)
  const regionCount = reference.regions
  log(`regions: ${regionCount} administrative divisions (贵州省黔东南州, 甘肃省定西市, 河南省开封市兰考县)`)
  log(`skills: ${reference.skills} in the taxonomy`)
  const orgIds = await seedOrganizations(db)
  log(`organizations: ${orgIds.size}`)
  const created = await seedUsers(db, orgIds)
  log(`users: ${created} created, ${demoUsers.length - created} already present`)
  const listingSeed = await seedListings(db, options.listings, log)
  if (listingSeed.created > 0) {
    // The PostgreSQL index lives in this database; another engine is filled by `npm run reindex`.
    if ((process.env.SEARCH_ENGINE ?? 'postgres') === 'postgres') {
      const indexed = await indexPublishedListings(db, new PostgresSearchEngine(db))
      log(`search index: ${indexed} published listings indexed`)
    } else log('search index: run `npm run reindex` to fill the configured engine')
  }
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(users)
  const householdSeed = await seedHouseholds(db, options.households, log)
  log(`households: ${householdSeed.created} created, ${householdSeed.total} in total`)
  const demoMatches = await scoreDemoHouseholds(db)
  log(`matches: ${demoMatches} stored for the demo residents' households`)
  await seedLedger(db, log)
  await seedEvaluation(db, log)
  if (!options.quiet) await requestFullRescore(log)
  return { regions: regionCount, organizations: orgIds.size, usersCreated: created, users: count }
}

/** The demo residents see their matched offers right away. */
async function scoreDemoHouseholds(db: Database) {
  const linked = await db
    .select({ id: households.id })
    .from(households)
    .innerJoin(users, eq(users.id, households.residentUserId))
    .where(inArray(users.username, demoUsers.filter((u) => u.role === 'resident').map((u) => u.username)))
  let stored = 0
  for (const h of linked) stored += (await scoreHousehold(h.id)).stored
  return stored
}

/** Everyone else is scored by the workers in the background (a resumable full rescore). */
async function requestFullRescore(log: (msg: string) => void) {
  try {
    await enqueueRescoreBatch(`seed-${new Date().toISOString().slice(0, 16).replace(/[^0-9]/g, '')}`, 0)
    log('matching: a full rescore was queued; the workers fill in every household\'s matches')
  } catch (error) {
    log(`matching: could not queue the full rescore (${(error as Error).message}); the nightly rescore will do it`)
  }
}

export function parseSeedArgs(argv: string[]): SeedOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      households: { type: 'string', default: '300' },
      listings: { type: 'string', default: '2000' },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  })
  const toCount = (name: string, raw: string) => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0, got "${raw}"`)
    return n
  }
  return { households: toCount('households', values.households!), listings: toCount('listings', values.listings!), quiet: values.quiet }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/gongjian'
  const options = parseSeedArgs(process.argv.slice(2))
  const { sql: client, db } = connect(url, { max: 4, applicationName: 'gongjian-seed' })
  seed(db, options)
    .then(() => {
      console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD}):`)
      for (const u of demoUsers) console.log(`  ${u.role.padEnd(11)} ${u.username}`)
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error)
      process.exitCode = 1
    })
    .finally(async () => {
      await closeQueues()
      await closeDb()
      await client.end()
    })
}
