import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  disabilityTypes,
  employmentStatuses,
  healthStatuses,
  hoursPreferences,
  housingTypes,
  incomeSources,
  savingsBands,
  workRadii,
} from '@db/schema/households/constants'
import { educationLevels, genders, needCategories } from '@db/schema/taxonomy/constants'
import { ErrorList } from './forms'

type Values = Record<string, unknown>
type Member = Record<string, unknown>

function str(v: unknown) {
  return v === undefined || v === null ? '' : String(v)
}

/**
 * Puts the member ids the form carries (hidden `members.N.id`) on the parsed form, in the order the
 * parser lists members (rows without a name skipped): on the input, so a save updates those members in
 * place, and on the values a refused form is shown again with, so a second try still carries them.
 * The model checks each id belongs to the household being saved.
 */
export function withMemberIds<P extends { ok: boolean; values: Record<string, unknown>; value?: { members: Array<{ id?: string }> } }>(form: FormData, parsed: P): P {
  const ids: Array<string | undefined> = []
  for (let i = 0; i < 20; i++) {
    const name = form.get(`members.${i}.fullName`)
    if (typeof name !== 'string' || !name.trim()) continue
    const id = form.get(`members.${i}.id`)
    ids.push(typeof id === 'string' && id.trim() ? id.trim() : undefined)
  }
  const values = { ...parsed.values, members: ((parsed.values.members as Member[] | undefined) ?? []).map((m, k) => (ids[k] ? { ...m, id: ids[k] } : m)) }
  const value = parsed.value ? { ...parsed.value, members: parsed.value.members.map((m, k) => (ids[k] ? { ...m, id: ids[k] } : m)) } : undefined
  return { ...parsed, values, ...(value ? { value } : {}) } as P
}

