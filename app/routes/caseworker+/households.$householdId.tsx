import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ReasonList } from '~/components/reasons'
import { householdMatchesAndApplications } from '~/models/applications.server'
import { usePromptText } from '~/components/feedback-form'
import { feedbackOfHousehold } from '~/models/feedback.server'
import { createInvitation, HouseholdError, householdVersionsOf, viewHouseholdAsStaff } from '~/models/household.server'
import { skillNames } from '~/models/matches.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'
import { i18next } from '~/utils/i18n.server'

export const handle = { i18n: ['common', 'households', 'matching', 'feeds', 'evaluation'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  let file
  try {
    file = await viewHouseholdAsStaff({ id: user.id, role: user.role }, params.householdId!)
  } catch (error) {
    if (error instanceof HouseholdError) throw new Response(null, { status: 404 })
    throw error
  }
  const locale = await i18next.getLocale(request)
  const [loop, names, regions, versions, evaluation] = await Promise.all([
    householdMatchesAndApplications(file.id),
    skillNames(locale),
    regionPathNames([file.regionCode]),
    householdVersionsOf({ id: user.id, role: user.role }, file.id),
    feedbackOfHousehold({ id: user.id, role: user.role }, file.id),
  ])
  return json({
    file,
    loop,
    names,
    regionName: regions.get(file.regionCode) ?? file.regionCode,
    feedback: {
      pending: evaluation.pending.map((p) => ({ subject: p.subject, subjectId: p.subjectId, listingTitle: p.listingTitle, organizationName: p.organizationName, detail: p.detail })),
      given: evaluation.given,
    },
    versions: versions.map((v) => ({ version: v.version, changedAt: v.changedAt, changedFields: v.changedFields, by: v.changedByName, byLabel: v.changedByLabel })),
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  try {
    const { code, expiresAt } = await createInvitation({ id: user.id, role: user.role }, params.householdId!)
    return json({ code, expiresAt: expiresAt.toISOString().slice(0, 10), error: null })
  } catch (error) {
    if (error instanceof HouseholdError) return json({ code: null, expiresAt: null, error: error.key }, { status: error.status })
    throw error
  }
}

export default function HouseholdDetail() {
  const { t, i18n } = useTranslation(['households', 'matching', 'evaluation'])
  const { file, loop, names, regionName, versions, feedback } = useLoaderData<typeof loader>()
  const promptText = usePromptText()
  const invitation = useActionData<typeof action>()
  const head = file.members.find((m) => m.isHead) ?? file.members[0]
  return (
    <section className="panel" data-testid="household-detail">
      <h1>{t('detail.title', { name: head?.fullName ?? '' })}</h1>
      <p>
        {regionName} · {t('detail.version', { version: file.version })} · {file.residentUserId ? t('detail.linked') : t('detail.not_linked')}
      </p>
      <p data-testid="household-tier">
        <strong>{t('detail.tier', { tier: t(`tiers.${file.riskTier}`) })}</strong> · {t('detail.next_review', { date: file.nextReviewOn })}
      </p>
      <h2>{t('detail.reasons')}</h2>
      <ul>
        {file.riskReasons.map((r, i) => (
          <li key={i}>{t(`risk_reasons.${r.code}`, r.params ?? {})}</li>
        ))}
      </ul>
      <p>
        <Link to={`/caseworker/households/${file.id}/edit`} className="button secondary">
          {t('detail.edit')}
        </Link>
      </p>
      {!file.residentUserId ? (
        <Form method="post">
          <button type="submit" className="button">
            {t('detail.invite')}
          </button>
        </Form>
      ) : null}
      {invitation?.code ? (
        <p className="notice" data-testid="invitation-code">
          {t('detail.invite_code', { code: invitation.code, date: invitation.expiresAt })}
        </p>
      ) : null}
      {invitation?.error ? <p className="error-list">{t(invitation.error)}</p> : null}
      <h2>{t('households:groups.members')}</h2>
      <ul>
        {file.members.map((m) => (
          <li key={m.id}>
            {m.fullName} · {m.birthDate}{m.idMasked ? ` · ${m.idMasked}` : ''} · {t(`matching:education_levels.${m.education}`)} · {t(`households:enums.employment_statuses.${m.employmentStatus}`)}
            {m.skills.length ? ` · ${m.skills.map((s) => t('matching:skill_with_level', { skill: names[s.code] ?? s.code, level: t(`matching:skill_levels.${s.level}`) })).join(t('common:list_separator'))}` : ''}
          </li>
        ))}
      </ul>
      <h2>{t('detail.matches')}</h2>
      {loop.matches.length === 0 ? <p>{t('detail.no_matches')}</p> : null}
      <ul data-testid="household-matches">
        {loop.matches.map((m) => (
          <li key={m.listingId}>
            <strong>{m.title}</strong> · {t(`matching:listing_kinds.${m.kind}`)} · {t('matching:offers.score', { score: m.score })}
            {m.status ? ` · ${t(`matching:statuses.${m.status}`)}` : ''}
            <ReasonList reasons={m.reasons} skillNames={names} />
          </li>
        ))}
      </ul>
      <h2>{t('evaluation:household.title')}</h2>
      <section data-testid="household-feedback">
        {feedback.pending.length ? <h3>{t('evaluation:household.pending')}</h3> : null}
        <ul>
          {feedback.pending.map((p) => (
            <li key={`${p.subject}-${p.subjectId}`}>
              {promptText(p)} <Link to={`/caseworker/households/${file.id}/feedback/${p.subject}/${p.subjectId}`}>{t('evaluation:prompts.record')}</Link>
            </li>
          ))}
        </ul>
        <h3>{t('evaluation:household.given')}</h3>
        {feedback.given.length === 0 ? <p>{t('evaluation:household.none_given')}</p> : null}
        <ul>
          {feedback.given.map((g) => (
            <li key={g.id}>
              {g.title} · {t('evaluation:form.given', g)}
              {g.onBehalf ? ` · ${t('evaluation:household.on_behalf_mark')}` : ''}
            </li>
          ))}
        </ul>
      </section>
      <h2>{t('detail.versions')}</h2>
      <ul data-testid="household-versions">
        {versions.map((v) => (
          <li key={v.version}>
            {t('detail.version', { version: v.version })} · {new Date(v.changedAt).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' })} · {v.by ?? (v.byLabel?.startsWith('feed:') ? t('detail.by_feed', { department: t(`feeds:departments.${v.byLabel.slice('feed:'.length)}`) }) : '—')}
            {v.changedFields.length ? ` · ${v.changedFields.map((f) => (t(`fields.${f}`, { defaultValue: f }) as string)).join(t('common:list_separator'))}` : ''}
          </li>
        ))}
      </ul>
      <h2>{t('detail.applications')}</h2>
      <ul>
        {loop.applications.map((a) => (
          <li key={a.id}>
            {a.title} · {t(`matching:statuses.${a.status}`)}
          </li>
        ))}
      </ul>
    </section>
  )
}
