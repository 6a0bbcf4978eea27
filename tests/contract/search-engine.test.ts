// One suite, every engine: PostgreSQL always; Meilisearch only when MEILI_URL is set.
import { describe, expect, it } from 'vitest'
import { MeilisearchEngine } from '@search/meilisearch'
import { PostgresSearchEngine } from '@search/postgres'
import type { SearchDocument, SearchEngine } from '@search/engine'
import { db } from '~/utils/db.server'
import { makeOrganization } from '../factories/users'
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'

type Fixture = Omit<SearchDocument, 'id' | 'organizationId' | 'organizationName' | 'organizationKind' | 'version' | 'regionNames' | 'extra'> & { key: string; extra?: string }

const fixtures: Fixture[] = [
  { key: 'welder', kind: 'job', regionCode: '522634', categories: ['employment'], targetGroups: ['rural_low_income'], title: '雷山县电子厂招聘焊工', description: '招聘熟练焊工，提供宿舍。', extra: '焊工 电焊 电焊工', publishedAt: new Date('2026-10-01') },
  { key: 'welder-far', kind: 'job', regionCode: '621102', categories: ['employment'], targetGroups: [], title: '定西市安定区招聘焊工', description: '机械厂焊工岗位，月薪面议。', extra: '焊工', publishedAt: new Date('2026-11-01') },
  { key: 'ecommerce', kind: 'training', regionCode: '522634', categories: ['skills_training'], targetGroups: ['single_mothers'], title: '苗绣电商培训班', description: '面向妇女的电商直播培训，免费参加。', publishedAt: new Date('2026-09-01') },
  { key: 'blankets', kind: 'donation', regionCode: '522630', categories: ['material_aid'], targetGroups: ['left_behind_elderly'], title: '冬季棉被捐赠', description: '为留守老人捐赠全新棉被。', publishedAt: new Date('2026-08-01') },
  { key: 'childcare', kind: 'project', regionCode: '410225', categories: ['childcare', 'education'], targetGroups: ['left_behind_children'], title: '留守儿童课后托管项目', description: '课后托管与作业辅导，为期一年。', publishedAt: new Date('2026-07-01') },
]

const engines: Array<{ name: string; make: () => SearchEngine; skip: boolean }> = [
  { name: 'postgres', make: () => new PostgresSearchEngine(db), skip: false },
  {
    name: 'meilisearch',
    make: () => new MeilisearchEngine({ url: process.env.MEILI_URL!, apiKey: process.env.MEILI_MASTER_KEY, indexName: `listings_test_${process.pid}` }),
    skip: !process.env.MEILI_URL,
  },
]

