import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { reviewAction } from '@db/schema'
import { completeReview, listReviews, MonitoringError } from '~/models/warnings.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'monitoring', 'households'], titleKey: 'monitoring:reviews.title' }

type ActionResult = { ok: true; next: string } | { ok: false; error: { key: string; params: Record<string, string | number> } }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return json({ reviews: await listReviews({ id: user.id, role: user.role }) })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const parsed = reviewAction.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json<ActionResult>({ ok: false, error: { key: 'monitoring:errors.bad_request', params: {} } }, { status: 400 })
  try {
    const next = await completeReview({ id: user.id, role: user.role }, parsed.data.reviewId)
    return json<ActionResult>({ ok: true, next })
  } catch (error) {
    if (error instanceof MonitoringError) return json<ActionResult>({ ok: false, error: { key: error.key, params: error.params } }, { status: error.status })
    throw error
  }
}

/** Reviews (复核) due in the caseworker's regions; overdue first and highlighted. */
export default function CaseworkerReviews() {
  const { t } = useTranslation('monitoring')
  const { reviews } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult | undefined
  return (
    <div data-testid="caseworker-reviews">
      <h1>{t('reviews.title')}</h1>
      <p className="lead">{t('reviews.lead')}</p>
      {result?.ok ? (
        <p className="notice success" role="status">
          {t('reviews.completed', { next: result.next })}
        </p>
      ) : null}
      {result && !result.ok ? (
        <p className="notice error" role="alert">
          {t(result.error.key, result.error.params)}
        </p>
      ) : null}
      {reviews.length === 0 ? (
        <p>{t('reviews.empty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('reviews.household')}</th>
              <th>{t('reviews.tier')}</th>
              <th>{t('reviews.due')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => (
              <tr key={r.id} data-testid="review-row" className={r.overdue ? 'overdue' : undefined}>
                <td>
                  <Link to={`/caseworker/households/${r.householdId}`}>{r.address || r.regionCode}</Link>
                </td>
                <td>{t(`households:tiers.${r.riskTier}`)}</td>
                <td>
                  {r.dueOn}
                  {r.overdue ? <strong className="badge overdue"> {t('reviews.overdue')}</strong> : null}
                </td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="reviewId" value={r.id} />
                    <button type="submit" className="button">
                      {t('reviews.done')}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
