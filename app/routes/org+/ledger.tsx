import { randomUUID } from 'node:crypto'
import Decimal from 'decimal.js'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { writeOffReasons } from '@db/schema/ledger/constants'
import { claimsAwaitingDecision, decideClaim, milestoneAmount, reviewSubmission, submissionsAwaitingReview } from '~/models/claims.server'
import { cancelListingFunds, FlowError, releaseDonationListing } from '~/models/donations.server'
import { cancelDistribution, distributeLot, eligibleRecipients, lotUnit, writeOffLot } from '~/models/lots.server'
import { regionPathNames } from '~/models/region.server'
import { moneyReceivedByOrganization } from '~/models/org-income.server'
import { organizationOverview } from '~/models/trace.server'
import { forbidden, requireRole } from '~/utils/auth.server'
import { quantityRefusal, refusal } from '~/utils/ledger-errors.server'
import { controlCharsMessage, withoutControlChars } from '@db/schema/messages'

export const handle = { i18n: ['common', 'ledger'] }

async function requireOrgMember(request: Request) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) forbidden({ reason: 'role', roles: ['org_member'] })
  return { user, actor: { id: user.id, role: user.role, organizationId: user.organizationId } }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, actor } = await requireOrgMember(request)
  const [overview, claims, submissions, income] = await Promise.all([
    organizationOverview(user.organizationId!),
    claimsAwaitingDecision(user.organizationId!),
    submissionsAwaitingReview(user.organizationId!),
    moneyReceivedByOrganization(user.organizationId!),
  ])
  // Recipients the organization may choose, per lot: accepted for the lot's listing, masked.
  const recipients = new Map(await Promise.all(overview.lots.map(async (l) => [l.id, await eligibleRecipients(actor, l.id)] as const)))
  const regionNames = await regionPathNames([...recipients.values()].flat().map((r) => r.regionCode))
  return json({
    overview: {
      listings: overview.listings.map(({ money, ...l }) => ({ ...l, money: { ...money, escrowAccountId: undefined } })),
      lots: overview.lots.map((l) => ({
        id: l.id,
        itemKind: l.itemKind,
        itemUnit: l.itemUnit,
        quantity: new Decimal(l.quantity).toFixed(),
        position: l.position,
        distributions: l.distributions.map((d) => ({ id: d.id, masked: d.recipientMasked, amount: new Decimal(d.amount).toFixed(), code: d.confirmationCode, confirmed: !!d.confirmedAt, recalled: d.recalled })),
        recipients: (recipients.get(l.id) ?? []).map((r) => ({ householdId: r.householdId, masked: r.masked, region: regionNames.get(r.regionCode) ?? r.regionCode, inApp: r.hasResidentAccount })),
      })),
    },
    claims: claims.map((c) => ({ id: c.claim.id, title: c.title, organizationName: c.organizationName, budget: c.claim.budget, plan: c.claim.plan })),
    submissions: submissions.map((s) => ({ id: s.submission.id, title: s.title, milestoneTitle: s.milestoneTitle, evidence: s.submission.evidence, organizationName: s.organizationName, due: milestoneAmount(s.budget, s.share).toFixed(2) })),
    income,
    key: randomUUID(),
  })
}

