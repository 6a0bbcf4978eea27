import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ReasonList } from '~/components/reasons'
import { ApplicationError, decideApplication, inviteCandidate, listCandidates } from '~/models/applications.server'
import { rejectReasons } from '~/models/outcomes.server'
import { skillNames } from '~/models/matches.server'
import { getOwnListing } from '~/models/listing.server'
import { requireRole } from '~/utils/auth.server'
import { i18next } from '~/utils/i18n.server'

export const handle = { i18n: ['common', 'matching', 'evaluation'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  try {
    const [data, names] = await Promise.all([
      listCandidates({ id: user.id, organizationId: user.organizationId }, params.listingId!),
      skillNames(await i18next.getLocale(request)),
    ])
    return json({ listing: { id: data.listing.id, title: data.listing.title, kind: data.listing.kind }, candidates: data.candidates, names, reasons: [...rejectReasons] })
  } catch (error) {
    if (error instanceof ApplicationError) throw new Response(null, { status: 404 })
    throw error
  }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('invite'), householdId: z.string().uuid() }),
  z.object({ intent: z.enum(['accept', 'reject', 'complete']), applicationId: z.string().uuid(), reason: z.string().max(40).optional() }),
])

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  // Only the listing's own organization may act on its candidates; anyone else gets the page's 404.
  if (!/^[0-9a-f-]{36}$/i.test(params.listingId ?? '') || !(await getOwnListing(user, params.listingId!))) throw new Response(null, { status: 404 })
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ error: 'matching:errors.not_found' }, { status: 400 })
  const actor = { id: user.id, organizationId: user.organizationId }
  try {
    if (parsed.data.intent === 'invite') await inviteCandidate(actor, params.listingId!, parsed.data.householdId)
    else await decideApplication(actor, parsed.data.applicationId, parsed.data.intent, { reason: parsed.data.reason || null })
    return json({ error: null })
  } catch (error) {
    if (error instanceof ApplicationError) return json({ error: error.key }, { status: error.status })
    throw error
  }
}

export default function ListingCandidates() {
  const { t } = useTranslation(['matching', 'evaluation'])
  const { listing, candidates, names, reasons } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="panel" data-testid="candidates">
      <h1>{t('candidates.title', { title: listing.title })}</h1>
      <p className="muted">{t('candidates.lead')}</p>
      {result?.error ? <p className="error-list">{t(result.error)}</p> : null}
      {candidates.length === 0 ? <p>{t('candidates.none')}</p> : null}
      <ol>
        {candidates.map((c) => (
          <li key={c.householdId} className="candidate" data-testid="candidate">
            <h2>{c.fullName ?? t('candidates.masked_name', { surname: c.surname })}</h2>
            <p>
              {c.region} · {t('candidates.age_band', c.ageBand)} · {t('offers.score', { score: c.score })}
              {c.status ? ` · ${c.status === 'completed' ? t(`completed_by_kind.${listing.kind}`) : t(`statuses.${c.status}`)}` : ''}
            </p>
            {c.skills.length ? <p>{c.skills.map((s) => t('skill_with_level', { skill: names[s.code] ?? s.code, level: t(`skill_levels.${s.level}`) })).join(t('common:list_separator'))}</p> : null}
            {c.phone ? <p data-testid="candidate-contact">{t('candidates.contact', { phone: c.phone })}</p> : null}
            <ReasonList reasons={c.reasons} skillNames={names} />
            <Form method="post" className="inline">
              {!c.status ? (
                <>
                  <input type="hidden" name="householdId" value={c.householdId} />
                  <button type="submit" name="intent" value="invite" className="button">
                    {t('candidates.invite')}
                  </button>
                </>
              ) : (
                <input type="hidden" name="applicationId" value={c.applicationId ?? ''} />
              )}
              {c.status === 'applied' ? (
                <>
                  <button type="submit" name="intent" value="accept" className="button">
                    {t('candidates.accept')}
                  </button>
                  <RejectControls reasons={reasons} />
                </>
              ) : null}
              {c.status === 'accepted' ? (
                <>
                  <button type="submit" name="intent" value="complete" className="button">
                    {t('candidates.complete', { what: t(`completed_by_kind.${listing.kind}`) })}
                  </button>
                  <RejectControls reasons={reasons} />
                </>
              ) : null}
            </Form>
          </li>
        ))}
      </ol>
    </section>
  )
}

/** Rejecting closes the loop: the organization must say why (a required outcome code). */
function RejectControls({ reasons }: { reasons: string[] }) {
  const { t } = useTranslation(['evaluation', 'matching'])
  return (
    <span className="reject-controls">
      <label>
        {t('reject.reason_label')}{' '}
        <select name="reason" defaultValue="" data-testid="reject-reason">
          <option value="">{t('reject.choose')}</option>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {t(`outcomes.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" name="intent" value="reject" className="button secondary">
        {t('matching:candidates.reject')}
      </button>
    </span>
  )
}
