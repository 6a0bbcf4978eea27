import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries } from '@db/schema'
import { recordAudit, searchAudit } from '~/models/audit.server'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { expectDatabaseRefusal } from '../setup/db-errors'

describe('audit log', () => {
  it('records entries with actor, before and after, and finds them again', async () => {
    const admin = await makeUser({ role: 'admin' })
    await recordAudit(db, {
      actor: { id: admin.id },
      action: 'organization.verify',
      entityType: 'organization',
      entityId: 'org-1',
      before: { verifiedAt: null },
      after: { verifiedAt: '2026-11-24' },
    })
    await recordAudit(db, { actor: { system: 'feed:medical_insurance' }, action: 'household.update', entityType: 'household', entityId: 'hh-9' })
    const found = await searchAudit({ entityType: 'organization' })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ actorId: admin.id, actorName: '测试用户', actorUsername: admin.username, actorRole: 'admin', action: 'organization.verify', before: { verifiedAt: null } })
    const system = await searchAudit({ text: 'hh-9' })
    expect(system[0]).toMatchObject({ actorId: null, actorLabel: 'feed:medical_insurance' })
  })

  it('refuses updates, deletes and truncation in the database itself', async () => {
    await recordAudit(db, { actor: { system: 'test' }, action: 'x.create', entityType: 'x', entityId: '1' })
    const before = await db.select().from(auditEntries)
    await expectDatabaseRefusal(db.update(auditEntries).set({ note: 'tampered' }), /append-only/)
    await expectDatabaseRefusal(db.delete(auditEntries), /append-only/)
    await expectDatabaseRefusal(db.execute(sql`truncate audit_entries`), /append-only/)
    expect(await db.select().from(auditEntries)).toEqual(before)
  })
})

describe('audit log page', () => {
  it('lets admins search the log and refuses everyone else', async () => {
    const { TestClient, textOf } = await import('../setup/app')
    const admin = await makeUser({ role: 'admin' })
    await recordAudit(db, { actor: { id: admin.id }, action: 'listing.publish', entityType: 'listing', entityId: 'abc-listing' })
    await recordAudit(db, { actor: { system: 'worker' }, action: 'household.update', entityType: 'household', entityId: 'hh-1' })
    const client = new TestClient()
    await client.logIn(admin.username, admin.password)
    const page = textOf(await (await client.get('/admin/audit?entityType=listing')).text())
    expect(page).toContain('listing.publish')
    expect(page).not.toContain('household.update')

    const caseworker = await makeUser({ role: 'caseworker' })
    const other = new TestClient()
    await other.logIn(caseworker.username, caseworker.password)
    expect((await other.get('/admin/audit')).status).toBe(403)
  })
})
