// Every user-visible string of the households and matching namespaces exists in both locales.
import { describe, expect, it } from 'vitest'
import { resources } from '~/i18n'

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix]
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('catalogs', () => {
  it.each(['households', 'matching'] as const)('%s has the same keys in zh-CN and en', (ns) => {
    expect(keys(resources.en[ns]).sort()).toEqual(keys(resources['zh-CN'][ns]).sort())
  })
})
