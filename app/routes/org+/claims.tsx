import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { claimInputErrors, claimMilestoneHistory, claimsAwaitingDecision, claimsOfOrganization, evidenceError, openProjects, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { FlowError } from '~/models/donations.server'
import { LedgerError } from '~/models/ledger.server'
import { forbidden, requireRole } from '~/utils/auth.server'
import { refusal, uiError, type UiError } from '~/utils/ledger-errors.server'

export const handle = { i18n: ['common', 'ledger'] }

async function requireOrgMember(request: Request) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) forbidden({ reason: 'role', roles: ['org_member'] })
  return { user, actor: { id: user.id, role: user.role, organizationId: user.organizationId } }
}

/** A social organization's claims (项目认领): open projects to claim, its claims and milestone evidence. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireOrgMember(request)
  const [open, mine, toDecide] = await Promise.all([openProjects(user.organizationId!), claimsOfOrganization(user.organizationId!), claimsAwaitingDecision(user.organizationId!)])
  const claimed = new Set(mine.filter((c) => c.claim.status === 'pending' || c.claim.status === 'approved').map((c) => c.claim.listingId))
  const withMilestones = await Promise.all(
    mine.map(async (c) => ({
      id: c.claim.id,
      title: c.title,
      status: c.claim.status,
      budget: c.claim.budget,
      listingId: c.claim.listingId,
      milestones: (await claimMilestoneHistory(c.claim.id)).map((m) => ({
        id: m.id,
        title: m.title,
        share: m.budgetSharePercent,
        dueOn: m.dueOn,
        submissions: m.submissions.map((s) => ({ id: s.id, status: s.status, paid: s.paid, stillDue: s.stillDue, note: s.reviewNote })),
      })),
    })),
  )
  // Claims on this organization's own projects are decided on the ledger page; this page points there.
  return json({ open: open.filter((p) => !claimed.has(p.id)), claims: withMilestones, awaitingDecision: toDecide.length })
}

// The ids and the intent only: the text fields are checked one by one below, so each gets its own
// message (required, too long with the limit) instead of a generic "bad request".
const text = z.string().optional().default('')
const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('claim'), listingId: z.string().uuid(), plan: text, budget: text }),
  z.object({ intent: z.literal('evidence'), claimId: z.string().uuid(), milestoneId: z.string().uuid(), evidence: text }),
])

type Field = 'plan' | 'budget' | 'evidence'
type FieldErrors = Partial<Record<Field, UiError>>
/** A refused form answers with what was typed (`values`), so the form shows it again instead of empty fields. */
type ActionData = { ok: true } | { ok: false; error?: UiError; target?: string; fieldErrors?: FieldErrors; values?: Partial<Record<Field, string>> }

/** The form field a refusal of the model is about, if any (the rest are shown above the forms). */
function fieldOf(error: unknown): Field | null {
  if (error instanceof LedgerError) return 'budget'
  if (!(error instanceof FlowError)) return null
  if (error.code.startsWith('plan_')) return 'plan'
  if (error.code.startsWith('budget_')) return 'budget'
  if (error.code.startsWith('evidence_')) return 'evidence'
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireOrgMember(request)
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json<ActionData>({ ok: false, error: { key: 'common:errors.bad_request', params: {} } }, { status: 400 })
  const input = parsed.data
  // Which form on the page answered: one per open project, one per milestone of a claim.
  const target = input.intent === 'claim' ? input.listingId : `${input.claimId}:${input.milestoneId}`
  const values = input.intent === 'claim' ? { plan: input.plan, budget: input.budget } : { evidence: input.evidence }
  const fieldErrors: FieldErrors = {}
  if (input.intent === 'claim') {
    for (const [field, error] of Object.entries(claimInputErrors(input))) fieldErrors[field as Field] = uiError(error)
  } else {
    const error = evidenceError(input.evidence)
    if (error) fieldErrors.evidence = uiError(error)
  }
  if (Object.keys(fieldErrors).length) return json<ActionData>({ ok: false, target, fieldErrors, values }, { status: 400 })
  try {
    if (input.intent === 'claim') await submitClaim(actor, input)
    else await submitMilestoneEvidence(actor, input)
    return json<ActionData>({ ok: true })
  } catch (error) {
    const field = fieldOf(error)
    if (field && (error instanceof FlowError || error instanceof LedgerError)) return json<ActionData>({ ok: false, target, fieldErrors: { [field]: uiError(error) }, values }, { status: 400 })
    return refusal(error, { target, values })
  }
}

