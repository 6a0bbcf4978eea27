// The organization's listing form, one per kind. Plain inputs with indexed names for the
// repeatable rows, so it works without JavaScript; field errors come back from the action
// (conform's submission.reply) as catalog keys and are translated here.
import { Form } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { donationTypes, itemConditions, trainingDeliveries, wagePeriods, type ListingKind } from '@db/schema/listings/constants'
import { accommodations, educationLevels, genders, needCategories, skillLevels, targetGroups } from '@db/schema/taxonomy/constants'
import { ErrorList } from './forms'

export type FormValues = Record<string, unknown>
export type FormErrors = Record<string, string[] | null | undefined>

type Choice = { value: string; label: string }

type Props = {
  kind: ListingKind
  values: FormValues
  errors: FormErrors
  regions: Choice[]
  skills: Array<{ code: string; nameZh: string; nameEn: string }>
  mode: 'create' | 'edit'
  canPublish: boolean
  version?: number
  submitting?: boolean
}

/** Reads a value from conform's nested initialValue or from flat edit values. */
function read(values: FormValues, name: string): unknown {
  if (name in values) return values[name]
  const path = name.replace(/\[(\d+)\]/g, '.$1').split('.')
  let current: unknown = values
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

const asString = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? String(v[0] ?? '') : String(v))
const asList = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined || v === null || v === '' ? [] : [String(v)])

