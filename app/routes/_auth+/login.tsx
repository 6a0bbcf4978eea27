import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { LoginSchema } from '@db/schema/identity/validation'
import { ErrorList, Field } from '~/components/forms'
import { m } from '@db/schema/messages'
import { clearLoginFailures, loginLockMinutes, recordLoginFailure } from '~/models/login-throttle.server'
import { verifyLogin } from '~/models/user.server'
import { homePathFor, logIn, requireAnonymous, safeRedirect } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'auth'], titleKey: 'auth:login.title' }

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request)
  return json({})
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: LoginSchema })
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
  }
  const { username, password } = submission.value
  const ip = context.clientIp ?? null
  const lockMinutes = await loginLockMinutes(username, ip)
  if (lockMinutes > 0) {
    return json(submission.reply({ formErrors: [m('auth:login.too_many_attempts', { minutes: lockMinutes })], hideFields: ['password'] }), {
      status: 429,
    })
  }
  const user = await verifyLogin(username, password)
  if (!user) {
    await recordLoginFailure(username, ip)
    return json(submission.reply({ formErrors: ['auth:login.invalid_credentials'], hideFields: ['password'] }), { status: 400 })
  }
  await clearLoginFailures(username)
  const redirectTo = submission.value.redirectTo ? safeRedirect(submission.value.redirectTo) : null
  return logIn(request, user.id, redirectTo ?? homePathFor(user.role))
}

export default function LoginPage() {
  const { t } = useTranslation(['auth', 'common'])
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: 'login',
    lastResult,
    constraint: getZodConstraint(LoginSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  })
  return (
    <section className="panel narrow">
      <h1>{t('auth:login.title')}</h1>
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
        <Field
          label={t('auth:fields.username')}
          inputProps={{ ...getInputProps(fields.username, { type: 'text' }), autoComplete: 'username', autoFocus: true }}
          errors={fields.username.errors}
        />
        <Field
          label={t('auth:fields.password')}
          inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }}
          errors={fields.password.errors}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
          {t('auth:login.submit')}
        </button>
      </Form>
      <p className="muted">
        {t('auth:login.no_account')} <Link to="/signup">{t('common:nav.signup')}</Link>
      </p>
    </section>
  )
}
