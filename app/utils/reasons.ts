// Renders structured reasons/blockers ({code, params}) as text in the current locale.
// Browser-safe: the caller passes i18next's `t` and the skill names in that locale.
import type { TFunction } from 'i18next'

export type ReasonLike = { code: string; params?: Record<string, string | number> }

export function describeReason(
  t: TFunction,
  reason: ReasonLike,
  kind: 'reasons' | 'blockers',
  skillName: (code: string) => string,
): string {
  const p = reason.params ?? {}
  const values: Record<string, string | number> = { ...p }
  if (typeof p.skill === 'string') values.skill = skillName(p.skill)
  if (typeof p.level === 'string') values.level = t(`matching:skill_levels.${p.level}`)
  if (typeof p.category === 'string') values.category = t(`matching:need_categories.${p.category}`)
  if (p.priority !== undefined) values.priority = t(`matching:priorities.${p.priority}`)
  if (typeof p.group === 'string') values.group = t(`matching:target_groups.${p.group}`)
  if (typeof p.accommodation === 'string') values.accommodation = t(`matching:accommodations.${p.accommodation}`)
  if (typeof p.required === 'string') values.required = t(`matching:education_levels.${p.required}`)
  if (typeof p.gender === 'string') values.gender = t(`matching:genders.${p.gender}`)
  if (typeof p.radius === 'string') values.radius = t(`matching:radii.${p.radius}`)
  if (kind === 'reasons' && reason.code === 'target_group' && p.group === 'disabled_persons' && p.kind === 'job') {
    return t('matching:target_group_job')
  }
  return t(`matching:${kind}.${reason.code}`, values)
}
