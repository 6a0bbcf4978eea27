import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

export type Flag = {
  id: string
  status: 'open' | 'distinct' | 'coordinate'
  similarity: string
  listing: { id: string; title: string; organizationName: string }
  other: { id: string; title: string; organizationName: string }
}

/** The table of near-duplicate flags with the two decisions, shared by the organization and admin pages. */
export function DuplicateFlags({ flags }: { flags: Flag[] }) {
  const { t } = useTranslation(['listings'])
  if (!flags.length) return <p className="muted">{t('listings:duplicates.empty')}</p>
  return (
    <table data-testid="duplicate-flags">
      <thead>
        <tr>
          <th>{t('listings:fields.title')}</th>
          <th>{t('listings:fields.title')}</th>
          <th>{t('listings:duplicates.similarity')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {flags.map((f) => (
          <tr key={f.id}>
            <td>
              <Link to={`/listings/${f.listing.id}`}>{f.listing.title}</Link>
              <br />
              <small className="muted">{f.listing.organizationName}</small>
            </td>
            <td>
              <Link to={`/listings/${f.other.id}`}>{f.other.title}</Link>
              <br />
              <small className="muted">{f.other.organizationName}</small>
            </td>
            <td>{Math.round(Number(f.similarity) * 100)}%</td>
            <td>
              {f.status === 'open' ? (
                <Form method="post" className="button-row">
                  <input type="hidden" name="flagId" value={f.id} />
                  <button type="submit" name="decision" value="distinct" className="button small secondary">
                    {t('listings:duplicates.mark_distinct')}
                  </button>
                  <button type="submit" name="decision" value="coordinate" className="button small">
                    {t('listings:duplicates.mark_coordinate')}
                  </button>
                </Form>
              ) : (
                <span className="badge">{t(`listings:duplicates.status.${f.status}`)}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
