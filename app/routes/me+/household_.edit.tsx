import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { HouseholdForm, withMemberIds } from '~/components/household-form'
import { getOwnHousehold, HouseholdError, updateHousehold } from '~/models/household.server'
import { requireRole } from '~/utils/auth.server'
import { formSkillNames, parseHouseholdForm, valuesFromFile } from '~/utils/household-form.server'

export const handle = { i18n: ['common', 'households', 'matching'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const file = await getOwnHousehold(user.id)
  if (!file) throw redirect('/me/household')
  return json({ values: valuesFromFile(file as never, await formSkillNames(request)), version: file.version })
}

/** The resident corrects their own file (region stays with their caseworker). */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'resident')
  const file = await getOwnHousehold(user.id)
  if (!file) throw redirect('/me/household')
  const form = await request.formData()
  const parsed = withMemberIds(form, parseHouseholdForm(form))
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  try {
    await updateHousehold({ id: user.id, role: user.role }, file.id, parsed.value, Number(form.get('version')) || undefined)
    return redirect('/me/household')
  } catch (error) {
    if (error instanceof HouseholdError) return json({ errors: error.formErrors(), values: parsed.values }, { status: error.status })
    throw error
  }
}

export default function CorrectHousehold() {
  const { t } = useTranslation(['households'])
  const { values, version } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  return (
    <section className="panel" data-testid="household-correct">
      <h1>{t('form.edit_title')}</h1>
      <p className="muted">{t('resident.correct')}</p>
      <HouseholdForm values={(data?.values as Record<string, unknown>) ?? (values as Record<string, unknown>)} errors={data?.errors} submitLabel={t('form.save')} version={version} />
    </section>
  )
}