export function ListingForm({ kind, values, errors, regions, skills, mode, canPublish, version, submitting }: Props) {
  const { t, i18n } = useTranslation(['listings', 'common'])
  const formId = useId()
  const errs = (name: string) => errors[name] ?? undefined
  const text = (name: string, label: string, options: { type?: string; hint?: string; required?: boolean; step?: string; min?: string } = {}) => {
    const id = `${formId}-${name}`
    const list = errs(name)
    return (
      <div className="field" key={name}>
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={name}
          type={options.type ?? 'text'}
          step={options.step}
          min={options.min}
          defaultValue={asString(read(values, name))}
          aria-invalid={list?.length ? true : undefined}
          aria-describedby={list?.length ? `${id}-error` : undefined}
        />
        {options.hint ? <small className="hint">{options.hint}</small> : null}
        <ErrorList id={`${id}-error`} errors={list} />
      </div>
    )
  }
  const area = (name: string, label: string) => {
    const id = `${formId}-${name}`
    const list = errs(name)
    return (
      <div className="field" key={name}>
        <label htmlFor={id}>{label}</label>
        <textarea id={id} name={name} rows={5} defaultValue={asString(read(values, name))} aria-invalid={list?.length ? true : undefined} aria-describedby={list?.length ? `${id}-error` : undefined} />
        <ErrorList id={`${id}-error`} errors={list} />
      </div>
    )
  }
  const select = (name: string, label: string, options: Choice[], placeholder?: string) => {
    const id = `${formId}-${name}`
    const list = errs(name)
    return (
      <div className="field" key={name}>
        <label htmlFor={id}>{label}</label>
        <select id={id} name={name} defaultValue={asString(read(values, name))} aria-invalid={list?.length ? true : undefined} aria-describedby={list?.length ? `${id}-error` : undefined}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <ErrorList id={`${id}-error`} errors={list} />
      </div>
    )
  }
  const checks = (name: string, label: string, options: Choice[]) => {
    const chosen = new Set(asList(read(values, name)))
    return (
      <fieldset className="checks" key={name}>
        <legend>{label}</legend>
        {options.map((o) => (
          <label key={o.value} className="check">
            <input type="checkbox" name={name} value={o.value} defaultChecked={chosen.has(o.value)} /> {o.label}
          </label>
        ))}
        <ErrorList errors={errs(name)} />
      </fieldset>
    )
  }
  const choices = (group: string, list: readonly string[]) => list.map((v) => ({ value: v, label: t(`listings:${group}.${v}`) }))
  const skillChoices = skills.map((s) => ({ value: s.code, label: i18n.language === 'en' ? s.nameEn : s.nameZh }))
  const skillRows = (name: 'skills' | 'prerequisiteSkills', label: string) => {
    const count = Math.max(countRows(values, name, ['code']) + 2, 3)
    return (
      <fieldset className="rows" key={name}>
        <legend>{label}</legend>
        <small className="hint">{t('listings:hints.skill_rows')}</small>
        {Array.from({ length: count }, (_, i) => (
          <div className="row" key={i}>
            {select(`${name}[${i}].code`, `${t('listings:fields.skill')} ${i + 1}`, skillChoices, '—')}
            {select(`${name}[${i}].level`, t('listings:fields.level'), choices('skill_levels', skillLevels))}
          </div>
        ))}
        <ErrorList errors={errs(name)} />
      </fieldset>
    )
  }
  const milestoneRows = () => {
    const count = Math.max(countRows(values, 'milestones', ['title', 'dueOn', 'budgetSharePercent', 'evidenceRequired']) + 2, 3)
    return (
      <fieldset className="rows" key="milestones">
        <legend>{t('listings:fields.milestones')}</legend>
        <small className="hint">{t('listings:hints.milestone_rows')}</small>
        {Array.from({ length: count }, (_, i) => (
          <div className="row" key={i}>
            {text(`milestones[${i}].title`, `${t('listings:fields.milestone_title')} ${i + 1}`)}
            {text(`milestones[${i}].dueOn`, t('listings:fields.due_on'), { type: 'date' })}
            {text(`milestones[${i}].budgetSharePercent`, t('listings:fields.budget_share'), { type: 'text' })}
            {text(`milestones[${i}].evidenceRequired`, t('listings:fields.evidence_required'))}
          </div>
        ))}
        <ErrorList errors={errs('milestones')} />
      </fieldset>
    )
  }
  const any = t('listings:hints.any')
  return (
    <Form method="post" noValidate className="listing-form" data-testid={`listing-form-${kind}`}>
      <input type="hidden" name="kind" value={kind} />
      {version !== undefined ? <input type="hidden" name="expectedVersion" value={version} /> : null}
      <ErrorList errors={errs('')} />
      {text('title', t('listings:fields.title'))}
      {kind === 'job' ? text('position', t('listings:fields.position')) : null}
      {area('description', t('listings:fields.description'))}
      {select('regionCode', t('listings:fields.region'), regions, t('common:choose'))}
      {checks('categories', t('listings:fields.categories'), choices('categories', needCategories))}
      {checks('targetGroups', t('listings:fields.target_groups'), choices('target_groups', targetGroups))}
      <div className="row">
        {text('startsOn', t('listings:fields.starts_on'), { type: 'date' })}
        {text('endsOn', t('listings:fields.ends_on'), { type: 'date' })}
        {text('capacity', t('listings:fields.capacity'), { type: 'number', min: '1' })}
      </div>
      {text('contactMethod', t('listings:fields.contact_method'))}
      {kind === 'job' ? (
        <>
          {skillRows('skills', t('listings:fields.skills'))}
          <div className="row">
            {text('wageMin', t('listings:fields.wage_min'), { type: 'text' })}
            {text('wageMax', t('listings:fields.wage_max'), { type: 'text' })}
            {select('wagePeriod', t('listings:fields.wage_period'), choices('wage_periods', wagePeriods))}
          </div>
          <div className="row">
            {text('hoursPerWeek', t('listings:fields.hours_per_week'), { type: 'number' })}
            {text('hoursDescription', t('listings:fields.hours_description'))}
          </div>
          {select('workplaceRegionCode', t('listings:fields.workplace_region'), regions, t('common:choose'))}
        </>
      ) : null}
      {kind === 'training' ? (
        <>
          {skillRows('skills', t('listings:fields.skills_taught'))}
          {skillRows('prerequisiteSkills', t('listings:fields.prerequisite_skills'))}
          {text('schedule', t('listings:fields.schedule'))}
          <div className="row">
            {text('costYuan', t('listings:fields.cost_yuan'), { type: 'text' })}
            {select('delivery', t('listings:fields.delivery'), choices('deliveries', trainingDeliveries), t('common:choose'))}
          </div>
          {text('certificate', t('listings:fields.certificate'))}
          {area('prerequisites', t('listings:fields.prerequisites'))}
          {text('placementPartner', t('listings:fields.placement_partner'))}
        </>
      ) : null}
      {kind === 'donation' ? (
        <>
          {select('donationType', t('listings:fields.donation_type'), choices('donation_types', donationTypes), t('common:choose'))}
          {text('targetAmount', t('listings:fields.target_amount'), { type: 'text' })}
          <div className="row">
            {text('itemKind', t('listings:fields.item_kind'))}
            {text('quantity', t('listings:fields.quantity'), { type: 'text' })}
            {text('itemUnit', t('listings:fields.item_unit'))}
          </div>
          <div className="row">
            {select('condition', t('listings:fields.condition'), choices('item_conditions', itemConditions), '—')}
            {text('expiresOn', t('listings:fields.expires_on'), { type: 'date' })}
          </div>
          {area('eligibility', t('listings:fields.eligibility'))}
          {select('deliveryRegionCode', t('listings:fields.delivery_region'), regions, t('common:choose'))}
        </>
      ) : null}
      {kind === 'project' ? (
        <>
          {skillRows('skills', t('listings:fields.skills'))}
          <div className="row">
            {text('durationMonths', t('listings:fields.duration_months'), { type: 'number', min: '6' })}
            {text('budget', t('listings:fields.budget'), { type: 'text' })}
          </div>
          <label className="check">
            <input type="checkbox" name="claimOpen" defaultChecked={mode === 'create' || asString(read(values, 'claimOpen')) === 'on' || read(values, 'claimOpen') === true} />{' '}
            {t('listings:fields.claim_open')}
          </label>
          {milestoneRows()}
        </>
      ) : null}
      <fieldset className="eligibility">
        <legend>{t('listings:fields.eligibility_rules')}</legend>
        <div className="row">
          {text('ageMin', t('listings:fields.age_min'), { type: 'number' })}
          {text('ageMax', t('listings:fields.age_max'), { type: 'number' })}
          {select('minEducation', t('listings:fields.min_education'), choices('education_levels', educationLevels), any)}
          {select('eligibleGender', t('listings:fields.eligible_gender'), choices('genders', genders), any)}
        </div>
        {checks('accommodations', t('listings:fields.accommodations'), choices('accommodations', accommodations))}
      </fieldset>
      <div className="actions">
        {mode === 'create' ? (
          <>
            <button type="submit" name="intent" value="save" className="button secondary" disabled={submitting}>
              {t('listings:org.save_draft')}
            </button>
            {canPublish ? (
              <button type="submit" name="intent" value="publish" className="button" disabled={submitting}>
                {t('listings:org.save_publish')}
              </button>
            ) : (
              <small className="hint">{t('listings:org.unverified_notice')}</small>
            )}
          </>
        ) : (
          <button type="submit" name="intent" value="save" className="button" disabled={submitting}>
            {t('listings:org.save')}
          </button>
        )}
      </div>
    </Form>
  )
}

/** Rows that hold an entry (a key field filled in), from conform's nested values or flat edit values. */
function countRows(values: FormValues, name: string, keyFields: string[]) {
  const filled = (v: unknown) => v !== undefined && v !== null && String(v).trim() !== ''
  const nested = values[name]
  if (Array.isArray(nested)) {
    let last = 0
    nested.forEach((row, i) => {
      if (row && typeof row === 'object' && keyFields.some((f) => filled((row as Record<string, unknown>)[f]))) last = i + 1
    })
    return last
  }
  let max = 0
  const pattern = new RegExp(`^${name}\\[(\\d+)\\]\\.(\\w+)$`)
  for (const [key, value] of Object.entries(values)) {
    const match = pattern.exec(key)
    if (match && keyFields.includes(match[2]!) && filled(value)) max = Math.max(max, Number(match[1]) + 1)
  }
  return max
}
