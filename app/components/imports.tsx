import { Form, Link, useFetcher, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useErrorText } from './forms'

type Kind = 'households' | 'listings'

export type UploadInfo = { kind: Kind; required: string[]; optional: string[]; maxMb: number; maxRows: number }

/** The upload form with the declared format: which columns, which encodings, which limits. */
export function ImportUpload({ info, error, backTo }: { info: UploadInfo; error?: string; backTo: string }) {
  const { t } = useTranslation(['imports', 'common'])
  const errorText = useErrorText()
  const navigation = useNavigation()
  const column = (c: string) => (
    <li key={c}>
      <code>{c}</code> {t(`imports:columns.${c}`)}
    </li>
  )
  return (
    <section className="panel" data-testid="import-upload">
      <p>
        <Link to={backTo}>← {t('imports:preview.back')}</Link>
      </p>
      <h1>{t(`imports:titles.${info.kind}`)}</h1>
      <p>{t(`imports:upload.help_${info.kind}`)}</p>
      <p className="muted">{t('imports:upload.format', { mb: info.maxMb, rows: info.maxRows })}</p>
      <p className="muted">{t('imports:upload.choices_hint')}</p>
      {error ? (
        <ul className="error-list" role="alert">
          <li>{errorText(error)}</li>
        </ul>
      ) : null}
      <Form method="post" encType="multipart/form-data">
        <label>
          {t('imports:upload.file')}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit" disabled={navigation.state === 'submitting'}>
          {t('imports:upload.button')}
        </button>
      </Form>
      <h2>{t('imports:upload.required_columns')}</h2>
      <ul data-testid="required-columns">{info.required.map(column)}</ul>
      <h2>{t('imports:upload.optional_columns')}</h2>
      <ul>{info.optional.map(column)}</ul>
    </section>
  )
}

type Issue = { line: number; field: string | null; message: string }
export type BatchView = {
  id: string
  kind: Kind
  fileName: string
  status: 'staged' | 'queued' | 'imported' | 'failed' | 'expired'
  rowCount: number
  issues: Issue[]
  preview: Array<Record<string, string>>
  importedCount: number
  failure: Issue | null
  expiresAt: string
  progress: number
}

/** A preview value as people read it: choice codes shown with their label. */
function useCell() {
  const { t } = useTranslation(['households', 'listings'])
  return (column: string, value: string) => {
    if (column === 'housing_type') return t(`households:enums.housing_types.${value}`)
    if (column === 'kind') return t(`listings:kinds.${value}`)
    return value
  }
}

/** Polls the progress resource while the worker imports; reloads the page when it is done. */
function ImportProgress({ batch }: { batch: BatchView }) {
  const { t } = useTranslation(['imports'])
  const fetcher = useFetcher<{ status: string; progress: number }>()
  const revalidator = useRevalidator()
  const status = fetcher.data?.status ?? batch.status
  const progress = fetcher.data?.progress ?? batch.progress
  useEffect(() => {
    if (status !== 'queued') {
      if (batch.status === 'queued' && revalidator.state === 'idle') revalidator.revalidate()
      return
    }
    const timer = setInterval(() => fetcher.state === 'idle' && fetcher.load(`/resources/imports/${batch.id}/progress`), 1500)
    return () => clearInterval(timer)
  }, [status, batch.id, batch.status, fetcher, revalidator])
  return (
    <p role="status" data-testid="import-progress">
      {t('imports:preview.queued')} <progress max={100} value={progress} /> <span data-testid="import-percent">{progress}%</span>{' '}
      <a href="">{t('imports:preview.refresh')}</a>
    </p>
  )
}

export function ImportPreview({ batch, error, uploadPath, listPath }: { batch: BatchView; error?: string; uploadPath: string; listPath: string }) {
  const { t, i18n } = useTranslation(['imports', 'common'])
  const errorText = useErrorText()
  const cell = useCell()
  const navigation = useNavigation()
  const columns = batch.preview[0] ? Object.keys(batch.preview[0]) : []
  const canConfirm = batch.status === 'staged' && batch.issues.length === 0 && batch.rowCount > 0
  return (
    <section className="panel" data-testid="import-preview">
      <p>
        <Link to={listPath}>← {t('imports:preview.back')}</Link> · <Link to={uploadPath}>{t('imports:preview.another')}</Link>
      </p>
      <h1>
        {t(`imports:titles.${batch.kind}`)} · {t('imports:preview.heading')}
      </h1>
      <dl>
        <dt>{t('imports:preview.file')}</dt>
        <dd>
          {batch.fileName} · {t('imports:preview.rows', { count: batch.rowCount })}
        </dd>
        <dt>{t('imports:preview.status')}</dt>
        <dd data-testid="import-status">{t(`imports:statuses.${batch.status}`)}</dd>
      </dl>
      {error ? (
        <ul className="error-list" role="alert">
          <li>{errorText(error)}</li>
        </ul>
      ) : null}
      {batch.status === 'queued' ? <ImportProgress batch={batch} /> : null}
      {batch.status === 'imported' ? (
        <p className="notice ok" role="status" data-testid="import-done">
          {t('imports:preview.imported', { count: batch.importedCount })}
        </p>
      ) : null}
      {batch.status === 'failed' && batch.failure ? (
        <p className="error-list" role="alert" data-testid="import-failed">
          {t('imports:preview.failed', { line: batch.failure.line, message: errorText(batch.failure.message) })}
        </p>
      ) : null}
      {batch.status === 'expired' ? <p className="notice">{t('imports:preview.expired')}</p> : null}

      {batch.status === 'staged' ? (
        <>
          <h2>{t('imports:preview.errors_heading', { count: batch.issues.length })}</h2>
          {batch.issues.length === 0 ? (
            <p className="notice ok">{t('imports:preview.no_errors')}</p>
          ) : (
            <>
              <p className="notice">{t('imports:preview.fix_and_upload')}</p>
              <table data-testid="import-errors">
                <thead>
                  <tr>
                    <th>{t('imports:preview.line')}</th>
                    <th>{t('imports:preview.column')}</th>
                    <th>{t('imports:preview.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {batch.issues.map((issue, n) => (
                    <tr key={n}>
                      <td>{issue.line}</td>
                      <td>{issue.field ? `${t(`imports:columns.${issue.field}`, { defaultValue: issue.field })} (${issue.field})` : ''}</td>
                      <td>{errorText(issue.message)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <h2>{t('imports:preview.first_rows', { count: batch.preview.length })}</h2>
          {batch.preview.length === 0 ? (
            <p className="muted">{t('imports:preview.no_rows')}</p>
          ) : (
            <table data-testid="import-rows">
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c}>{t(`imports:columns.${c}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {batch.preview.map((row) => (
                  <tr key={row.line}>
                    {columns.map((c) => (
                      <td key={c}>{cell(c, row[c] ?? '')}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {canConfirm ? (
            <Form method="post">
              <p className="muted">{t('imports:preview.expires', { time: new Date(batch.expiresAt).toLocaleString(i18n.language) })}</p>
              <button type="submit" name="intent" value="confirm" disabled={navigation.state === 'submitting'}>
                {t('imports:preview.confirm', { count: batch.rowCount })}
              </button>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
