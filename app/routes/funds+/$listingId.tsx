import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { claimsOfProject, milestoneHistory } from '~/models/claims.server'
import { listingForGiving, listingMoneyTotals, listingPledges } from '~/models/donations.server'
import { hasEnded } from '~/models/listing-dates'
import { listingItemTotals } from '~/models/lots.server'
import { getUser } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'ledger'] }

/** Public: where a donation listing's or project's money and items are, live from the ledger. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const listing = await listingForGiving(params.listingId ?? '')
  if (!listing || listing.status === 'draft') throw json({ notFound: true }, { status: 404 })
  const [user, money, items, pledges, milestones, claims] = await Promise.all([
    getUser(request),
    listingMoneyTotals(listing.id),
    listingItemTotals(listing.id),
    listingPledges(listing.id),
    milestoneHistory(listing.id),
    claimsOfProject(listing.id),
  ])
  const { escrowAccountId: _omit, ...publicMoney } = money
  return json({
    listing: { id: listing.id, title: listing.title, kind: listing.kind, donationType: listing.donationType, budget: listing.budget, status: listing.status },
    money: publicMoney,
    items,
    pledges: pledges.map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), deadline: p.deadline?.toISOString() ?? null })),
    // Public: organization, milestone, date, outcome and amount paid; no evidence, notes or user ids.
    milestones: milestones.map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, budgetSharePercent: m.budgetSharePercent, submissions: m.submissions.map((s) => ({ organizationName: s.organizationName, createdAt: s.createdAt.toISOString(), status: s.status, paid: s.paid })) })),
    claims: claims.map((c) => ({ organizationName: c.organizationName, status: c.claim.status, budget: c.claim.budget })),
    canPledge: user?.role === 'donor' && listing.status === 'published' && !hasEnded(listing.endsOn),
  })
}

export default function Funds() {
  const { t, i18n } = useTranslation('ledger')
  const { listing, money, items, pledges, milestones, claims, canPledge } = useLoaderData<typeof loader>()
  const date = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { timeZone: 'Asia/Shanghai' })
  return (
    <div data-testid="funds-page">
      <h1>
        {listing.title} · {t('project.title')}
      </h1>
      {canPledge ? (
        <p>
          <Link className="button" to={`/donor/pledge/${listing.id}`}>
            {t('project.pledge_cta')}
          </Link>
        </p>
      ) : null}
      {listing.donationType !== 'in_kind' ? (
        <section className="grid five" data-testid="money-totals">
          {(
            [
              ['pledged', money.pledged],
              ['held', money.held],
              ['released', money.released],
              ['paid_out', money.paidOut],
              ['returned', money.returned],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className="panel stat" data-total={k}>
              <div className="stat-value">¥{v}</div>
              <div className="stat-label">{t(`totals.${k}`)}</div>
            </div>
          ))}
        </section>
      ) : null}
      {items.length ? (
        <section className="panel">
          <table data-testid="item-totals">
            <thead>
              <tr>
                <th />
                <th>{t('totals.pledged')}</th>
                <th>{t('totals.in_stock')}</th>
                <th>{t('totals.in_transit')}</th>
                <th>{t('totals.delivered')}</th>
                <th>{t('totals.written_off')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((k) => (
                <tr key={`${k.itemKind}/${k.itemUnit}`}>
                  <td>
                    {t('item_with_unit', { kind: k.itemKind, unit: k.itemUnit })}
                  </td>
                  <td className="num">{k.pledged}</td>
                  <td className="num">{k.inStock}</td>
                  <td className="num">{k.inTransit}</td>
                  <td className="num">{k.delivered}</td>
                  <td className="num">{k.writtenOff}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {claims.length ? (
        <section className="panel">
          <h2>{t('project.claimants')}</h2>
          <ul>
            {claims.map((c, i) => (
              <li key={i}>
                {c.organizationName} · ¥{c.budget} · {t(`project.claim_status.${c.status}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {milestones.length ? (
        <section className="panel">
          <h2>{t('project.milestones')}</h2>
          <ol data-testid="milestones">
            {milestones.map((m) => (
              <li key={m.id}>
                <strong>{m.title}</strong> · {t('project.share', { share: m.budgetSharePercent })} · {t('project.due', { date: m.dueOn })}
                {m.submissions.length === 0 ? <div className="muted">{t('project.no_submissions')}</div> : null}
                <ul>
                  {m.submissions.map((s, i) => (
                    <li key={i}>
                      {t('project.submission', { org: s.organizationName, date: date(s.createdAt), status: t(`project.submission_status.${s.status}`) })}
                      {s.paid ? ` · ${t('project.paid', { amount: s.paid })}` : ''}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {pledges.length ? (
        <section className="panel">
          <h2>{t('project.pledges')}</h2>
          <table data-testid="pledges">
            <tbody>
              {pledges.map((p) => (
                <tr key={p.id}>
                  <td>{date(p.createdAt)}</td>
                  <td className="num">¥{p.amount}</td>
                  <td>{t(`states.${p.state}`)}</td>
                  <td>{p.state === 'held' && p.deadline ? `${t('donor.deadline')} ${date(p.deadline)}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  )
}
