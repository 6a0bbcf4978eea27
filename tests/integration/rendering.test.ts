import { describe, expect, it } from 'vitest'
import { seed } from '@db/seed'
import { db } from '~/utils/db.server'
import { TestClient } from '../setup/app'

// React 18's streaming renderer can emit NUL bytes where long Chinese text meets a chunk
// boundary (entry.server.tsx filters them). Pages full of Chinese must come out clean.
describe('server rendering of Chinese pages', () => {
  it('never sends a NUL byte', async () => {
    await seed(db, { households: 20, listings: 300, quiet: true })
    const client = new TestClient()
    for (const path of ['/', '/listings', '/listings?page=2', '/listings?q=%E5%9F%B9%E8%AE%AD', '/signup']) {
      const bytes = new Uint8Array(await (await client.get(path)).arrayBuffer())
      expect(bytes.includes(0), path).toBe(false)
      // Rendered in one piece (no deferred data): one doctype, first, then the document.
      const html = new TextDecoder().decode(bytes)
      expect(html.match(/<!DOCTYPE html>/gi), path).toHaveLength(1)
      expect(html.startsWith('<!DOCTYPE html><html'), path).toBe(true)
      expect(html.trimEnd().endsWith('</html>'), path).toBe(true)
    }
  })
})
