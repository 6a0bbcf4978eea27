import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { FlowChart } from '~/components/flow-chart'
import { escrowReturnsTo, withdrawPledge } from '~/models/donations.server'
import { donorTrace } from '~/models/trace.server'
import { requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'donor')
  const [trace, returns] = await Promise.all([donorTrace(user.id), escrowReturnsTo(user.id)])
  // What a closed project sent back from its escrow (the part of posted pledges no milestone used):
  // in the money diagram (listing → returned), the timeline and its own table.
  const flows = trace.flows.map((f) => ({ ...f, links: [...f.links] }))
  let money = flows.find((f) => f.key === 'money')
  if (returns.length && !money) flows.unshift((money = { key: 'money', kind: 'money', unit: 'CNY', links: [] }))
  for (const r of returns) {
    const source = `listing:${r.title}`
    const found = money!.links.find((l) => l.source === source && l.target === 'state:returned')
    if (found) found.value = new Decimal(found.value).plus(r.amount).toDecimalPlaces(2).toNumber()
    else money!.links.push({ source, target: 'state:returned', value: new Decimal(r.amount).toNumber() })
  }
  const timeline = [...trace.timeline, ...returns.map((r) => ({ at: r.createdAt, event: 'escrow_returned', what: r.title, amount: r.amount, unit: 'CNY' }))].sort((a, b) => b.at.localeCompare(a.at))
  return json({ ...trace, flows, timeline, returns })
}

const WithdrawForm = z.object({ intent: z.literal('withdraw'), pledgeId: z.string().min(1).max(128) })

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'donor')
  const parsed = WithdrawForm.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false as const, error: { key: 'ledger:flow.pledge_not_found', params: {} } }, { status: 400 })
  try {
    await withdrawPledge({ id: user.id, role: user.role, organizationId: user.organizationId }, parsed.data.pledgeId)
    return json({ ok: true as const })
  } catch (error) {
    return refusal(error)
  }
}

export default function Gifts() {
  const { t, i18n } = useTranslation('ledger')
  const { money, items, flows, timeline, returns } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as { ok: true } | { ok: false; error: { key: string; params: Record<string, string | number> } } | undefined
  const date = (iso: string) => new Date(iso).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai' })
  const label = useCallback(
    (node: string) => {
      if (node === 'donor') return t('donor.title')
      const [kind, ...rest] = node.split(':')
      const text = rest.join(':')
      if (kind === 'state') return t(`states.${text}`)
      return text
    },
    [t],
  )
  return (
    <div data-testid="donor-gifts">
      <h1>{t('donor.title')}</h1>
      <p className="lead">{t('donor.lead')}</p>
      <p>
        <a href="/donor/gifts.csv" download>
          {t('donor.export')}
        </a>
      </p>
      {data?.ok ? <p className="notice success" role="status">{t('donor.withdrawn')}</p> : null}
      {data && !data.ok ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      {money.length === 0 && items.length === 0 ? <p className="muted">{t('donor.none')}</p> : null}

      {flows.map((flow) => (
        <section className="panel" key={flow.key} data-testid={`flow-${flow.kind}`}>
          <h2>{flow.kind === 'money' ? t('donor.flow_money') : t('donor.flow_items', { kind: flow.key.slice('items:'.length).split('/')[0], unit: flow.unit })}</h2>
          <FlowChart links={flow.links} label={label} />
        </section>
      ))}

      {money.length ? (
        <section className="panel">
          <h2>{t('donor.money_gifts')}</h2>
          <table data-testid="money-gifts">
            <tbody>
              {money.map((g) => (
                <tr key={g.id} data-state={g.state}>
                  <td>{date(g.createdAt)}</td>
                  <td>
                    <a href={`/funds/${g.listingId}`}>{g.title}</a> · {g.organizationName}
                  </td>
                  <td className="num">¥{g.amount}</td>
                  <td>{t(`states.${g.state}`)}</td>
                  <td>
                    {g.state === 'held' && g.deadline ? `${t('donor.deadline')} ${date(g.deadline)}` : null}
                    {g.state === 'held' ? (
                      <Form method="post" className="inline">
                        <input type="hidden" name="intent" value="withdraw" />
                        <input type="hidden" name="pledgeId" value={g.id} />
                        <button type="submit" className="button small secondary">
                          {t('donor.withdraw')}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {returns.length ? (
        <section className="panel">
          <h2>{t('donor.escrow_returns')}</h2>
          <p className="muted">{t('donor.escrow_returns_lead')}</p>
          <table data-testid="escrow-returns">
            <tbody>
              {returns.map((r) => (
                <tr key={r.id} data-state="returned">
                  <td>{date(r.createdAt)}</td>
                  <td>
                    <a href={`/funds/${r.listingId}`}>{r.title}</a>
                  </td>
                  <td className="num">¥{r.amount}</td>
                  <td>{t('states.returned')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {items.length ? (
        <section className="panel">
          <h2>{t('donor.item_gifts')}</h2>
          {items.map((g) => (
            <div key={g.id} className="lot" data-testid="item-gift">
              <h3>
                {g.quantity} {g.itemUnit} {g.itemKind} · {g.organizationName}
              </h3>
              {g.listingId ? (
                <p>
                  <a href={`/funds/${g.listingId}`} data-testid="item-gift-listing">
                    {g.listingTitle}
                  </a>
                </p>
              ) : null}
              <p data-testid="lot-position">
                {t('totals.delivered')} {g.delivered} · {t('totals.in_transit')} {g.inTransit} · {t('totals.in_stock')} {g.inStock} · {t('totals.written_off')} {g.writtenOff}
              </p>
              <ul>
                {g.recipients.map((r, i) => (
                  <li key={i} data-testid="recipient">
                    {r.masked} · {r.region} · {r.quantity} {g.itemUnit} · {t(r.confirmed ? 'states.delivered' : 'states.in_transit')}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}

      {timeline.length ? (
        <section className="panel">
          <h2>{t('donor.timeline')}</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((e, i) => (
              <li key={i}>
                <time dateTime={e.at}>{date(e.at)}</time> · {t(`events.${e.event}`)} · {e.what} · {e.unit === 'CNY' ? `¥${e.amount}` : `${e.amount} ${e.unit}`}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </div>
  )
}