export default function Claims() {
  const { t } = useTranslation('ledger')
  const { open, claims, awaitingDecision } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as ActionData | undefined
  // A field's error, shown under it, only on the form that was sent.
  const errorOf = (target: string, field: Field) => (data && !data.ok && data.target === target ? data.fieldErrors?.[field] : undefined)
  const typed = (target: string, field: Field) => (data && !data.ok && data.target === target ? data.values?.[field] : undefined)
  const fieldError = (id: string, error: UiError | undefined) =>
    error ? (
      <ul id={id} className="error-list" role="alert" data-testid="field-error">
        <li>{t(error.key, error.params)}</li>
      </ul>
    ) : null
  return (
    <div data-testid="org-claims">
      <h1>{t('org.my_claims')}</h1>
      {awaitingDecision ? (
        <p className="notice" data-testid="claims-awaiting-decision">
          {t('org.claims_awaiting_decision', { count: awaitingDecision })} <Link to="/org/ledger#claims-to-decide">{t('org.claims_decide_link')}</Link>
        </p>
      ) : null}
      {data?.ok ? <p className="notice success" role="status">{t('org.done')}</p> : null}
      {data && !data.ok && data.error ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      {claims.map((c) => (
        <section key={c.id} className="panel" data-testid="my-claim">
          <h2>
            <a href={`/funds/${c.listingId}`}>{c.title}</a> · ¥{c.budget} · {t(`project.claim_status.${c.status}`)}
          </h2>
          <ol>
            {c.milestones.map((m) => {
              const target = `${c.id}:${m.id}`
              const evidenceError = errorOf(target, 'evidence')
              return (
                <li key={m.id}>
                  {m.title} · {t('project.share', { share: m.share })} · {t('project.due', { date: m.dueOn })}
                  <ul>
                    {m.submissions.map((s) => (
                      <li key={s.id} data-testid="milestone-submission">
                        {t(`project.submission_status.${s.status}`)}
                        {s.paid ? ` · ${t('project.paid', { amount: s.paid })}` : ''}
                        {s.stillDue && s.stillDue !== '0.00' ? ` · ${t('project.still_due', { amount: s.stillDue })}` : ''}
                        {s.note ? ` · ${s.note}` : ''}
                      </li>
                    ))}
                  </ul>
                  {c.status === 'approved' && !m.submissions.some((s) => s.status !== 'rejected') ? (
                    <Form method="post" className="form">
                      <input type="hidden" name="intent" value="evidence" />
                      <input type="hidden" name="claimId" value={c.id} />
                      <input type="hidden" name="milestoneId" value={m.id} />
                      <label>
                        {t('org.evidence')}
                        <textarea name="evidence" required defaultValue={typed(target, 'evidence')} aria-invalid={evidenceError ? true : undefined} aria-describedby={evidenceError ? `evidence-error-${m.id}` : undefined} />
                      </label>
                      {fieldError(`evidence-error-${m.id}`, evidenceError)}
                      <button type="submit" className="button small">
                        {t('org.submit_evidence')}
                      </button>
                    </Form>
                  ) : null}
                </li>
              )
            })}
          </ol>
        </section>
      ))}
      <section className="panel">
        <h2>{t('org.open_projects')}</h2>
        {open.map((p) => {
          const planError = errorOf(p.id, 'plan')
          const budgetError = errorOf(p.id, 'budget')
          return (
            <Form key={p.id} method="post" className="card form" data-testid="open-project">
              <h3>
                <a href={`/funds/${p.id}`}>{p.title}</a> · {p.organizationName} · ¥{p.budget}
              </h3>
              <input type="hidden" name="intent" value="claim" />
              <input type="hidden" name="listingId" value={p.id} />
              <label>
                {t('org.plan')}
                <textarea name="plan" required defaultValue={typed(p.id, 'plan')} aria-invalid={planError ? true : undefined} aria-describedby={planError ? `plan-error-${p.id}` : undefined} />
              </label>
              {fieldError(`plan-error-${p.id}`, planError)}
              <label>
                {t('org.budget')}
                <input name="budget" inputMode="decimal" required defaultValue={typed(p.id, 'budget')} aria-invalid={budgetError ? true : undefined} aria-describedby={budgetError ? `budget-error-${p.id}` : undefined} />
              </label>
              {fieldError(`budget-error-${p.id}`, budgetError)}
              <button type="submit" className="button small">
                {t('org.submit_claim')}
              </button>
            </Form>
          )
        })}
      </section>
    </div>
  )
}
