import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FeedbackForm } from '~/components/feedback-form'
import { FeedbackError, feedbackSubjectFor, submitFeedback } from '~/models/feedback.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'evaluation'] }

async function load(user: { id: string; role: string }, subject: string, subjectId: string) {
  try {
    return await feedbackSubjectFor({ id: user.id, role: user.role }, subject, subjectId)
  } catch (error) {
    if (error instanceof FeedbackError) throw new Response(null, { status: 404 })
    throw error
  }
}

function view(data: Awaited<ReturnType<typeof feedbackSubjectFor>>) {
  const { target, given } = data
  return {
    target: { subject: target.subject, listingTitle: target.listingTitle, organizationName: target.organizationName, detail: target.detail },
    given: given ? { satisfaction: given.satisfaction, capability: given.capability, integration: given.integration, comment: given.comment } : null,
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  return json(view(await load(user, params.subject!, params.subjectId!)))
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const form = Object.fromEntries(await request.formData()) as Record<string, string>
  try {
    const result = await submitFeedback({ id: user.id, role: user.role }, { ...form, subject: params.subject!, subjectId: params.subjectId! })
    if (!result.ok) return json({ saved: false, fieldErrors: result.fieldErrors, formError: null, values: form }, { status: 400 })
    return json({ saved: true, fieldErrors: null, formError: null, values: null })
  } catch (error) {
    if (error instanceof FeedbackError) return json({ saved: false, fieldErrors: null, formError: error.key, values: form }, { status: error.status })
    throw error
  }
}

export default function ResidentFeedback() {
  const { t } = useTranslation(['evaluation'])
  const { target, given } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      <FeedbackForm target={target} given={given} saved={result?.saved} fieldErrors={result?.fieldErrors} formError={result?.formError} values={result?.values} />
      <p>
        <Link to="/me">{t('form.back')}</Link>
      </p>
    </>
  )
}
