import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { feedbackDimensions, FEEDBACK_MAX, FEEDBACK_MIN } from '@db/schema/evaluation/constants'
import { ErrorList } from './forms'

export type FeedbackFormTarget = { subject: string; listingTitle: string; organizationName: string; detail: string | null }
export type FeedbackGiven = { satisfaction: number; capability: number; integration: number; comment: string } | null
type Errors = Partial<Record<'satisfaction' | 'capability' | 'integration' | 'comment', string>> | null | undefined

const scores = Array.from({ length: FEEDBACK_MAX - FEEDBACK_MIN + 1 }, (_, i) => FEEDBACK_MIN + i)

/** The three-dimension feedback form (satisfaction, capability gained, social integration) with free text. */
export function FeedbackForm({
  target,
  given,
  fieldErrors,
  formError,
  saved,
  onBehalf,
  values,
}: {
  target: FeedbackFormTarget
  given: FeedbackGiven
  fieldErrors?: Errors
  formError?: string | null
  saved?: boolean
  onBehalf?: boolean
  values?: Record<string, string> | null
}) {
  const { t } = useTranslation(['evaluation'])
  return (
    <section className="panel" data-testid="feedback-form">
      <h1>{t('form.title', { title: target.detail ? `${target.listingTitle} · ${target.detail}` : target.listingTitle })}</h1>
      <p>
        {t(`subjects.${target.subject}`)} · {t('form.organization', { organization: target.organizationName })}
      </p>
      {saved ? (
        <p className="notice success" role="status" data-testid="feedback-saved">
          {t('form.saved')}
        </p>
      ) : null}
      {formError ? (
        <p className="error-list" role="alert" data-testid="feedback-error">
          {t(formError)}
        </p>
      ) : null}
      {given ? (
        <p data-testid="feedback-given">
          {t('form.already')} {t('form.given', given)}
          {given.comment ? ` · ${given.comment}` : ''}
        </p>
      ) : (
        <Form method="post">
          {onBehalf ? <p className="notice">{t('form.on_behalf')}</p> : null}
          {feedbackDimensions.map((d) => (
            <fieldset key={d} className="field" aria-invalid={fieldErrors?.[d] ? true : undefined}>
              <legend>
                <strong>{t(`dimensions.${d}`)}</strong> <small className="hint">{t(`dimension_hints.${d}`)}</small>
              </legend>
              {scores.map((n) => (
                <label key={n} className="inline">
                  <input type="radio" name={d} value={String(n)} defaultChecked={values?.[d] === String(n)} required /> {t(`scale.${n}`)}
                </label>
              ))}
              <ErrorList errors={fieldErrors?.[d] ? [fieldErrors[d]!] : null} />
            </fieldset>
          ))}
          <div className="field">
            <label htmlFor="comment">{t('form.comment')}</label>
            <textarea id="comment" name="comment" rows={4} maxLength={1000} defaultValue={values?.comment ?? ''} />
            <ErrorList errors={fieldErrors?.comment ? [fieldErrors.comment] : null} />
          </div>
          <button type="submit" className="button">
            {t('form.submit')}
          </button>
        </Form>
      )}
    </section>
  )
}

/** One pending prompt's text: "帮扶：<title>（<organization>）". */
export function usePromptText() {
  const { t } = useTranslation(['evaluation'])
  return (p: { subject: string; listingTitle: string; organizationName: string; detail: string | null }) =>
    p.detail
      ? t('prompts.item_milestone', { what: t(`subjects.${p.subject}`), title: p.listingTitle, milestone: p.detail, organization: p.organizationName })
      : t('prompts.item', { what: t(`subjects.${p.subject}`), title: p.listingTitle, organization: p.organizationName })
}
