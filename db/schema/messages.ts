/**
 * Validation messages are catalog keys, not text, so one zod schema serves both
 * locales: `m('validation.too_short', { min: 3 })` → "validation.too_short|{"min":3}",
 * which the form components translate with i18next.
 */
export function m(key: string, params?: Record<string, string | number>) {
  return params ? `${key}|${JSON.stringify(params)}` : key
}

export function splitMessage(message: string): { key: string; params: Record<string, unknown> } {
  const bar = message.indexOf('|')
  if (bar === -1) return { key: message, params: {} }
  try {
    return { key: message.slice(0, bar), params: JSON.parse(message.slice(bar + 1)) }
  } catch {
    return { key: message, params: {} }
  }
}
