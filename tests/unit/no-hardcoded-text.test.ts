import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// The UI is bilingual: every Chinese string belongs in public/locales, never in a component.
async function filesUnder(dir: string, suffix: string) {
  const entries = await readdir(dir, { recursive: true })
  return entries.filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f))
}

const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]/

describe('components', () => {
  it('contain no Chinese text outside comments', async () => {
    const offenders: string[] = []
    for (const file of await filesUnder('app', '.tsx')) {
      const lines = (await readFile(file, 'utf8')).split('\n')
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/\{\/\*.*?\*\/\}/g, '')
        if (/^\s*(\*|\/\*)/.test(line)) return
        if (CJK.test(code)) offenders.push(`${file}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(offenders).toEqual([])
  })

  it('have every catalog key in both locales', async () => {
    const flatten = (obj: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]))
    const namespaces = new Set<string>()
    for (const file of await filesUnder('public/locales', '.json')) namespaces.add(path.basename(file))
    for (const ns of namespaces) {
      const zh = flatten(JSON.parse(await readFile(`public/locales/zh-CN/${ns}`, 'utf8'))).sort()
      const en = flatten(JSON.parse(await readFile(`public/locales/en/${ns}`, 'utf8'))).sort()
      expect({ ns, keys: en }).toEqual({ ns, keys: zh })
    }
  })
})
