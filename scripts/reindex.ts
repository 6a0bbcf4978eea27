// `npm run reindex`: rebuilds the search index from the database with a progress bar.
// No downtime: every published listing is (re)indexed in place, then every listing that is
// not published is removed from the index, then the engine rebuilds what it derives from all
// documents (PostgreSQL: the search vocabulary). Safe to run while the workers are syncing.
import { SingleBar, Presets } from 'cli-progress'
import { ne } from 'drizzle-orm'
import { listings } from '@db/schema'
import { getSearchEngine } from '@search/index'
import { countPublishedListings, indexPublishedListings } from '~/models/listing.server'
import { closeDb, db } from '~/utils/db.server'

async function main() {
  const engine = getSearchEngine()
  const total = await countPublishedListings()
  console.log(`reindexing ${total} published listings into the ${engine.name} engine`)
  const bar = new SingleBar({ format: '{bar} {percentage}% | {value}/{total} listings | {eta_formatted} left', hideCursor: true }, Presets.shades_classic)
  bar.start(total, 0)
  const done = await indexPublishedListings(db, engine, (n) => bar.update(n))
  bar.stop()
  const hidden = await db.select({ id: listings.id }).from(listings).where(ne(listings.status, 'published'))
  for (let i = 0; i < hidden.length; i += 1000) await engine.remove(hidden.slice(i, i + 1000).map((r) => r.id))
  await engine.rebuildDerived?.()
  console.log(`done: ${done} indexed, ${hidden.length} unpublished listings removed from the index`)
}

main()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
  .finally(() => closeDb())
