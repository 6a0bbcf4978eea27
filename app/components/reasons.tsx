import { useTranslation } from 'react-i18next'
import type { i18n as I18n } from 'i18next'
import { describeReason, type ReasonLike } from '~/utils/reasons'

// A page of matches repeats the same few reasons many times (20 offers × ~5 reasons, ~10
// translations each), and each translation walks i18next's language hierarchy: remembering the
// text of a reason already described by this i18next instance in this language with this skill name
// cut the offers page's rendering time sharply. The server keeps one instance per locale for its
// whole life, so the memory is bounded: past MAX_DESCRIBED texts it starts afresh. (Reasons carry
// codes and figures, never names.)
const MAX_DESCRIBED = 10_000
const described = new WeakMap<I18n, Map<string, string>>()

function describeOnce(i18n: I18n, t: Parameters<typeof describeReason>[0], reason: ReasonLike, kind: 'reasons' | 'blockers', skillNames: Record<string, string>) {
  let cache = described.get(i18n)
  if (!cache) described.set(i18n, (cache = new Map()))
  const skill = typeof reason.params?.skill === 'string' ? (skillNames[reason.params.skill] ?? '') : ''
  const key = `${i18n.language}\u0000${kind}\u0000${skill}\u0000${JSON.stringify(reason)}`
  let text = cache.get(key)
  if (text === undefined) {
    text = describeReason(t, reason, kind, (c) => skillNames[c] ?? c)
    if (cache.size >= MAX_DESCRIBED) cache.clear()
    cache.set(key, text)
  }
  return text
}

/** A match's reasons (or blockers) as a list in the visitor's language. */
export function ReasonList({ reasons, kind = 'reasons', skillNames, testId }: { reasons: ReasonLike[]; kind?: 'reasons' | 'blockers'; skillNames: Record<string, string>; testId?: string }) {
  const { t, i18n } = useTranslation(['matching'])
  if (!reasons.length) return null
  return (
    <ul className="reasons" data-testid={testId}>
      {reasons.map((r, i) => (
        <li key={`${r.code}-${i}`}>{describeOnce(i18n, t, r, kind, skillNames)}</li>
      ))}
    </ul>
  )
}