const uuid = z.string().uuid()
const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('release'), listingId: uuid }),
  z.object({ intent: z.literal('cancel'), listingId: uuid }),
  z.object({ intent: z.literal('decide'), claimId: uuid, decision: z.enum(['approve', 'reject']) }),
  z.object({ intent: z.literal('review'), submissionId: uuid, decision: z.enum(['approve', 'reject']), note: z.string().max(500).refine(withoutControlChars, controlCharsMessage).optional() }),
  z.object({ intent: z.literal('writeoff'), lotId: uuid, key: uuid, quantity: z.string().trim().min(1), reason: z.enum(writeOffReasons), note: z.string().max(500).refine(withoutControlChars, controlCharsMessage).optional() }),
  z.object({ intent: z.literal('distribute'), lotId: uuid, key: uuid, confirmOutlier: z.literal('yes').optional() }),
  z.object({ intent: z.literal('recall'), distributionId: uuid }),
])

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireOrgMember(request)
  const formData = await request.formData()
  const parsed = Intent.safeParse(Object.fromEntries(formData))
  if (!parsed.success) return json({ ok: false as const, error: { key: 'common:errors.bad_request', params: {} } }, { status: 400 })
  const input = parsed.data
  try {
    switch (input.intent) {
      case 'release': {
        const r = await releaseDonationListing(actor, input.listingId)
        return json({ ok: true as const, message: { key: 'ledger:org.released', params: { count: r.released, total: r.total } } })
      }
      case 'cancel':
        await cancelListingFunds(actor, input.listingId)
        break
      case 'decide':
        await decideClaim(actor, input.claimId, input.decision === 'approve')
        break
      case 'review': {
        const r = await reviewSubmission(actor, input.submissionId, { approve: input.decision === 'approve', note: input.note })
        if (input.decision !== 'approve') break
        // Paid from what the escrow holds: when that is less than the milestone's share, the owner
        // is told how much was paid and how much is still unpaid for lack of funds.
        const partly = new Decimal(r.unpaid).gt(0)
        return json({ ok: true as const, message: { key: partly ? 'ledger:org.milestone_paid_partly' : 'ledger:org.milestone_paid', params: { paid: r.paid, due: r.due, unpaid: r.unpaid } } })
      }
      case 'recall':
        await cancelDistribution(actor, input.distributionId)
        break
      case 'writeoff':
        await writeOffLot(actor, input.lotId, { key: input.key, quantity: input.quantity, reason: input.reason, note: input.note })
        break
      case 'distribute': {
        // One quantity per eligible household offered on the page; blank rows are skipped.
        const allocations = []
        const quantities = formData.getAll('quantity').map((q) => String(q).trim())
        for (const [i, householdId] of formData.getAll('householdId').map(String).entries()) {
          if (!quantities[i]) continue
          allocations.push({ householdId: householdId.trim(), quantity: quantities[i]! })
        }
        const r = await distributeLot(actor, input.lotId, allocations, { key: input.key, confirmOutlier: input.confirmOutlier === 'yes' })
        if (r.status === 'needs_confirmation') {
          // Items, not money: the question names the quantity and its unit, never a ¥ amount.
          return json({ ok: false as const, error: { key: 'ledger:org.confirm_outlier_items', params: { quantity: r.quantity, median: r.median, unit: r.unit } } }, { status: 400 })
        }
        break
      }
    }
    return json({ ok: true as const, message: { key: 'ledger:org.done', params: {} } })
  } catch (error) {
    // Hand-overs and write-offs move items: their quantity and stock refusals name the lot's unit.
    if (input.intent === 'writeoff' || input.intent === 'distribute') {
      const unit = await lotUnit(input.lotId)
      if (unit !== null) return quantityRefusal(error, unit)
    }
    return refusal(error)
  }
}

