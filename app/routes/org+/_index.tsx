import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AddMemberSchema } from '@db/schema/identity/validation'
import { ErrorList, Field } from '~/components/forms'
import { addOrganizationMember, getOrganization, listOrganizationMembers } from '~/models/organization.server'
import { regionPathNames } from '~/models/region.server'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['common', 'auth', 'kpi'] }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const organization = await getOrganization(user.organizationId!)
  if (!organization) throw new Response('organization missing', { status: 404 })
  const [members, regionNames] = await Promise.all([
    listOrganizationMembers(organization.id),
    regionPathNames([organization.regionCode]),
  ])
  return json({
    user,
    organization: {
      name: organization.name,
      kind: organization.kind,
      massOrgSubtype: organization.massOrgSubtype,
      region: regionNames.get(organization.regionCode) ?? organization.regionCode,
      verified: organization.verifiedAt !== null,
    },
    members,
    isOwner: user.orgMemberRole === 'owner',
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'org_member')
  const submission = parseWithZod(await request.formData(), { schema: AddMemberSchema })
  if (submission.status !== 'success') return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
  const result = await addOrganizationMember(user, submission.value)
  if (!result.ok) return json(submission.reply({ fieldErrors: result.fieldErrors, hideFields: ['password'] }), { status: 400 })
  return json({ ...submission.reply({ resetForm: true }), added: true })
}

function AddMemberForm() {
  const { t } = useTranslation(['common', 'auth'])
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'add-member',
    lastResult,
    constraint: getZodConstraint(AddMemberSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddMemberSchema }),
  })
  return (
    <section className="panel">
      <h2>{t('organization.add_member')}</h2>
      <p className="muted">{t('organization.add_member_help')}</p>
      {lastResult && 'added' in lastResult ? <p className="notice">{t('organization.member_added')}</p> : null}
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="add_member" />
        <Field label={t('auth:fields.username')} inputProps={getInputProps(fields.username, { type: 'text' })} errors={fields.username.errors} />
        <Field label={t('auth:fields.display_name')} inputProps={getInputProps(fields.displayName, { type: 'text' })} errors={fields.displayName.errors} />
        <Field label={t('auth:fields.phone')} inputProps={getInputProps(fields.phone, { type: 'tel' })} errors={fields.phone.errors} />
        <Field
          label={t('organization.initial_password')}
          hint={t('auth:signup.password_hint')}
          inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'new-password' }}
          errors={fields.password.errors}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button">
          {t('organization.add_member_submit')}
        </button>
      </Form>
    </section>
  )
}

export default function OrganizationHome() {
  const { t } = useTranslation()
  const { organization, members, isOwner } = useLoaderData<typeof loader>()
  return (
    <div data-testid="home-org_member">
      <h1>
        {organization.name}{' '}
        {organization.verified ? (
          <span className="badge ok">{t('organization.verified')}</span>
        ) : (
          <span className="badge warn">{t('organization.unverified')}</span>
        )}
      </h1>
      {!organization.verified ? <p className="notice">{t('organization.unverified_help')}</p> : null}
      <p>
        <Link to="/org/kpi" data-testid="org-kpi-link">
          {t('kpi:nav.org_kpi')}
        </Link>
      </p>
      <dl className="facts">
        <dt>{t('organization.kind')}</dt>
        <dd>
          {t(`organization_kinds.${organization.kind}`)}
          {organization.massOrgSubtype ? ` · ${t(`mass_org_subtypes.${organization.massOrgSubtype}`)}` : ''}
        </dd>
        <dt>{t('organization.region')}</dt>
        <dd>{organization.region}</dd>
      </dl>
      <h2>{t('organization.members')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('account.display_name')}</th>
            <th>{t('account.username')}</th>
            <th>{t('organization.member_role')}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.displayName}</td>
              <td>{m.username}</td>
              <td>{m.orgMemberRole ? t(`org_member_roles.${m.orgMemberRole}`) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {isOwner ? <AddMemberForm /> : null}
    </div>
  )
}
