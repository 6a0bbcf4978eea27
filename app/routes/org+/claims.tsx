import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { claimMilestoneHistory, claimsOfOrganization, openProjects, submitClaim, submitMilestoneEvidence } from '~/models/claims.server'
import { forbidden, requireRole } from '~/utils/auth.server'
import { refusal } from '~/utils/ledger-errors.server'
import { controlCharsMessage, withoutControlChars } from '@db/schema/messages'

export const handle = { i18n: ['common', 'ledger'] }

async function requireOrgMember(request: Request) {
  const user = await requireRole(request, 'org_member')
  if (!user.organizationId) forbidden({ reason: 'role', roles: ['org_member'] })
  return { user, actor: { id: user.id, role: user.role, organizationId: user.organizationId } }
}

/** A social organization's claims (项目认领): open projects to claim, its claims and milestone evidence. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireOrgMember(request)
  const [open, mine] = await Promise.all([openProjects(user.organizationId!), claimsOfOrganization(user.organizationId!)])
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
        submissions: m.submissions.map((s) => ({ id: s.id, status: s.status, paid: s.paid, note: s.reviewNote })),
      })),
    })),
  )
  return json({ open: open.filter((p) => !claimed.has(p.id)), claims: withMilestones })
}

const Intent = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('claim'), listingId: z.string().uuid(), plan: z.string().max(4000).refine(withoutControlChars, controlCharsMessage), budget: z.string().trim().min(1) }),
  z.object({ intent: z.literal('evidence'), claimId: z.string().uuid(), milestoneId: z.string().uuid(), evidence: z.string().max(4000).refine(withoutControlChars, controlCharsMessage) }),
])

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireOrgMember(request)
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return json({ ok: false as const, error: { key: 'common:errors.bad_request', params: {} } }, { status: 400 })
  try {
    if (parsed.data.intent === 'claim') await submitClaim(actor, parsed.data)
    else await submitMilestoneEvidence(actor, parsed.data)
    return json({ ok: true as const })
  } catch (error) {
    return refusal(error)
  }
}

export default function Claims() {
  const { t } = useTranslation('ledger')
  const { open, claims } = useLoaderData<typeof loader>()
  const data = useActionData<typeof action>() as { ok: true } | { ok: false; error: { key: string; params: Record<string, string | number> } } | undefined
  return (
    <div data-testid="org-claims">
      <h1>{t('org.my_claims')}</h1>
      {data?.ok ? <p className="notice success" role="status">{t('org.done')}</p> : null}
      {data && !data.ok ? <p className="notice error" role="alert">{t(data.error.key, data.error.params)}</p> : null}
      {claims.map((c) => (
        <section key={c.id} className="panel" data-testid="my-claim">
          <h2>
            <a href={`/funds/${c.listingId}`}>{c.title}</a> · ¥{c.budget} · {t(`project.claim_status.${c.status}`)}
          </h2>
          <ol>
            {c.milestones.map((m) => (
              <li key={m.id}>
                {m.title} · {t('project.share', { share: m.share })} · {t('project.due', { date: m.dueOn })}
                <ul>
                  {m.submissions.map((s) => (
                    <li key={s.id}>
                      {t(`project.submission_status.${s.status}`)}
                      {s.paid ? ` · ${t('project.paid', { amount: s.paid })}` : ''}
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
                      <textarea name="evidence" required />
                    </label>
                    <button type="submit" className="button small">
                      {t('org.submit_evidence')}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ol>
        </section>
      ))}
      <section className="panel">
        <h2>{t('org.open_projects')}</h2>
        {open.map((p) => (
          <Form key={p.id} method="post" className="card form" data-testid="open-project">
            <h3>
              <a href={`/funds/${p.id}`}>{p.title}</a> · {p.organizationName} · ¥{p.budget}
            </h3>
            <input type="hidden" name="intent" value="claim" />
            <input type="hidden" name="listingId" value={p.id} />
            <label>
              {t('org.plan')}
              <textarea name="plan" required />
            </label>
            <label>
              {t('org.budget')}
              <input name="budget" inputMode="decimal" required />
            </label>
            <button type="submit" className="button small">
              {t('org.submit_claim')}
            </button>
          </Form>
        ))}
      </section>
    </div>
  )
}
