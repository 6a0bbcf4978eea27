import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { auditEntries, users } from '@db/schema'
import { db } from '~/utils/db.server'
import { makeUser } from '../factories/users'
import { TestClient, textOf } from '../setup/app'

describe('organization members', () => {
  it('lets the owner add a colleague who then logs in as a member of the same organization', async () => {
    const owner = await makeUser({ role: 'org_member' })
    const client = new TestClient()
    await client.logIn(owner.username, owner.password)
    const page = textOf(await (await client.get('/org')).text())
    expect(page).toContain('添加成员')

    const added = await client.post('/org?index', { intent: 'add_member', username: 'colleague1', displayName: '吴志强', password: 'start1234' })
    expect(added.status).toBe(200)
    expect(textOf(await added.text())).toContain('成员已添加')
    const [member] = await db.select().from(users).where(eq(users.username, 'colleague1'))
    expect(member).toMatchObject({ role: 'org_member', organizationId: owner.organizationId, orgMemberRole: 'member' })
    const audit = await db.select().from(auditEntries).where(eq(auditEntries.action, 'organization.add_member'))
    expect(audit).toHaveLength(1)

    const colleague = new TestClient()
    await colleague.logIn('colleague1', 'start1234')
    const home = textOf(await (await colleague.get('/org')).text())
    expect(home).toContain('吴志强')
    // Members are not owners: no form, and a direct post is refused with the reason.
    expect(home).not.toContain('添加成员')
    const refused = await colleague.post('/org?index', { intent: 'add_member', username: 'colleague2', displayName: '某', password: 'start1234' })
    expect(refused.status).toBe(403)
    expect(textOf(await refused.text())).toContain('只有组织负责人可以执行此操作')
  })

  it('reports field errors (taken username, weak password) and adds nobody', async () => {
    const owner = await makeUser({ role: 'org_member' })
    await makeUser({ role: 'donor', username: 'takenuser' })
    const client = new TestClient()
    await client.logIn(owner.username, owner.password)
    const before = (await db.select().from(users)).length
    const taken = await client.post('/org?index', { intent: 'add_member', username: 'takenuser', displayName: '甲', password: 'start1234' })
    expect(taken.status).toBe(400)
    expect(textOf(await taken.text())).toContain('该账号已被注册')
    const weak = await client.post('/org?index', { intent: 'add_member', username: 'newone', displayName: '乙', password: 'short' })
    expect(weak.status).toBe(400)
    expect(textOf(await weak.text())).toContain('至少需要 8 个字符')
    expect((await db.select().from(users)).length).toBe(before)
  })
})
