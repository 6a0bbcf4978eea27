import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { selfServiceRoles } from '@db/schema/identity/constants'
import { SignupFieldsSchema, SignupSchema } from '@db/schema/identity/validation'
import type { z } from 'zod'
import { massOrgSubtypes, organizationKinds } from '@db/schema/organizations/constants'
import { ErrorList, Field, SelectField } from '~/components/forms'
import { listSeatRegions } from '~/models/region.server'
import { registerAccount } from '~/models/user.server'
import { homePathFor, logIn, requireAnonymous } from '~/utils/auth.server'
import { useHydrated } from '~/utils/hydrated'

export const handle = { i18n: ['common', 'auth'], titleKey: 'auth:signup.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  return json({ regions: await listSeatRegions() })
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: SignupSchema })
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password', 'confirmPassword'] }), { status: 400 })
  }
  const result = await registerAccount(submission.value)
  if (!result.ok) {
    return json(submission.reply({ fieldErrors: result.fieldErrors, hideFields: ['password', 'confirmPassword'] }), { status: 400 })
  }
  return logIn(request, result.userId, homePathFor(submission.value.role))
}

export default function SignupPage() {
  const { t } = useTranslation(['auth', 'common'])
  const { regions } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useForm<z.input<typeof SignupFieldsSchema>>({
    id: 'signup',
    lastResult,
    constraint: getZodConstraint(SignupFieldsSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: { role: 'resident' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignupSchema }),
  })
  const hydrated = useHydrated()
  const role = fields.role.value ?? 'resident'
  const kind = fields.organizationKind.value
  return (
    <section className="panel narrow">
      <h1>{t('auth:signup.title')}</h1>
      <p className="muted">{t('auth:signup.intro')}</p>
      <Form method="post" {...getFormProps(form)}>
        <fieldset className="role-choice">
          <legend>{t('auth:fields.role')}</legend>
          {selfServiceRoles.map((value) => (
            <label key={value} className="radio">
              <input {...getInputProps(fields.role, { type: 'radio', value })} key={value} />
              <span>
                <strong>{t(`common:roles.${value}`)}</strong>
                <small>{t(`auth:signup.role_help.${value}`)}</small>
              </span>
            </label>
          ))}
          <ErrorList errors={fields.role.errors} />
        </fieldset>
        <Field
          label={t('auth:fields.username')}
          hint={t('auth:signup.username_hint')}
          inputProps={{ ...getInputProps(fields.username, { type: 'text' }), autoComplete: 'username' }}
          errors={fields.username.errors}
        />
        <Field
          label={t('auth:fields.display_name')}
          inputProps={{ ...getInputProps(fields.displayName, { type: 'text' }), autoComplete: 'name' }}
          errors={fields.displayName.errors}
        />
        <Field
          label={t('auth:fields.phone')}
          hint={t('auth:signup.phone_hint')}
          inputProps={{ ...getInputProps(fields.phone, { type: 'tel' }), autoComplete: 'tel' }}
          errors={fields.phone.errors}
        />
        <Field
          label={t('auth:fields.password')}
          hint={t('auth:signup.password_hint')}
          inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }}
          errors={fields.password.errors}
        />
        <Field
          label={t('auth:fields.confirm_password')}
          inputProps={{ ...getInputProps(fields.confirmPassword, { type: 'password' }), autoComplete: 'new-password' }}
          errors={fields.confirmPassword.errors}
        />
        {/* Shown to everyone without JavaScript; with it, only when signing up for an organization. */}
        <fieldset className="org-fields" hidden={hydrated && role !== 'org_member' ? true : undefined}>
          <legend>{t('auth:signup.organization_legend')}</legend>
          <p className="hint">{t('auth:signup.organization_help')}</p>
          <Field
            label={t('auth:fields.organization_name')}
            inputProps={getInputProps(fields.organizationName, { type: 'text' })}
            errors={fields.organizationName.errors}
          />
          <SelectField
            label={t('auth:fields.organization_kind')}
            placeholder={t('common:choose')}
            options={organizationKinds.map((k) => ({ value: k, label: t(`common:organization_kinds.${k}`) }))}
            selectProps={getSelectProps(fields.organizationKind)}
            errors={fields.organizationKind.errors}
          />
          <SelectField
            label={t('auth:fields.mass_org_subtype')}
            placeholder={kind === 'mass_org' ? t('common:choose') : t('auth:signup.subtype_only_mass_org')}
            options={massOrgSubtypes.map((k) => ({ value: k, label: t(`common:mass_org_subtypes.${k}`) }))}
            selectProps={getSelectProps(fields.massOrgSubtype)}
            errors={fields.massOrgSubtype.errors}
          />
          <SelectField
            label={t('auth:fields.region')}
            placeholder={t('common:choose')}
            options={regions}
            selectProps={getSelectProps(fields.regionCode)}
            errors={fields.regionCode.errors}
          />
        </fieldset>
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
          {t('auth:signup.submit')}
        </button>
      </Form>
      <p className="muted">
        {t('auth:signup.have_account')} <Link to="/login">{t('common:nav.login')}</Link>
      </p>
    </section>
  )
}