export default function OrgLedger() {
  const { t, i18n } = useTranslation('ledger')
  const { overview, claims, submissions, income, key } = useLoaderData<typeof loader>()
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { timeZone: 'Asia/Shanghai' })
  const data = useActionData<typeof action>() as { ok: boolean; message?: { key: string; params: Record<string, string | number> }; error?: { key: string; params: Record<string, string | number> } } | undefined
  return (
    <div data-testid="org-ledger">
      <h1>{t('org.title')}</h1>
      <p>
        <a href="/org/ledger.csv" download>
          {t('org.export')}
        </a>
      </p>
      {data?.ok && data.message ? <p className="notice success" role="status">{t(data.message.key, data.message.params)}</p> : null}
      {data && !data.ok && data.error ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}

      {claims.length ? (
        <section className="panel" id="claims-to-decide">
          <h2>{t('org.claims_to_decide')}</h2>
          {claims.map((c) => (
            <div key={c.id} className="card" data-testid="claim-to-decide">
              <p>
                <strong>{c.organizationName}</strong> → {c.title} · ¥{c.budget}
              </p>
              <p>{c.plan}</p>
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="claimId" value={c.id} />
                <button type="submit" name="decision" value="approve" className="button small">
                  {t('org.approve')}
                </button>
                <button type="submit" name="decision" value="reject" className="button small secondary">
                  {t('org.reject')}
                </button>
              </Form>
            </div>
          ))}
        </section>
      ) : null}

      {submissions.length ? (
        <section className="panel">
          <h2>{t('org.submissions_to_review')}</h2>
          {submissions.map((s) => (
            <div key={s.id} className="card" data-testid="submission-to-review">
              <p>
                <strong>{s.organizationName}</strong> · {s.title} · {s.milestoneTitle} · ¥{s.due}
              </p>
              <p>{s.evidence}</p>
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="review" />
                <input type="hidden" name="submissionId" value={s.id} />
                <input name="note" aria-label={t('org.note')} placeholder={t('org.note')} />
                <button type="submit" name="decision" value="approve" className="button small">
                  {t('org.approve')}
                </button>
                <button type="submit" name="decision" value="reject" className="button small secondary">
                  {t('org.reject')}
                </button>
              </Form>
            </div>
          ))}
        </section>
      ) : null}

      {income.received.length ? (
        <section className="panel" data-testid="money-received">
          <h2>{t('org.received')}</h2>
          <p data-testid="money-received-balance">{t('org.received_balance', { amount: income.balance })}</p>
          <table>
            <tbody>
              {income.received.map((r) => (
                <tr key={r.id} data-testid="money-received-row">
                  <td>{date(r.at)}</td>
                  <td>{r.listingId ? <a href={`/funds/${r.listingId}`}>{r.title}</a> : null}</td>
                  <td>{r.milestoneTitle ? t('org.received_for_milestone', { milestone: r.milestoneTitle }) : t(`org.received_kind.${r.code === 'payout' ? 'payout' : 'other'}`)}</td>
                  <td>¥{r.amount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="panel">
        <h2>{t('org.listings')}</h2>
        <table>
          <tbody>
            {overview.listings.map((l) => (
              <tr key={l.id} data-testid="org-listing">
                <td>
                  <a href={`/funds/${l.id}`}>{l.title}</a>
                </td>
                <td>
                  {t('totals.held')} ¥{l.money.held} · {t('totals.paid_out')} ¥{l.money.paidOut}
                  {l.items.map((k) => (
                    <div key={k.itemKind}>
                      {k.itemKind}: {t('totals.in_stock')} {k.inStock} · {t('totals.delivered')} {k.delivered}
                    </div>
                  ))}
                </td>
                <td>
                  {l.kind === 'donation' && l.status !== 'closed' && l.money.held !== '0.00' ? (
                    <Form method="post" className="inline">
                      <input type="hidden" name="listingId" value={l.id} />
                      <button type="submit" name="intent" value="release" className="button small">
                        {t('org.release')}
                      </button>
                      <button type="submit" name="intent" value="cancel" className="button small secondary">
                        {t('org.cancel')}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {overview.lots.length ? (
        <section className="panel">
          <h2>{t('org.lots')}</h2>
          {overview.lots.map((lot) => (
            <div key={lot.id} className="card" data-testid="org-lot">
              <h3>
                {lot.quantity} {lot.itemUnit} {lot.itemKind}
              </h3>
              <p data-testid="lot-position">
                {t('totals.in_stock')} {lot.position.inStock} · {t('totals.in_transit')} {lot.position.inTransit} · {t('totals.delivered')} {lot.position.delivered} · {t('totals.written_off')} {lot.position.writtenOff}
              </p>
              <ul>
                {lot.distributions.map((d) => (
                  <li key={d.id} data-testid="distribution">
                    {d.masked} · {d.amount} {lot.itemUnit} · {d.confirmed ? t('states.delivered') : d.recalled ? t('org.recall') : `${t('states.in_transit')} · ${t('org.confirmation_code')} ${d.code} · ${d.id}`}
                    {!d.confirmed && !d.recalled ? (
                      <Form method="post" className="inline">
                        <input type="hidden" name="intent" value="recall" />
                        <input type="hidden" name="distributionId" value={d.id} />
                        <button type="submit" className="button small secondary">
                          {t('org.recall')}
                        </button>
                      </Form>
                    ) : null}
                  </li>
                ))}
              </ul>
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="distribute" />
                <input type="hidden" name="lotId" value={lot.id} />
                <input type="hidden" name="key" value={key} />
                <h4>{t('org.distribute')}</h4>
                {lot.recipients.length ? (
                  lot.recipients.map((r) => (
                    <fieldset key={r.householdId} className="row" data-testid="eligible-recipient">
                      <input type="hidden" name="householdId" value={r.householdId} />
                      <span>
                        {r.masked} · {r.region} · {r.inApp ? t('org.confirms_in_app') : t('org.confirms_with_caseworker')}
                      </span>
                      <input name="quantity" aria-label={`${r.masked} ${t('pledge.quantity', { unit: lot.itemUnit })}`} placeholder={t('pledge.quantity', { unit: lot.itemUnit })} inputMode="numeric" />
                    </fieldset>
                  ))
                ) : (
                  <p className="muted">{t('org.no_eligible_recipients')}</p>
                )}
                <label className="checkbox">
                  <input type="checkbox" name="confirmOutlier" value="yes" /> {t('org.confirm_outlier')}
                </label>
                <button type="submit" className="button small">
                  {t('org.distribute')}
                </button>
              </Form>
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="writeoff" />
                <input type="hidden" name="lotId" value={lot.id} />
                <input type="hidden" name="key" value={key} />
                <input name="quantity" aria-label={t('pledge.quantity', { unit: lot.itemUnit })} inputMode="numeric" />
                <select name="reason" aria-label={t('org.reason')}>
                  {writeOffReasons.map((r) => (
                    <option key={r} value={r}>
                      {t(`reasons.${r}`)}
                    </option>
                  ))}
                </select>
                <input name="note" aria-label={t('org.note')} placeholder={t('org.note')} />
                <button type="submit" className="button small secondary">
                  {t('org.write_off')}
                </button>
              </Form>
            </div>
          ))}
        </section>
      ) : null}
    </div>
  )
}
