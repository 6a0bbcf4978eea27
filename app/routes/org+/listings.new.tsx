import { parseWithZod } from '@conform-to/zod'
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { listingKinds, type ListingKind } from '@db/schema/listings/constants'
import { compactRepeatableRows, ListingSchema } from '@db/schema/listings/validation'
import { ListingForm } from '~/components/listing-form'
import { canPublish, createListing, ListingError, listListingRegions, listSkillChoices } from '~/models/listing.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:titles.new' }

function kindOf(request: Request): ListingKind {
  const kind = new URL(request.url).searchParams.get('kind')
  return (listingKinds as readonly string[]).includes(kind ?? '') ? (kind as ListingKind) : 'job'
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const [regions, skills, publishable] = await Promise.all([listListingRegions(), listSkillChoices(), canPublish(user)])
  return json({ kind: kindOf(request), regions, skills, canPublish: publishable })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const formData = compactRepeatableRows(await request.formData())
  const submission = parseWithZod(formData, { schema: ListingSchema })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  try {
    const result = await createListing(user, submission.value, { publish: formData.get('intent') === 'publish' })
    if (!result.ok) return json(submission.reply({ fieldErrors: result.fieldErrors }), { status: 400 })
    return redirect(`/org/listings?status=${formData.get('intent') === 'publish' ? 'published' : 'draft'}`)
  } catch (error) {
    if (error instanceof ListingError) return json(submission.reply({ formErrors: [`listings:errors.${error.reason}`] }), { status: 409 })
    throw error
  }
}

export default function NewListing() {
  const { t } = useTranslation(['listings'])
  const { kind, regions, skills, canPublish } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const errors = lastResult?.error ?? {}
  return (
    <section className="panel">
      <h1>{t('listings:org.new_kind', { kind: t(`listings:kinds.${kind}`) })}</h1>
      {lastResult?.error && Object.keys(lastResult.error).length ? (
        <p className="error-list" role="alert">
          {t('listings:org.form_has_errors')}
        </p>
      ) : null}
      <ListingForm
        kind={kind}
        values={(lastResult?.initialValue as Record<string, unknown> | undefined) ?? {}}
        errors={errors}
        regions={regions}
        skills={skills}
        mode="create"
        canPublish={canPublish}
        submitting={navigation.state === 'submitting'}
      />
    </section>
  )
}
