import { describe, expect, it } from 'vitest'
import en from '../../public/locales/en/ledger.json'
import zh from '../../public/locales/zh-CN/ledger.json'
import { ledgerErrorCodes } from '~/models/ledger.server'

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('ledger catalogs', () => {
  it('have the same keys in zh-CN and en', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })

  it('explain every ledger refusal in both languages', () => {
    for (const code of ledgerErrorCodes) {
      expect(zh.errors[code], code).toBeTruthy()
      expect(en.errors[code], code).toBeTruthy()
    }
  })

  it('explain every flow refusal the models can raise', async () => {
    const { readFile } = await import('node:fs/promises')
    const sources = await Promise.all(['donations', 'lots', 'claims'].map((m) => readFile(`app/models/${m}.server.ts`, 'utf8')))
    const raised = new Set([...sources.join('\n').matchAll(/new FlowError\('([a-z_]+)'/g)].map((m) => m[1]!))
    expect(raised.size).toBeGreaterThan(10)
    for (const code of raised) {
      expect((zh.flow as Record<string, string>)[code], code).toBeTruthy()
      expect((en.flow as Record<string, string>)[code], code).toBeTruthy()
    }
  })
})