for (const engine of engines) {
  if (engine.skip) {
    console.log(`search-engine contract: SKIPPED the ${engine.name} engine — MEILI_URL is not set (no Meilisearch server).`)
  }
  describe.skipIf(engine.skip)(`search engine contract: ${engine.name}`, () => {
    const ids = new Map<string, string>()
    async function setup() {
      const search = engine.make()
      await search.clear()
      const enterprise = await makeOrganization({ kind: 'enterprise' })
      const union = await makeOrganization({ kind: 'mass_org', massOrgSubtype: 'trade_union' })
      const docs: SearchDocument[] = fixtures.map((f) => {
        const id = randomUUID()
        ids.set(f.key, id)
        const org = f.kind === 'job' ? enterprise : union
        return { ...f, id, version: 1, organizationId: org.id, organizationName: f.kind === 'job' ? '测试企业' : '测试工会', organizationKind: f.kind === 'job' ? 'enterprise' : 'mass_org', regionNames: '', extra: f.extra ?? '' }
      })
      // The PostgreSQL engine keeps documents beside listings; create the listing rows it references.
      if (engine.name === 'postgres') {
        const { listings } = await import('@db/schema')
        await db.insert(listings).values(
          docs.map((d) => ({ id: d.id, organizationId: d.organizationId, kind: d.kind, status: 'published' as const, title: d.title, description: d.description, regionCode: d.regionCode, categories: d.categories, startsOn: '2027-01-01', contactMethod: '电话' })),
        )
      }
      await search.index(docs)
      return search
    }
    const page = { page: 1, perPage: 10 }
    const key = (id: string) => [...ids].find(([, v]) => v === id)?.[0]
    /** The welder fixture as the sync job would index a later version of it, with `changes`. */
    const welderDocument = async (search: SearchEngine, version: number, changes: Partial<SearchDocument> = {}): Promise<SearchDocument> => {
      const welder = fixtures.find((f) => f.key === 'welder')!
      const organizationId = (await search.search({ text: '雷山县电子厂' }, {}, 'relevance', page)).hits[0]!.organizationId
      return { ...welder, id: ids.get('welder')!, version, organizationId, organizationName: '测试企业', organizationKind: 'enterprise', regionNames: '', extra: welder.extra ?? '', ...changes }
    }

    it('finds Chinese words inside longer text, ranks nearer listings first, and counts facets', async () => {
      const search = await setup()
      const welder = await search.search({ text: '焊工', viewerRegion: '522634001' }, {}, 'relevance', page)
      expect(welder.hits.map((h) => key(h.id)).sort()).toEqual(['welder', 'welder-far'])
      // Region proximity breaks ties between equally relevant listings (PostgreSQL only; see ADR 010).
      if (engine.name === 'postgres') {
        expect(welder.hits.map((h) => key(h.id))).toEqual(['welder', 'welder-far'])
        const farViewer = await search.search({ text: '焊工', viewerRegion: '621102' }, {}, 'relevance', page)
        expect(farViewer.hits.map((h) => key(h.id))).toEqual(['welder-far', 'welder'])
      }
      const ecommerce = await search.search({ text: '电商培训' }, {}, 'relevance', page)
      expect(ecommerce.hits.map((h) => key(h.id))).toEqual(['ecommerce'])
      expect(ecommerce.fuzzy).toBe(false)
      const all = await search.search({}, {}, 'newest', page)
      expect(all.total).toBe(5)
      expect(all.hits.map((h) => key(h.id))).toEqual(['welder-far', 'welder', 'ecommerce', 'blankets', 'childcare'])
      expect(all.facets.kind).toEqual({ job: 2, training: 1, donation: 1, project: 1 })
      expect(all.facets.organizationKind).toEqual({ enterprise: 2, mass_org: 3 })
      expect(all.facets.region).toMatchObject({ '522634': 2, '522630': 1, '621102': 1, '410225': 1 })
      expect(all.facets.targetGroup).toMatchObject({ single_mothers: 1, left_behind_children: 1 })
      expect(all.facets.category).toMatchObject({ employment: 2, childcare: 1, education: 1 })
    })

    it('filters by kind, category, region prefix, organization kind and target group; pages', async () => {
      const search = await setup()
      expect((await search.search({}, { kind: ['job'] }, 'newest', page)).total).toBe(2)
      expect((await search.search({}, { region: '5226' }, 'newest', page)).hits.map((h) => key(h.id)).sort()).toEqual(['blankets', 'ecommerce', 'welder'])
      expect((await search.search({ text: '焊工' }, { region: '62' }, 'relevance', page)).hits.map((h) => key(h.id))).toEqual(['welder-far'])
      expect((await search.search({}, { category: ['education'] }, 'newest', page)).hits.map((h) => key(h.id))).toEqual(['childcare'])
      expect((await search.search({}, { organizationKind: ['enterprise'], targetGroup: ['rural_low_income'] }, 'newest', page)).hits.map((h) => key(h.id))).toEqual(['welder'])
      const second = await search.search({}, {}, 'newest', { page: 2, perPage: 2 })
      expect(second.total).toBe(5)
      expect(second.hits.map((h) => key(h.id))).toEqual(['ecommerce', 'blankets'])
      expect((await search.search({ text: '焊工' }, { kind: ['donation'] }, 'relevance', page)).total).toBe(0)
    })

    it('counts the total and the facets over every match of a text search within the filters, not over the page', async () => {
      const search = await setup()
      const welder = await search.search({ text: '焊工' }, {}, 'relevance', { page: 2, perPage: 1 })
      expect(welder.hits).toHaveLength(1)
      expect(welder.total).toBe(2)
      expect(welder.fuzzy).toBe(false)
      expect(welder.facets.kind).toEqual({ job: 2 })
      expect(welder.facets.region).toEqual({ '522634': 1, '621102': 1 })
      expect(welder.facets.organizationKind).toEqual({ enterprise: 2 })
      expect(welder.facets.category).toEqual({ employment: 2 })
      expect(welder.facets.targetGroup).toEqual({ rural_low_income: 1 })
      const near = await search.search({ text: '焊工' }, { region: '52', kind: ['job'] }, 'relevance', page)
      expect(near.hits.map((h) => key(h.id))).toEqual(['welder'])
      expect(near.total).toBe(1)
      expect(near.facets.kind).toEqual({ job: 1 })
      expect(near.facets.region).toEqual({ '522634': 1 })
      // Several categories on one listing each count it once.
      const childcare = await search.search({ text: '托管' }, {}, 'relevance', page)
      expect(childcare.facets.category).toEqual({ childcare: 1, education: 1 })
      expect(childcare.facets.targetGroup).toEqual({ left_behind_children: 1 })
    })

    it.skipIf(engine.name !== 'postgres')('counts the fuzzy fallback like any other answer, and ignores a filter value outside the enums', async () => {
      const search = await setup()
      // 焊公 is a typo: no document has the word, the trigram fallback answers.
      const typo = await search.search({ text: '焊公' }, {}, 'relevance', page)
      expect(typo.fuzzy).toBe(true)
      expect(typo.hits.map((h) => key(h.id)).sort()).toEqual(['welder', 'welder-far'])
      expect(typo.total).toBe(2)
      expect(typo.facets.kind).toEqual({ job: 2 })
      expect(typo.facets.region).toEqual({ '522634': 1, '621102': 1 })
      // Within the filters: the fallback also respects them.
      const typoNear = await search.search({ text: '焊公' }, { region: '5226' }, 'relevance', page)
      expect(typoNear.hits.map((h) => key(h.id))).toEqual(['welder'])
      expect(typoNear.facets.region).toEqual({ '522634': 1 })
      // Kinds compare as enums; an unknown value matches nothing instead of failing the query.
      const unknown = await search.search({ text: '焊工' }, { kind: ['job', 'nonsense' as 'job'] }, 'relevance', page)
      expect(unknown.total).toBe(2)
      expect((await search.search({}, { kind: ['nonsense' as 'job'], organizationKind: ['enterprise'] }, 'newest', page)).total).toBe(0)
      expect((await search.search({}, { organizationKind: ['nonsense' as 'enterprise'] }, 'newest', page)).total).toBe(0)
    })

    it('still finds a listing for a small typo or a partial word', async () => {
      const search = await setup()
      const typo = await search.search({ text: '棉被子捐赠' }, {}, 'relevance', page)
      expect(typo.hits.map((h) => key(h.id))).toContain('blankets')
      const partial = await search.search({ text: '托管项' }, {}, 'relevance', page)
      expect(partial.hits.map((h) => key(h.id))).toContain('childcare')
    })

    it.skipIf(engine.name !== 'postgres')('falls back to listings with any of the words when no listing has them all, more words first, within the filters', async () => {
      const search = await setup()
      // 焊工 and 棉被 are both indexed but never in the same listing.
      const either = await search.search({ text: '焊工 棉被' }, {}, 'relevance', page)
      expect(either.fuzzy).toBe(true)
      expect(either.hits.map((h) => key(h.id)).sort()).toEqual(['blankets', 'welder', 'welder-far'])
      expect(either.total).toBe(3)
      expect(either.facets.kind).toEqual({ job: 2, donation: 1 })
      // The welder in 雷山县电子厂 holds two of the three words and comes first, whatever the viewer's region.
      const more = await search.search({ text: '焊工 电子厂 棉被', viewerRegion: '621102' }, {}, 'relevance', page)
      expect(more.fuzzy).toBe(true)
      expect(more.hits.map((h) => key(h.id))[0]).toBe('welder')
      expect(more.total).toBe(3)
      // The filters apply to the fallback as to exact matches, and so do the facets.
      const donations = await search.search({ text: '焊工 棉被' }, { kind: ['donation'] }, 'relevance', page)
      expect(donations.hits.map((h) => key(h.id))).toEqual(['blankets'])
      expect(donations.facets.kind).toEqual({ donation: 1 })
      const far = await search.search({ text: '焊工 棉被' }, { region: '62' }, 'relevance', page)
      expect(far.hits.map((h) => key(h.id))).toEqual(['welder-far'])
      expect((await search.search({ text: '焊工 棉被' }, { category: ['education'] }, 'relevance', page)).total).toBe(0)
      // A typo and a word in the same query: every word must still match (焊工 for 焊公, 宿舍 as is).
      const typo = await search.search({ text: '焊公 宿舍' }, {}, 'relevance', page)
      expect(typo.fuzzy).toBe(true)
      expect(typo.hits.map((h) => key(h.id))).toEqual(['welder'])
    })

    it('never fails on hostile query text', async () => {
      const search = await setup()
      const texts = [
        "'",
        "''焊工'",
        '\\',
        '焊工\\',
        '焊工 & 棉被',
        '焊工 | !棉被',
        '!焊工',
        '焊:* & 棉被:A',
        '(焊工',
        '焊工 <-> 棉被',
        "'焊工' & '棉被' | !'托管'",
        '"焊工" OR 1=1; --',
        '焊公 \\x27 \' :* & | !',
        '%_焊%',
        '焊'.repeat(3000),
        '焊公 棉被子 托管项 '.repeat(400),
        Array.from({ length: 300 }, (_, i) => `词${i}`).join(' '),
      ]
      for (const text of texts) {
        const result = await search.search({ text, viewerRegion: '522634' }, { kind: ['job', 'donation', 'project'] }, 'relevance', page)
        expect(result.total).toBeGreaterThanOrEqual(result.hits.length)
      }
    })

    it.skipIf(engine.name !== 'postgres')('offers as corrections only words of the current documents: after an edit, a removal, a deleted listing, clear()', async () => {
      const search = (await setup()) as PostgresSearchEngine
      const vocabulary = async (word: string) =>
        ((await db.execute(sql`select documents from listing_search_words where word = ${word}`)) as unknown as Array<{ documents: number }>)[0]?.documents ?? 0
      const found = async (text: string) => (await search.search({ text }, {}, 'relevance', page)).hits.map((h) => key(h.id)).sort()
      expect(await vocabulary('焊工')).toBe(2)
      expect(await vocabulary('定西市')).toBe(1)
      // A partial word reaches the word that holds it: 宿 → 宿舍 (only the welder's description has it).
      expect(await found('宿')).toEqual(['welder'])
      // Edit: the welder's description no longer mentions 宿舍.
      await search.index([await welderDocument(search, 2, { description: '招聘熟练焊工，包吃住。' })])
      expect(await vocabulary('宿舍')).toBe(0)
      expect(await found('宿')).toEqual([])
      expect(await found('宿舍')).toEqual([])
      // An older version arriving late changes neither the document nor the vocabulary.
      await search.index([await welderDocument(search, 1, { description: '招聘熟练焊工，提供宿舍。' })])
      expect(await vocabulary('宿舍')).toBe(0)
      expect(await vocabulary('焊工')).toBe(2)
      // Removal (unpublish): a word the removed listing shared stays with the others' count, its own words go.
      await search.remove([ids.get('welder-far')!])
      expect(await vocabulary('焊工')).toBe(1)
      expect(await vocabulary('定西市')).toBe(0)
      expect(await found('定西')).toEqual([])
      expect(await found('焊公')).toEqual(['welder'])
      // A listing deleted with its document (ON DELETE CASCADE) takes its words along.
      const { listings } = await import('@db/schema')
      await db.delete(listings).where(eq(listings.id, ids.get('blankets')!))
      expect(await vocabulary('棉被')).toBe(0)
      expect(await found('棉')).toEqual([])
      // A vocabulary word that is no valid tsquery text on its own never breaks the fallback.
      await db.execute(sql`insert into listing_search_words (word, documents) values (${"p'q\\:*&|!()"}, 1)`)
      expect(await found('p')).toEqual([])
      // rebuildDerived() (npm run reindex) recounts from the documents and drops what no document has.
      await search.rebuildDerived()
      expect(await vocabulary("p'q\\:*&|!()")).toBe(0)
      expect(await vocabulary('焊工')).toBe(1)
      await search.clear()
      expect(((await db.execute(sql`select count(*)::int as n from listing_search_words`)) as unknown as Array<{ n: number }>)[0]!.n).toBe(0)
    })

    it.skipIf(engine.name !== 'postgres')('changes the vocabulary one writer at a time (an upsert fires two statement triggers: word order alone could deadlock)', async () => {
      const search = (await setup()) as PostgresSearchEngine
      const document = await welderDocument(search, 5)
      const other = db.$client
      await db.transaction(async (tx) => {
        await new PostgresSearchEngine(tx as never).index([document])
        // Until this transaction ends, another connection cannot take the vocabulary's lock.
        const [held] = await other`select pg_try_advisory_lock(hashtext('listing_search_words')) as taken`
        expect(held!.taken).toBe(false)
      })
      const [free] = await other`select pg_try_advisory_xact_lock(hashtext('listing_search_words')) as taken`
      expect(free!.taken).toBe(true)
    })

    it('removes documents and re-indexes a newer version in place, never an older one over it', async () => {
      const search = await setup()
      await search.remove([ids.get('blankets')!])
      expect((await search.search({ text: '棉被' }, {}, 'relevance', page)).total).toBe(0)
      await search.index([await welderDocument(search, 3, { title: '雷山县电子厂招聘电工', extra: '' })])
      await search.index([await welderDocument(search, 2, { title: '雷山县电子厂招聘焊工 旧版本', extra: '' })])
      const after = await search.search({ text: '电工' }, {}, 'relevance', page)
      expect(after.hits.map((h) => h.title)).toEqual(['雷山县电子厂招聘电工'])
    })
  })
}
