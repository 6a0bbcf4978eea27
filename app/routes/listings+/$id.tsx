import { json, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getPublicListing } from '~/models/listing.server'
import { listSkillChoices } from '~/models/listing.server'
import { hasEnded } from '~/models/listing-dates'
import { regionPathNames } from '~/models/region.server'
import { getUser } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:browse.title', pageTitle: (data: unknown) => (data as { listing?: { title?: string } } | undefined)?.listing?.title }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const [listing, user] = await Promise.all([getPublicListing(params.id ?? ''), getUser(request)])
  if (!listing) throw new Response('not found', { status: 404 })
  const d = listing.details as Record<string, unknown>
  const codes = [listing.regionCode, d.workplaceRegionCode, d.deliveryRegionCode].filter((c): c is string => typeof c === 'string')
  const [names, skills] = await Promise.all([regionPathNames(codes), listSkillChoices()])
  const skillNames = Object.fromEntries(skills.map((s) => [s.code, { zh: s.nameZh, en: s.nameEn }]))
  // Only donors may pledge; anonymous visitors see the link too (the pledge page sends them to log in first).
  const mayPledge = !user || user.role === 'donor'
  return json({ listing, ended: hasEnded(listing.endsOn), mayPledge, regionNames: Object.fromEntries(names), skillNames })
}

export default function ListingDetail() {
  const { t, i18n } = useTranslation(['listings', 'common'])
  const { listing, ended, mayPledge, regionNames, skillNames } = useLoaderData<typeof loader>()
  const d = listing.details as Record<string, string | number | boolean | null>
  const skill = (code: string) => (i18n.language === 'en' ? skillNames[code]?.en : skillNames[code]?.zh) ?? code
  const row = (label: string, value: React.ReactNode) => (value === null || value === undefined || value === '' ? null : (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  ))
  return (
    <article className="panel" data-testid="listing-detail">
      <p>
        <span className="badge">{t(`listings:kinds.${listing.kind}`)}</span>
      </p>
      <h1>{listing.title}</h1>
      {listing.status === 'paused' ? <p className="notice">{t('listings:detail.paused')}</p> : null}
      {ended ? (
        <p className="notice" data-testid="listing-ended">
          {t('listings:detail.ended', { date: listing.endsOn })}
        </p>
      ) : null}
      {listing.kind === 'donation' || listing.kind === 'project' ? (
        <p className="button-row">
          <Link to={`/funds/${listing.id}`}>{t('listings:detail.funds_link')}</Link>
          {mayPledge && listing.status === 'published' && !ended ? (
            <Link to={`/donor/pledge/${listing.id}`} className="button">
              {t('listings:detail.pledge_link')}
            </Link>
          ) : null}
        </p>
      ) : null}
      <p>
        {t('listings:detail.organization')}: <Link to={`/organizations/${listing.organization.id}`}>{listing.organization.name}</Link>
        {listing.organization.verifiedAt ? <span className="badge ok"> {t('listings:profile.verified')}</span> : null}
      </p>
      <p style={{ whiteSpace: 'pre-wrap' }}>{listing.description}</p>
      <dl className="facts">
        {row(t('listings:fields.region'), regionNames[listing.regionCode])}
        {row(t('listings:fields.categories'), listing.categories.map((c) => t(`listings:categories.${c}`)).join(t('common:list_separator')))}
        {row(t('listings:fields.target_groups'), listing.targetGroups.map((c) => t(`listings:target_groups.${c}`)).join(t('common:list_separator')))}
        {row(t('listings:fields.starts_on'), listing.endsOn ? t('listings:detail.dates', { from: listing.startsOn, to: listing.endsOn }) : `${listing.startsOn} · ${t('listings:detail.open_ended')}`)}
        {row(t('listings:fields.capacity'), listing.capacity ?? t('listings:detail.unlimited'))}
        {row(t('listings:fields.position'), d.position)}
        {listing.kind === 'job'
          ? row(t('listings:fields.wage_min'), t('listings:detail.wage', { min: d.wageMin, max: d.wageMax, period: t(`listings:wage_periods.${d.wagePeriod}`) }))
          : null}
        {row(t('listings:fields.hours_per_week'), d.hoursPerWeek)}
        {row(t('listings:fields.workplace_region'), typeof d.workplaceRegionCode === 'string' ? regionNames[d.workplaceRegionCode] : null)}
        {row(t('listings:fields.schedule'), d.schedule)}
        {listing.kind === 'training' ? row(t('listings:fields.cost_yuan'), Number(d.costYuan) === 0 ? t('listings:detail.free') : d.costYuan) : null}
        {listing.kind === 'training' ? row(t('listings:fields.delivery'), t(`listings:deliveries.${d.delivery}`)) : null}
        {row(t('listings:fields.certificate'), d.certificate)}
        {row(t('listings:fields.prerequisites'), d.prerequisites)}
        {row(t('listings:fields.placement_partner'), d.placementPartner)}
        {listing.kind === 'donation' ? row(t('listings:fields.donation_type'), t(`listings:donation_types.${d.donationType}`)) : null}
        {row(t('listings:fields.target_amount'), d.targetAmount)}
        {row(t('listings:fields.item_kind'), d.itemKind ? `${d.itemKind} · ${d.quantity} ${d.itemUnit}` : null)}
        {row(t('listings:fields.condition'), d.condition ? t(`listings:item_conditions.${d.condition}`) : null)}
        {row(t('listings:fields.expires_on'), d.expiresOn)}
        {row(t('listings:fields.eligibility'), d.eligibility)}
        {row(t('listings:fields.delivery_region'), typeof d.deliveryRegionCode === 'string' ? regionNames[d.deliveryRegionCode] : null)}
        {row(t('listings:fields.duration_months'), d.durationMonths)}
        {row(t('listings:fields.budget'), d.budget)}
        {row(t('listings:fields.skills'), listing.skills.length ? listing.skills.map((s) => t('listings:detail.skill_with_level', { skill: skill(s.code), level: t(`listings:skill_levels.${s.level}`) })).join(t('common:list_separator')) : null)}
        {row(t('listings:fields.age_min'), listing.ageMin !== null || listing.ageMax !== null ? `${listing.ageMin ?? ''}–${listing.ageMax ?? ''}` : null)}
        {row(t('listings:fields.min_education'), listing.minEducation ? t(`listings:education_levels.${listing.minEducation}`) : null)}
        {row(t('listings:fields.accommodations'), listing.accommodations.map((a) => t(`listings:accommodations.${a}`)).join(t('common:list_separator')))}
        {row(t('listings:fields.contact_method'), listing.contactMethod)}
      </dl>
      {listing.milestones.length ? (
        <>
          <h2>{t('listings:fields.milestones')}</h2>
          <table>
            <thead>
              <tr>
                <th>{t('listings:fields.milestone_title')}</th>
                <th>{t('listings:fields.due_on')}</th>
                <th>{t('listings:fields.budget_share')}</th>
                <th>{t('listings:fields.evidence_required')}</th>
              </tr>
            </thead>
            <tbody>
              {listing.milestones.map((ms) => (
                <tr key={ms.seq}>
                  <td>{ms.title}</td>
                  <td>{ms.dueOn}</td>
                  <td>{ms.budgetSharePercent}</td>
                  <td>{ms.evidenceRequired}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </article>
  )
}
