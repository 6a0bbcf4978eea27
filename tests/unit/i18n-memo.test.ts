// The translation memo (kept for the life of the server's per-locale instance) must never change what a visitor reads: every call gives
// what i18next itself gives, for plain options, interpolation, plurals, other namespaces and
// options it does not remember (functions), in both locales.
import { createInstance } from 'i18next'
import { describe, expect, it } from 'vitest'
import { i18nConfig } from '~/i18n'
import { memoizeTranslations } from '~/utils/i18n-memo.server'
import { i18next, localeCookie } from '~/utils/i18n.server'

async function instances(lng: string) {
  const plain = createInstance()
  await plain.init({ ...i18nConfig, lng })
  const memo = createInstance()
  await memo.init({ ...i18nConfig, lng })
  memoizeTranslations(memo)
  return { plain, memo }
}

describe('memoizeTranslations', () => {
  for (const lng of ['zh-CN', 'en']) {
    it(`gives exactly what i18next gives (${lng}), however often it is asked`, async () => {
      const { plain, memo } = await instances(lng)
      const calls: [string, Record<string, unknown>?][] = [
        ['matching:offers.apply'],
        ['matching:offers.score', { score: 87 }],
        ['matching:offers.score', { score: 12 }],
        ['matching:offers.for_member', { name: '王光明' }],
        ['matching:skill_levels.intermediate'],
        ['offers.title', { ns: 'matching' }],
        ['offers.title', { ns: ['matching', 'households'] }],
        ['common:no.such.key'],
        ['matching:offers.score', { score: 5, interpolation: { format: (v: unknown) => `<${String(v)}>` } }],
      ]
      for (let round = 0; round < 3; round++) {
        for (const [key, options] of calls) expect(memo.t(key, options as never)).toBe(plain.t(key, options as never))
      }
      const fixedMemo = memo.getFixedT(lng, 'matching')
      const fixedPlain = plain.getFixedT(lng, 'matching')
      expect(fixedMemo('offers.score', { score: 3 })).toBe(fixedPlain('offers.score', { score: 3 }))
      expect(fixedMemo('offers.score', { score: 4 })).toBe(fixedPlain('offers.score', { score: 4 }))
    })
  }

  it('follows a change of language', async () => {
    const { plain, memo } = await instances('zh-CN')
    const zh = memo.t('matching:offers.apply')
    await memo.changeLanguage('en')
    await plain.changeLanguage('en')
    expect(memo.t('matching:offers.apply')).toBe(plain.t('matching:offers.apply'))
    expect(memo.t('matching:offers.apply')).not.toBe(zh)
  })

  it('stays right when it starts afresh past its bound', async () => {
    const plain = createInstance()
    await plain.init({ ...i18nConfig, lng: 'zh-CN' })
    const memo = createInstance()
    await memo.init({ ...i18nConfig, lng: 'zh-CN' })
    memoizeTranslations(memo, { maxEntries: 3 })
    for (let score = 0; score < 20; score++) {
      expect(memo.t('matching:offers.score', { score })).toBe(plain.t('matching:offers.score', { score }))
      expect(memo.t('matching:offers.apply')).toBe(plain.t('matching:offers.apply'))
    }
  })
})

describe('what the translation memo keeps', () => {
  it('remembers numbers and namespaces, never interpolated text such as a name', async () => {
    const instance = createInstance()
    await instance.init({ ...i18nConfig, lng: 'zh-CN' })
    let asked = 0
    const original = instance.t.bind(instance) as unknown as (...args: unknown[]) => unknown
    instance.t = ((...args: unknown[]) => {
      asked++
      return original(...args)
    }) as never
    memoizeTranslations(instance)
    for (let i = 0; i < 3; i++) instance.t('matching:offers.score', { score: 7 })
    for (let i = 0; i < 3; i++) instance.t('offers.title', { ns: 'matching' })
    expect(asked).toBe(2)
    for (let i = 0; i < 3; i++) instance.t('matching:offers.for_member', { name: '王光明' })
    expect(asked).toBe(5)
  })
})

describe('the server i18next (one instance per locale, remembered detection)', () => {
  const request = (headers: Record<string, string>) => new Request('http://localhost/', { headers })

  it('detects the locale from the cookie first, then Accept-Language, however often it is asked', async () => {
    for (let round = 0; round < 3; round++) {
      expect(await i18next.getLocale(request({ 'accept-language': 'en-US,en;q=0.9' }))).toBe('en')
      expect(await i18next.getLocale(request({ 'accept-language': 'zh-CN' }))).toBe('zh-CN')
      expect(await i18next.getLocale(request({}))).toBe('zh-CN')
      const enCookie = await localeCookie.serialize('en')
      expect(await i18next.getLocale(request({ cookie: enCookie, 'accept-language': 'zh-CN' }))).toBe('en')
      const zhCookie = await localeCookie.serialize('zh-CN')
      expect(await i18next.getLocale(request({ cookie: zhCookie, 'accept-language': 'en' }))).toBe('zh-CN')
      // The session cookie beside it plays no part; a long Accept-Language is still read right.
      expect(await i18next.getLocale(request({ cookie: `gj_session=${'x'.repeat(4000)}; ${enCookie}`, 'accept-language': 'zh-CN' }))).toBe('en')
      expect(await i18next.getLocale(request({ cookie: `gj_session=${'y'.repeat(4000)}`, 'accept-language': `${'fr;q=0.1,'.repeat(40)}en;q=0.9` }))).toBe('en')
    }
  })

  it('keeps one instance per supported locale, each fixed to its language', async () => {
    const zh = await i18next.instanceFor('zh-CN')
    const en = await i18next.instanceFor('en')
    expect(await i18next.instanceFor('zh-CN')).toBe(zh)
    expect(await i18next.instanceFor('fr')).toBe(zh)
    expect(zh.language).toBe('zh-CN')
    expect(en.language).toBe('en')
    const { plain: plainEn } = await instances('en')
    const { plain: plainZh } = await instances('zh-CN')
    expect(en.t('matching:offers.apply')).toBe(plainEn.t('matching:offers.apply'))
    expect(zh.t('matching:offers.apply')).toBe(plainZh.t('matching:offers.apply'))
    const t = await i18next.getFixedT(request({ 'accept-language': 'en' }), 'matching')
    expect(t('offers.apply')).toBe(plainEn.t('matching:offers.apply'))
    expect((await i18next.getFixedT('zh-CN', 'matching'))('offers.apply')).toBe(plainZh.t('matching:offers.apply'))
  })
})
