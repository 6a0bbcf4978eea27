import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { HouseholdForm, withMemberIds } from '~/components/household-form'
import { caseworkerVillageChoices, HouseholdError, mayEditHousehold, updateHousehold, viewHouseholdAsStaff } from '~/models/household.server'
import { requireRole } from '~/utils/auth.server'
import { formSkillNames, parseHouseholdForm, valuesFromFile } from '~/utils/household-form.server'

export const handle = { i18n: ['common', 'households', 'matching'] }

async function load(request: Request, id: string) {
  const user = await requireRole(request, 'caseworker')
  try {
    return { user, file: await viewHouseholdAsStaff({ id: user.id, role: user.role }, id) }
  } catch (error) {
    if (error instanceof HouseholdError) throw new Response(null, { status: 404 })
    throw error
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, file } = await load(request, params.householdId!)
  return json({ values: valuesFromFile(file as never, await formSkillNames(request)), version: file.version, villages: await caseworkerVillageChoices(user.id) })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'caseworker')
  if (!(await mayEditHousehold({ id: user.id, role: user.role }, params.householdId!))) throw new Response(null, { status: 404 })
  const form = await request.formData()
  const parsed = withMemberIds(form, parseHouseholdForm(form))
  if (!parsed.ok) return json({ errors: parsed.errors, values: parsed.values }, { status: 400 })
  try {
    await updateHousehold({ id: user.id, role: user.role }, params.householdId!, parsed.value, Number(form.get('version')) || undefined)
    return redirect(`/caseworker/households/${params.householdId}`)
  } catch (error) {
    if (error instanceof HouseholdError) {
      if (error.status === 404) throw new Response(null, { status: 404 })
      return json({ errors: error.formErrors(), values: parsed.values }, { status: error.status })
    }
    throw error
  }
}

export default function EditHousehold() {
  const { t } = useTranslation(['households'])
  const { values, version, villages } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>()
  return (
    <section className="panel" data-testid="household-edit">
      <h1>{t('form.edit_title')}</h1>
      <HouseholdForm values={(data?.values as Record<string, unknown>) ?? (values as Record<string, unknown>)} errors={data?.errors} submitLabel={t('form.save')} version={version} villages={villages} />
    </section>
  )
}
