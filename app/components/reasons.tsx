import { useTranslation } from 'react-i18next'
import { describeReason, type ReasonLike } from '~/utils/reasons'

/** A match's reasons (or blockers) as a list in the visitor's language. */
export function ReasonList({ reasons, kind = 'reasons', skillNames, testId }: { reasons: ReasonLike[]; kind?: 'reasons' | 'blockers'; skillNames: Record<string, string>; testId?: string }) {
  const { t } = useTranslation(['matching'])
  if (!reasons.length) return null
  return (
    <ul className="reasons" data-testid={testId}>
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>{describeReason(t, r, kind, (c) => skillNames[c] ?? c)}</li>
      ))}
    </ul>
  )
}
