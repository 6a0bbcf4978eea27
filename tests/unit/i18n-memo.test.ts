// The per-request translation memo must never change what a visitor reads: every call gives
// what i18next itself gives, for plain options, interpolation, plurals, other namespaces and
// options it does not remember (functions), in both locales.
import { createInstance } from 'i18next'
import { describe, expect, it } from 'vitest'
import { i18nConfig } from '~/i18n'
import { memoizeTranslations } from '~/utils/i18n-memo.server'

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
})