/** The household file form: works without JavaScript; blank member rows are ignored. */
export function HouseholdForm({
  values,
  errors,
  submitLabel,
  version,
  villages = [],
}: {
  values: Values
  errors?: Record<string, string[]>
  submitLabel: string
  version?: number
  /** Villages the user may choose (a caseworker's regions), offered as suggestions. */
  villages?: Array<{ code: string; label: string }>
}) {
  const { t } = useTranslation(['households', 'matching', 'common'])
  const err = (k: string) => errors?.[k]
  const members = [...((values.members as Member[] | undefined) ?? []), {}]
  const needs = (values.needs as Array<{ category: string; priority: number | string; note: string }> | undefined) ?? []
  const text = (name: string, type = 'text', extra: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={`f-${name}`}>{t(`households:fields.${name}`)}</label>
      <input id={`f-${name}`} name={name} type={type} defaultValue={str(values[name])} aria-invalid={err(name) ? true : undefined} {...extra} />
      <ErrorList errors={err(name)} />
    </div>
  )
  const select = (name: string, options: readonly string[], labelOf: (v: string) => string, value: unknown, label: string, blank = false) => (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={str(value)} aria-invalid={err(name) ? true : undefined}>
        {blank ? <option value="">{t('common:choose')}</option> : null}
        {options.map((o) => (
          <option key={o} value={o}>
            {labelOf(o)}
          </option>
        ))}
      </select>
      <ErrorList errors={err(name)} />
    </div>
  )
  // A checkbox of a list (income sources) submits its own value; a lone flag submits "on". The value prop is
  // left out (not undefined) for a flag: React, hydrating, sets a present-but-undefined value to "".
  const check = (name: string, checked: unknown, label: string, value?: string) => (
    <label className="checkbox" key={value ? `${name}.${value}` : name}>
      <input type="checkbox" name={name} {...(value === undefined ? {} : { value })} defaultChecked={Boolean(checked)} /> {label}
    </label>
  )
  return (
    <Form method="post" className="household-form">
      {version ? <input type="hidden" name="version" value={version} /> : null}
      <ErrorList errors={err('form')} />
      <fieldset>
        <legend>{t('households:groups.region')}</legend>
        {text('regionCode', 'text', { inputMode: 'numeric', pattern: '\\d{12}', ...(villages.length ? { list: 'household-villages' } : {}) })}
        {villages.length ? (
          <datalist id="household-villages" data-testid="household-villages">
            {villages.map((v) => (
              <option key={v.code} value={v.code} label={v.label}>
                {v.label}
              </option>
            ))}
          </datalist>
        ) : null}
        {text('address')}
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.income')}</legend>
        {text('incomePerCapitaMonthly', 'text', { inputMode: 'decimal' })}
        <div className="field">
          <span>{t('households:fields.incomeSources')}</span>
          {incomeSources.map((s) => check('incomeSources', (values.incomeSources as string[] | undefined)?.includes(s), t(`households:enums.income_sources.${s}`), s))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.assets')}</legend>
        {select('housingType', housingTypes, (v) => t(`households:enums.housing_types.${v}`), values.housingType, t('households:fields.housingType'), true)}
        {text('landMu', 'text', { inputMode: 'decimal' })}
        {text('vehicleCount', 'number', { min: '0' })}
        {select('savingsBand', savingsBands, (v) => t(`households:enums.savings_bands.${v}`), values.savingsBand, t('households:fields.savingsBand'))}
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.rigid')}</legend>
        {text('medicalMonthly', 'text', { inputMode: 'decimal' })}
        {text('schoolingMonthly', 'text', { inputMode: 'decimal' })}
        {text('housingMonthly', 'text', { inputMode: 'decimal' })}
        {text('careMonthly', 'text', { inputMode: 'decimal' })}
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.special')}</legend>
        {(['seriousIllness', 'singleParent', 'leftBehindChild', 'leftBehindElderly', 'disasterAffected', 'recentJobLoss'] as const).map((f) =>
          check(f, values[f], t(`households:fields.${f}`)),
        )}
        {text('debtYuan', 'text', { inputMode: 'decimal' })}
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.members')}</legend>
        <ErrorList errors={err('members')} />
        {members.map((m, i) => {
          const p = `members.${i}`
          const field = (name: string, type = 'text') => (
            <div className="field" key={name}>
              <label htmlFor={`f-${p}.${name}`}>{t(`households:fields.${name}`)}</label>
              <input id={`f-${p}.${name}`} name={`${p}.${name}`} type={type} defaultValue={str(name === 'skills' ? m.skillsText : m[name])} aria-invalid={err(`${p}.${name}`) ? true : undefined} />
              <ErrorList errors={err(`${p}.${name}`)} />
            </div>
          )
          const sel = (name: string, options: readonly string[], labelOf: (v: string) => string, blank = false) => (
            <div className="field" key={name}>
              <label htmlFor={`f-${p}.${name}`}>{t(`households:fields.${name}`)}</label>
              <select id={`f-${p}.${name}`} name={`${p}.${name}`} defaultValue={str(m[name])} aria-invalid={err(`${p}.${name}`) ? true : undefined}>
                {blank ? <option value="">{t('common:choose')}</option> : null}
                {options.map((o) => (
                  <option key={o} value={o}>
                    {labelOf(o)}
                  </option>
                ))}
              </select>
              <ErrorList errors={err(`${p}.${name}`)} />
            </div>
          )
          return (
            <fieldset key={i} className="member" data-testid={`member-${i}`}>
              <legend>{i < members.length - 1 ? t('households:fields.member_n', { n: i + 1 }) : t('households:fields.member_new')}</legend>
              {typeof m.id === 'string' && m.id ? <input type="hidden" name={`${p}.id`} value={m.id} /> : null}
              {field('fullName')}
              {check(`${p}.isHead`, m.isHead, t('households:fields.isHead'))}
              {field('birthDate', 'date')}
              <div className="field">
                <label htmlFor={`f-${p}.idNumber`}>{t('households:fields.idNumber')}</label>
                <input id={`f-${p}.idNumber`} name={`${p}.idNumber`} autoComplete="off" maxLength={18} aria-invalid={err(`${p}.idNumber`) ? true : undefined} aria-describedby={`f-${p}.idNumber-hint`} />
                <p className="hint" id={`f-${p}.idNumber-hint`}>
                  {m.idMasked ? t('households:fields.idNumber_on_file', { masked: String(m.idMasked) }) : t('households:fields.idNumber_hint')}
                </p>
                <ErrorList errors={err(`${p}.idNumber`)} />
              </div>
              {sel('gender', genders, (v) => t(`matching:genders.${v}`), true)}
              {sel('education', educationLevels, (v) => t(`matching:education_levels.${v}`), true)}
              {sel('health', healthStatuses, (v) => t(`households:enums.health_statuses.${v}`))}
              {sel('disabilityType', disabilityTypes, (v) => t(`households:enums.disability_types.${v}`), true)}
              {sel('disabilityGrade', ['1', '2', '3', '4'], (v) => v, true)}
              {check(`${p}.usesWheelchair`, m.usesWheelchair, t('households:fields.usesWheelchair'))}
              {sel('employmentStatus', employmentStatuses, (v) => t(`households:enums.employment_statuses.${v}`), true)}
              {sel('workRadius', workRadii, (v) => t(`matching:radii.${v}`))}
              {sel('hoursPreference', hoursPreferences, (v) => t(`households:enums.hours_preferences.${v}`))}
              {check(`${p}.remoteOnly`, m.remoteOnly, t('households:fields.remoteOnly'))}
              {check(`${p}.needsChildcareHours`, m.needsChildcareHours, t('households:fields.needsChildcareHours'))}
              {field('skills')}
            </fieldset>
          )
        })}
      </fieldset>
      <fieldset>
        <legend>{t('households:groups.needs')}</legend>
        {needCategories.map((c) => {
          const n = needs.find((x) => x.category === c)
          return (
            <div key={c} className="need-row">
              {check(`needs.${c}`, Boolean(n), t(`matching:need_categories.${c}`))}
              <select name={`needs.${c}.priority`} defaultValue={str(n?.priority ?? 2)} aria-label={t('households:fields.needPriority')}>
                {[1, 2, 3].map((p) => (
                  <option key={p} value={p}>
                    {t(`matching:priorities.${p}`)}
                  </option>
                ))}
              </select>
              <input name={`needs.${c}.note`} defaultValue={n?.note ?? ''} aria-label={t('households:fields.needNote')} />
            </div>
          )
        })}
      </fieldset>
      {errors ? <p className="error-list">{t('households:form.errors_above')}</p> : null}
      <button type="submit" className="button">
        {submitLabel}
      </button>
    </Form>
  )
}
