import { createCookie } from '@remix-run/node'
import { createInstance, type i18n as I18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { RemixI18Next } from 'remix-i18next/server'
import { i18nConfig, supportedLngs, fallbackLng, isLocale, type Locale } from '~/i18n'
import { memoizeTranslations } from './i18n-memo.server'

/** The visitor's chosen locale; read before Accept-Language, zh-CN when neither says. */
export const localeCookie = createCookie('lng', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
})

/** Remembered locale detections; past this many distinct header pairs it starts afresh. */
const MAX_REMEMBERED_LOCALES = 5_000
const MAX_ACCEPT_LANGUAGE = 256

/**
 * remix-i18next, with two savings for a server that renders many pages a second:
 * - the locale depends only on the Cookie and Accept-Language headers (detection order below), so
 *   it is worked out once per distinct pair instead of by every loader of every request;
 * - the server keeps one initialized i18next instance per locale (the catalogs are bundled and
 *   never change at run time, and nothing on the server switches an instance's language), instead
 *   of creating and initializing one per render or per getFixedT().
 */
class ServerI18Next extends RemixI18Next {
  private readonly locales = new Map<string, Promise<string>>()
  private readonly instances = new Map<Locale, Promise<I18n>>()

  override getLocale(request: Request): Promise<string> {
    // Keyed on what detection reads: the `lng` cookie's own value (never the session cookie beside it)
    // and Accept-Language; an unusually long header is worked out every time rather than remembered.
    const acceptLanguage = request.headers.get('accept-language') ?? ''
    const lng = /(?:^|;\s*)lng=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1] ?? ''
    if (acceptLanguage.length > MAX_ACCEPT_LANGUAGE || lng.length > 64) return super.getLocale(request)
    const key = `${lng}\u0000${acceptLanguage}`
    let locale = this.locales.get(key)
    if (!locale) {
      if (this.locales.size >= MAX_REMEMBERED_LOCALES) this.locales.clear()
      locale = super.getLocale(request)
      locale.catch(() => this.locales.delete(key))
      this.locales.set(key, locale)
    }
    return locale
  }

  /** The server's instance for a locale (an unsupported one gets the fallback locale's). */
  instanceFor(locale: string): Promise<I18n> {
    const lng = isLocale(locale) ? locale : fallbackLng
    let instance = this.instances.get(lng)
    if (!instance) {
      instance = (async () => {
        const created = createInstance()
        await created.use(initReactI18next).init({ ...i18nConfig, lng })
        return memoizeTranslations(created)
      })()
      this.instances.set(lng, instance)
    }
    return instance
  }

  override async getFixedT(requestOrLocale: Request | string, namespaces?: string | string[], options: { keyPrefix?: string } = {}) {
    const locale = typeof requestOrLocale === 'string' ? requestOrLocale : await this.getLocale(requestOrLocale)
    const instance = await this.instanceFor(locale)
    return instance.getFixedT(instance.language, namespaces ?? null, options.keyPrefix)
  }
}

export const i18next = new ServerI18Next({
  detection: {
    supportedLanguages: [...supportedLngs],
    fallbackLanguage: fallbackLng,
    cookie: localeCookie,
    order: ['cookie', 'header'],
  },
  i18next: i18nConfig,
})
