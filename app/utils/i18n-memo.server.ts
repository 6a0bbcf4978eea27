import type { i18n as I18n } from 'i18next'

type Plain = string | number | boolean | null | undefined
const isPlain = (v: unknown): boolean => v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v) || (Array.isArray(v) && v.every((x) => isPlain(x)))
// Strings are remembered only where i18next reads them as options (namespaces, context); an
// interpolated string may be a person's name, which the server must not keep beyond its request.
const STRING_OPTIONS = new Set(['ns', 'context'])
const isRememberable = ([name, v]: [string, unknown]) => (typeof v === 'string' || (Array.isArray(v) && v.some((x) => typeof x === 'string')) ? STRING_OPTIONS.has(name) && isPlain(v) : isPlain(v))

/**
 * Remembers translations for the life of an i18next instance. Each t() walks the language
 * hierarchy (Intl.getCanonicalLocales for zh-CN): ~14 µs a call, and a page of matched offers
 * makes hundreds of identical calls. Only calls whose options are plain values (the translation is
 * then a pure function of language, key and options) and carry no interpolated text are
 * remembered; anything else goes straight to i18next. The server keeps one instance per locale for its whole life, so the memory is
 * bounded: past `maxEntries` remembered calls it starts afresh (interpolated values such as names
 * and amounts make the set of calls open-ended).
 */
export function memoizeTranslations(instance: I18n, { maxEntries = 20_000 }: { maxEntries?: number } = {}) {
  const translate = instance.t.bind(instance) as unknown as (...args: unknown[]) => unknown
  const cache = new Map<string, unknown>()
  const memo = (...args: unknown[]) => {
    const [key, options] = args
    if (args.length > 2 || typeof key !== 'string') return translate(...args)
    if (options !== undefined && (typeof options !== 'object' || options === null || !Object.entries(options).every(isRememberable))) return translate(...args)
    const cacheKey = `${instance.language}\u0000${key}\u0000${options === undefined ? '' : JSON.stringify(options as Record<string, Plain>)}`
    const known = cache.get(cacheKey)
    if (known !== undefined || cache.has(cacheKey)) return known
    const text = translate(...args)
    if (cache.size >= maxEntries) cache.clear()
    cache.set(cacheKey, text)
    return text
  }
  instance.t = memo as unknown as I18n['t']
  return instance
}
