// Shared vocabularies (plain values, browser-safe). Catalog keys: common:need_categories.<code>, etc.

/** Need categories (需求类别), used by listings and by household needs alike. */
export const needCategories = [
  'employment',
  'skills_training',
  'medical_aid',
  'rehabilitation',
  'education',
  'housing',
  'psychological_support',
  'childcare',
  'elderly_care',
  'material_aid',
  'industry_support',
] as const
export type NeedCategory = (typeof needCategories)[number]

/** Target groups (帮扶对象类别). */
export const targetGroups = [
  'disabled_persons',
  'single_mothers',
  'left_behind_children',
  'left_behind_elderly',
  'unemployed_over_45',
  'rural_low_income',
] as const
export type TargetGroup = (typeof targetGroups)[number]

/** Education levels, ordered: a requirement is met by any level at or above it. */
export const educationLevels = ['none', 'primary', 'junior_high', 'senior_high', 'vocational', 'college', 'bachelor', 'master'] as const
export type EducationLevel = (typeof educationLevels)[number]

/** Skill levels, ordered. */
export const skillLevels = ['beginner', 'intermediate', 'advanced'] as const
export type SkillLevel = (typeof skillLevels)[number]

export const genders = ['female', 'male'] as const
export type Gender = (typeof genders)[number]

/** Workplace/venue accommodations a listing can offer and a person can need. */
export const accommodations = [
  'accessible_workplace',
  'childcare_compatible_hours',
  'transport_provided',
  'dormitory_provided',
  'remote_possible',
  'sign_language',
] as const
export type Accommodation = (typeof accommodations)[number]
