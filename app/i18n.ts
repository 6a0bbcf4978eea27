// Shared i18next settings for server and browser. Catalogs live in
// public/locales/<lng>/<namespace>.json and are bundled so hydration never waits on a fetch.
import enAuth from '../public/locales/en/auth.json'
import enCommon from '../public/locales/en/common.json'
import enLedger from '../public/locales/en/ledger.json'
import zhAuth from '../public/locales/zh-CN/auth.json'
import zhCommon from '../public/locales/zh-CN/common.json'
import zhLedger from '../public/locales/zh-CN/ledger.json'

export const supportedLngs = ['zh-CN', 'en'] as const
export type Locale = (typeof supportedLngs)[number]
export const fallbackLng: Locale = 'zh-CN'
export const defaultNS = 'common'

export const resources = {
  'zh-CN': { common: zhCommon, auth: zhAuth, ledger: zhLedger },
  en: { common: enCommon, auth: enAuth, ledger: enLedger },
} as const

export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  ns: Object.keys(resources['zh-CN']),
  resources,
  interpolation: { escapeValue: false },
  react: { useSuspense: false },
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLngs as readonly string[]).includes(value)
}
