import { useTranslation } from 'react-i18next'
import { splitMessage } from '@db/schema/messages'
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react'

/** Translates validation keys (see db/schema/messages.ts) into the visitor's language. */
export function useErrorText() {
  const { t } = useTranslation()
  return (message: string) => {
    const { key, params } = splitMessage(message)
    return t(key, params)
  }
}

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const text = useErrorText()
  const list = errors?.filter(Boolean)
  if (!list?.length) return null
  return (
    <ul id={id} className="error-list" role="alert">
      {list.map((error) => (
        <li key={error}>{text(error)}</li>
      ))}
    </ul>
  )
}

type FieldProps = {
  label: ReactNode
  hint?: ReactNode
  errors?: string[] | null
  inputProps: InputHTMLAttributes<HTMLInputElement> & { name: string }
}

export function Field({ label, hint, errors, inputProps }: FieldProps) {
  const fallbackId = useId()
  const id = inputProps.id ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input {...inputProps} id={id} aria-invalid={errorId ? true : undefined} aria-describedby={errorId} />
      {hint ? <small className="hint">{hint}</small> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

type SelectFieldProps = {
  label: ReactNode
  errors?: string[] | null
  options: Array<{ value: string; label: string }>
  placeholder?: string
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { name: string }
}

export function SelectField({ label, errors, options, placeholder, selectProps }: SelectFieldProps) {
  const fallbackId = useId()
  const id = selectProps.id ?? fallbackId
  const errorId = errors?.length ? `${id}-error` : undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select {...selectProps} id={id} aria-invalid={errorId ? true : undefined} aria-describedby={errorId}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}
