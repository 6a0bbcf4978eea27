import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { HouseholdForm } from '~/components/household-form'
import { caseworkerVillageChoices, createHousehold, HouseholdError } from '~/models/household.server'
import { requireRole } from '~/utils/auth.server'
import { parseHouseholdForm } from '~/utils/household-form.server'

export const handle = { i18n: ['common', 'households', 'matching'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  return json({ villages: await caseworkerVillageChoices(user.id) })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  const parsed = parseHouseholdForm(await request.formData())
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  try {
    const file = await createHousehold({ id: user.id, role: user.role }, parsed.value)
    return redirect(`/caseworker/households/${file.id}`)
  } catch (error) {
    if (error instanceof HouseholdError) return json({ errors: error.formErrors(), values: parsed.values }, { status: error.status })
    throw error
  }
}

export default function NewHousehold() {
  const { t } = useTranslation(['households'])
  const data = useActionData<typeof action>()
  const { villages } = useLoaderData<typeof loader>()
  return (
    <section className="panel" data-testid="household-new">
      <h1>{t('form.new_title')}</h1>
      <HouseholdForm values={(data?.values as Record<string, unknown>) ?? { members: [] }} errors={data?.errors} submitLabel={t('form.save')} villages={villages} />
    </section>
  )
}
