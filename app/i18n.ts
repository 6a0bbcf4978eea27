// Shared i18next settings for server and browser. Catalogs live in
// public/locales/<lng>/<namespace>.json and are bundled so hydration never waits on a fetch.
import enAdmin from '../public/locales/en/admin.json'
import enAuth from '../public/locales/en/auth.json'
import enCommon from '../public/locales/en/common.json'
import enEvaluation from '../public/locales/en/evaluation.json'
import enFeeds from '../public/locales/en/feeds.json'
import enHouseholds from '../public/locales/en/households.json'
import enImports from '../public/locales/en/imports.json'
import enKpi from '../public/locales/en/kpi.json'
import enLedger from '../public/locales/en/ledger.json'
import enListings from '../public/locales/en/listings.json'
import enMatching from '../public/locales/en/matching.json'
import enMonitoring from '../public/locales/en/monitoring.json'
import zhAdmin from '../public/locales/zh-CN/admin.json'
import zhAuth from '../public/locales/zh-CN/auth.json'
import zhCommon from '../public/locales/zh-CN/common.json'
import zhEvaluation from '../public/locales/zh-CN/evaluation.json'
import zhFeeds from '../public/locales/zh-CN/feeds.json'
import zhHouseholds from '../public/locales/zh-CN/households.json'
import zhImports from '../public/locales/zh-CN/imports.json'
import zhKpi from '../public/locales/zh-CN/kpi.json'
import zhLedger from '../public/locales/zh-CN/ledger.json'
import zhListings from '../public/locales/zh-CN/listings.json'
import zhMatching from '../public/locales/zh-CN/matching.json'
import zhMonitoring from '../public/locales/zh-CN/monitoring.json'

export const supportedLngs = ['zh-CN', 'en'] as const
export type Locale = (typeof supportedLngs)[number]
export const fallbackLng: Locale = 'zh-CN'
export const defaultNS = 'common'

export const resources = {
  'zh-CN': { common: zhCommon, auth: zhAuth, admin: zhAdmin, feeds: zhFeeds, listings: zhListings, matching: zhMatching, households: zhHouseholds, ledger: zhLedger, monitoring: zhMonitoring, kpi: zhKpi, evaluation: zhEvaluation, imports: zhImports },
  en: { common: enCommon, auth: enAuth, admin: enAdmin, feeds: enFeeds, listings: enListings, matching: enMatching, households: enHouseholds, ledger: enLedger, monitoring: enMonitoring, kpi: enKpi, evaluation: enEvaluation, imports: enImports },
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
