// The claim, evidence and lot forms as the browser gets them: each field's error is rendered under
// that field (role="alert", translated), the lot outlier question offers a confirm button, and the
// NGO's milestone shows the amount still due. Rendered from the route components, no build needed.
import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { createMemoryRouter, RouterProvider } from 'react-router-dom'
import { describe, expect, it } from 'vitest'
import { i18nConfig } from '~/i18n'
import Claims from '~/routes/org+/claims'
import Pledge from '~/routes/donor+/pledge.$listingId'

async function render(component: () => unknown, loaderData: unknown, actionData: unknown) {
  const i18n = createInstance()
  await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'zh-CN' })
  const router = createMemoryRouter([{ id: 'page', path: '/', element: createElement(component as never), loader: () => null, action: () => null }], {
    hydrationData: { loaderData: { page: loaderData }, actionData: { page: actionData } },
  })
  const html = renderToString(createElement(I18nextProvider, { i18n }, createElement(RouterProvider, { router })))
  return html.replace(/<!-- -->/g, '')
}

const alerts = (html: string) => [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:ul|p)>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''))

describe('org claims page', () => {
  const listingId = '11111111-1111-4111-8111-111111111111'
  const claimId = '22222222-2222-4222-8222-222222222222'
  const milestoneId = '33333333-3333-4333-8333-333333333333'
  const loaderData = {
    open: [{ id: listingId, title: '留守儿童课后陪伴项目', budget: '150000.00', organizationName: '县民政局' }],
    claims: [
      {
        id: claimId,
        title: '助学项目',
        status: 'approved',
        budget: '150000.00',
        listingId,
        milestones: [
          { id: milestoneId, title: '第1阶段', share: '30.00', dueOn: '2026-03-01', submissions: [{ id: 's1', status: 'approved', paid: '5000.00', stillDue: '40000.00', note: null }] },
          { id: '44444444-4444-4444-8444-444444444444', title: '第2阶段', share: '70.00', dueOn: '2026-04-01', submissions: [] },
        ],
      },
    ],
  }

  it('shows the plan and budget errors under their fields, not a generic bad request', async () => {
    const html = await render(Claims, loaderData, { ok: false, target: listingId, fieldErrors: { plan: { key: 'ledger:flow.plan_too_long', params: { max: 4000, length: 6000 } }, budget: { key: 'ledger:flow.budget_required', params: {} } }, values: { plan: '每周两次课后陪伴', budget: '' } })
    // The plan as typed is shown again.
    expect(html).toContain('每周两次课后陪伴</textarea>')
    expect(alerts(html)).toEqual(['实施方案不能超过 4000 个字（当前 6000 个字）', '请填写申请预算（元）'])
    expect(html).toContain(`aria-describedby="plan-error-${listingId}"`)
    expect(html).not.toContain('请求内容不正确')
  })

  it('shows paid and still-due amounts of a partly paid milestone, and an evidence error under its form', async () => {
    const target = `${claimId}:44444444-4444-4444-8444-444444444444`
    const html = await render(Claims, loaderData, { ok: false, target, fieldErrors: { evidence: { key: 'ledger:flow.evidence_required', params: {} } } })
    expect(html).toContain('已通过 · 已拨付 ¥5000.00 · 尚待拨付 ¥40000.00（托管资金不足）')
    expect(alerts(html)).toEqual(['请填写佐证材料说明'])
  })
})

describe('donor lot form', () => {
  const loaderData = {
    listing: { id: '55555555-5555-4555-8555-555555555555', title: '冬季棉被捐赠', kind: 'donation', donationType: 'in_kind', itemKind: '棉被', itemUnit: '条' },
    totals: { pledged: '0.00', held: '0.00', paidOut: '0.00' },
    key: '66666666-6666-4666-8666-666666666666',
    today: '2026-01-15',
  }

  it('puts a quantity error under the quantity and an expiry error under the expiry', async () => {
    const html = await render(Pledge, loaderData, {
      ok: false,
      error: { key: 'ledger:flow.quantity_not_whole', params: { unit: '条' } },
      fieldErrors: { quantity: { key: 'ledger:flow.quantity_not_whole', params: { unit: '条' } }, expiresOn: { key: 'ledger:flow.expiry_past', params: { date: '2020-01-01', today: '2026-01-15' } } },
      values: { quantity: '1.5', condition: 'good', expiresOn: '2020-01-01' },
    })
    // What was typed is shown again, to be corrected rather than retyped.
    expect(html).toContain('value="1.5"')
    expect(html).toContain('value="2020-01-01"')
    expect(alerts(html)).toEqual(['数量必须是整数（条）', '保质期 2020-01-01 已过（今天是 2026-01-15），过期物资不能登记捐赠'])
    expect(html).toMatch(/id="quantity-error"/)
    expect(html).toMatch(/id="expiresOn-error"/)
    expect(html).toContain('min="2026-01-15"')
    expect(html).not.toContain('金额')
  })

  it('asks to confirm an outlying lot, carrying the form over', async () => {
    const html = await render(Pledge, loaderData, { ok: false, confirmLot: { quantity: '100000000', reference: '100', basis: 'requested', unit: '条', kind: '棉被', key: loaderData.key, raw: '100000000', condition: 'new', expiresOn: '' } })
    expect(html).toContain('data-testid="lot-confirm"')
    expect(alerts(html)[0]).toBe('这批数量 100000000 条 是该需求数量（100 条）的 10 倍以上。确认无误吗？')
    expect(html).toContain('name="confirmOutlier" value="yes"')
    expect(html).toContain('name="quantity" value="100000000"')
  })
})
