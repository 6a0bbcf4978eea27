// The engine the app and workers use, chosen by SEARCH_ENGINE (default postgres).
import { db } from '~/utils/db.server'
import { getEnv } from '~/utils/env.server'
import type { SearchEngine } from './engine'
import { MeilisearchEngine } from './meilisearch'
import { PostgresSearchEngine } from './postgres'

let engine: SearchEngine | undefined

export function getSearchEngine(): SearchEngine {
  if (engine) return engine
  const env = getEnv()
  if (env.SEARCH_ENGINE === 'meilisearch') {
    if (!env.MEILI_URL) throw new Error('SEARCH_ENGINE=meilisearch needs MEILI_URL')
    engine = new MeilisearchEngine({ url: env.MEILI_URL, apiKey: env.MEILI_MASTER_KEY })
  } else {
    engine = new PostgresSearchEngine(db)
  }
  return engine
}
