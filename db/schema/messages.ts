import { z } from 'zod'

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

// NUL and other control characters (tab and line breaks excepted) are never part of what a person
// types; PostgreSQL cannot even store NUL. Free-text fields refuse them with a message.
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
export const withoutControlChars = (value: string) => !CONTROL_CHARS.test(value)
export const controlCharsMessage = m('validation.control_characters')

/**
 * zod's own messages are English sentences; a field with no message of its own (a wrong type from
 * a tampered form, an unknown enum value) would show one to a Chinese visitor. This map turns
 * every default into a catalog key instead; messages a schema states itself still win.
 */
z.setErrorMap((issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return { message: issue.received === 'undefined' || issue.received === 'null' ? m('validation.required') : m('validation.invalid_value') }
    case 'invalid_enum_value':
    case 'invalid_literal':
    case 'invalid_union_discriminator':
      return { message: m('validation.choose_one') }
    case 'too_big':
      if (issue.type === 'string') return { message: m('validation.too_long', { max: Number(issue.maximum) }) }
      return { message: m('validation.invalid_value') }
    case 'too_small':
      if (issue.type === 'string') return { message: Number(issue.minimum) <= 1 ? m('validation.required') : m('validation.too_short', { min: Number(issue.minimum) }) }
      return { message: m('validation.invalid_value') }
    default:
      return { message: m('validation.invalid_value') }
  }
})
