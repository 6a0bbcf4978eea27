import { parseWithZod } from '@conform-to/zod'
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { compactRepeatableRows, ListingSchema } from '@db/schema/listings/validation'
import { ListingForm } from '~/components/listing-form'
import { allowedActions, canPublish, getOwnListing, ListingError, listingSaveRefusal, listListingRegions, listSkillChoices, snapshotToFormValues, updateListing } from '~/models/listing.server'
import { requireRole } from '~/utils/auth.server'
import { logger } from '~/utils/logger.server'

export const handle = { i18n: ['common', 'listings'], titleKey: 'listings:titles.edit' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const listing = /^[0-9a-f-]{36}$/i.test(params.id ?? '') ? await getOwnListing(user, params.id!) : null
  if (!listing) throw new Response('not found', { status: 404 })
  const [regions, skills, publishable] = await Promise.all([listListingRegions(), listSkillChoices(), canPublish(user)])
  return json({
    listing: { id: listing.id, kind: listing.kind, status: listing.status, version: listing.version, title: listing.title },
    values: snapshotToFormValues(listing),
    actions: allowedActions(listing.status).filter((a) => publishable || (a !== 'publish' && a !== 'resume')),
    regions,
    skills,
  })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  // Another organization's listing is refused before its form is read, like the page itself.
  if (!/^[0-9a-f-]{36}$/i.test(params.id ?? '') || !(await getOwnListing(user, params.id!))) throw new Response('not found', { status: 404 })
  const formData = compactRepeatableRows(await request.formData())
  const submission = parseWithZod(formData, { schema: ListingSchema })
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 })
  const expected = Number(formData.get('expectedVersion'))
  try {
    const result = await updateListing(user, params.id!, submission.value, { expectedVersion: Number.isInteger(expected) && expected > 0 ? expected : undefined })
    if (!result.ok) return json(submission.reply({ fieldErrors: result.fieldErrors }), { status: 400 })
    return redirect(`/org/listings/${params.id}?saved=${result.version}`)
  } catch (error) {
    if (error instanceof ListingError) return json(submission.reply({ formErrors: [`listings:errors.${error.reason}`] }), { status: error.reason === 'not_found' ? 404 : 409 })
    // The database refused the save (nothing was written): the form says so instead of a 500.
    const refusal = listingSaveRefusal(error)
    if (refusal) {
      logger.warn({ listingId: params.id, err: (error as Error).message }, 'listing edit refused by the database')
      return json(submission.reply({ formErrors: [refusal] }), { status: 409 })
    }
    throw error
  }
}

export default function EditListing() {
  const { t } = useTranslation(['listings'])
  const { listing, values, actions, regions, skills } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <section className="panel">
      <h1>
        {listing.title} <span className={`badge status-${listing.status}`}>{t(`listings:statuses.${listing.status}`)}</span>{' '}
        <small className="muted">{t('listings:org.version', { version: listing.version })}</small>
      </h1>
      <div className="button-row">
        {actions.map((a) => (
          <Form method="post" action="/org/listings?index" key={a}>
            <input type="hidden" name="listingId" value={listing.id} />
            <button type="submit" name="intent" value={a} className="button small secondary">
              {t(`listings:actions.${a}`)}
            </button>
          </Form>
        ))}
      </div>
      {lastResult?.error && Object.keys(lastResult.error).length ? (
        <p className="error-list" role="alert">
          {t('listings:org.form_has_errors')}
        </p>
      ) : null}
      <ListingForm
        key={listing.version}
        kind={listing.kind}
        values={(lastResult?.initialValue as Record<string, unknown> | undefined) ?? values}
        errors={lastResult?.error ?? {}}
        regions={regions}
        skills={skills}
        mode="edit"
        canPublish={false}
        version={listing.version}
        submitting={navigation.state === 'submitting'}
      />
    </section>
  )
}
