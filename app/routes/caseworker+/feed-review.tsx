import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { useErrorText } from '~/components/forms'
import { dismissReview, listReviewQueue, resolveReview } from '~/models/feeds/review.server'
import { HouseholdError } from '~/models/household.server'
import { requireRole } from '~/utils/auth.server'
import { controlCharsMessage, withoutControlChars } from '@db/schema/messages'

export const handle = { i18n: ['common', 'feeds', 'households'], titleKey: 'feeds:review.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return json({ records: await listReviewQueue(user) })
}

const Resolve = z.object({ intent: z.literal('resolve'), recordId: z.string().uuid(), memberId: z.string().uuid({ message: 'feeds:review.choose_member' }), note: z.string().max(500).refine(withoutControlChars, controlCharsMessage).default('') })
const Dismiss = z.object({ intent: z.literal('dismiss'), recordId: z.string().uuid(), note: z.string().max(500).refine(withoutControlChars, controlCharsMessage).default('') })
const Decision = z.discriminatedUnion('intent', [Resolve, Dismiss])

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const parsed = Decision.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false, recordId: null, error: parsed.error.issues[0]?.message ?? 'feeds:review.not_found' }, { status: 400 })
  try {
    if (parsed.data.intent === 'resolve') await resolveReview(user, parsed.data.recordId, parsed.data.memberId, parsed.data.note)
    else await dismissReview(user, parsed.data.recordId, parsed.data.note)
    return json({ ok: true, recordId: parsed.data.recordId, error: null })
  } catch (error) {
    if (error instanceof HouseholdError) return json({ ok: false, recordId: parsed.data.recordId, error: error.key }, { status: error.status })
    throw error
  }
}

const hidden = new Set(['candidates', 'warning'])

export default function FeedReview() {
  const { t } = useTranslation(['feeds', 'common'])
  const errorText = useErrorText()
  const { records } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <section className="panel" data-testid="feed-review">
      <h1>{t('feeds:review.title')}</h1>
      <p className="muted">{t('feeds:review.intro')}</p>
      {result?.ok ? <p className="notice" role="status">{t('feeds:review.done')}</p> : null}
      {result && !result.ok && (!result.recordId || !records.some((r) => r.id === result.recordId)) ? <ul className="error-list" role="alert"><li>{errorText(result.error ?? '')}</li></ul> : null}
      {records.length === 0 ? <p>{t('feeds:review.empty')}</p> : null}
      {records.map((r) => {
        const data = (r.data ?? {}) as Record<string, unknown>
        const candidates = Number(data.candidates ?? 0)
        return (
          <article key={r.id} className="card" data-testid="review-record">
            <h2>
              {t(`feeds:types.${r.feedType}`)} · {r.recordKey}
            </h2>
            <p>
              {t('feeds:review.id')}: <code>{r.idMasked}</code> · {candidates > 1 ? t('feeds:review.ambiguous', { count: candidates }) : t('feeds:review.unmatched')}
            </p>
            <dl>
              {Object.entries(data)
                .filter(([k]) => !hidden.has(k))
                .map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{String(v)}</dd>
                  </div>
                ))}
            </dl>
            {result && !result.ok && result.recordId === r.id ? <ul className="error-list" role="alert"><li>{errorText(result.error ?? '')}</li></ul> : null}
            <Form method="post">
              <input type="hidden" name="intent" value="resolve" />
              <input type="hidden" name="recordId" value={r.id} />
              <fieldset>
                <legend>{t('feeds:review.which_member')}</legend>
                {r.suggestions.length === 0 ? <p className="muted">{t('feeds:review.no_suggestions')}</p> : null}
                {r.suggestions.map((s) => (
                  <label key={s.memberId}>
                    <input type="radio" name="memberId" value={s.memberId} required /> {s.fullName} · {s.birthDate} {s.idMasked ? `· ${s.idMasked}` : ''} · {s.regionCode}
                  </label>
                ))}
              </fieldset>
              <label>
                {t('feeds:review.note')}
                <input name="note" maxLength={500} />
              </label>
              <button type="submit" disabled={r.suggestions.length === 0}>{t('feeds:review.resolve')}</button>
            </Form>
            <Form method="post">
              <input type="hidden" name="intent" value="dismiss" />
              <input type="hidden" name="recordId" value={r.id} />
              <label>
                {t('feeds:review.dismiss_note')}
                <input name="note" required minLength={2} maxLength={500} />
              </label>
              <button type="submit">{t('feeds:review.dismiss')}</button>
            </Form>
          </article>
        )
      })}
    </section>
  )
}
