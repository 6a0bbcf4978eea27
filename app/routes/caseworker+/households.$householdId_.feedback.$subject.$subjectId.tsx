import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FeedbackForm } from '~/components/feedback-form'
import { FeedbackError, feedbackSubjectFor, submitFeedback } from '~/models/feedback.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  try {
    const { target, given } = await feedbackSubjectFor({ id: user.id, role: user.role }, params.subject!, params.subjectId!, params.householdId!)
    return json({
      householdId: target.householdId,
      target: { subject: target.subject, listingTitle: target.listingTitle, organizationName: target.organizationName, detail: target.detail },
      given: given ? { satisfaction: given.satisfaction, capability: given.capability, integration: given.integration, comment: given.comment } : null,
    })
  } catch (error) {
    // Outside the caseworker's regions, or not completed assistance: as if it did not exist.
    if (error instanceof FeedbackError) throw new Response(null, { status: 404 })
    throw error
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const form = Object.fromEntries(await request.formData()) as Record<string, string>
  try {
    const result = await submitFeedback({ id: user.id, role: user.role }, { ...form, subject: params.subject!, subjectId: params.subjectId!, householdId: params.householdId! })
    if (!result.ok) return json({ saved: false, fieldErrors: result.fieldErrors, formError: null, values: form }, { status: 400 })
    return json({ saved: true, fieldErrors: null, formError: null, values: null })
  } catch (error) {
    if (error instanceof FeedbackError) return json({ saved: false, fieldErrors: null, formError: error.key, values: form }, { status: error.status })
    throw error
  }
}

export default function FeedbackOnBehalf() {
  const { t } = useTranslation(['evaluation'])
  const { householdId, target, given } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <FeedbackForm target={target} given={given} onBehalf saved={result?.saved} fieldErrors={result?.fieldErrors} formError={result?.formError} values={result?.values} />
      <p>
        <Link to={`/caseworker/households/${householdId}`}>{t('form.back')}</Link>
      </p>
    </>
  )
}
