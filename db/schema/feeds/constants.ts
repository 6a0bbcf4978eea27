// Plain values (browser-safe). Departments that deliver data (部门数据接口) and the feed
// types each may deliver; the declared row formats live in app/models/feeds/formats.ts.
export const departments = ['civil_affairs', 'disabled_persons_federation', 'medical_insurance', 'education', 'human_resources'] as const
export type Department = (typeof departments)[number]

export const feedTypes = [
  'medical_insurance_settlement',
  'disability_certificate',
  'dibao_enrolment',
  'student_aid',
  'unemployment_registration',
] as const
export type FeedType = (typeof feedTypes)[number]

export const feedDepartment: Record<FeedType, Department> = {
  medical_insurance_settlement: 'medical_insurance',
  disability_certificate: 'disabled_persons_federation',
  dibao_enrolment: 'civil_affairs',
  student_aid: 'education',
  unemployment_registration: 'human_resources',
}

export const feedDeliverySources = ['upload', 'api'] as const
export const feedDeliveryStatuses = ['queued', 'processing', 'completed', 'refused'] as const
export type FeedDeliveryStatus = (typeof feedDeliveryStatuses)[number]

/**
 * pending: parsed, waiting for the import job · applied: changed a household file ·
 * rejected: malformed row (issues say why) · review: matched nobody or more than one
 * person, waiting for a caseworker · duplicate: same feed + record key already applied ·
 * dismissed: a caseworker decided it concerns nobody on file.
 */
export const feedRecordStatuses = ['pending', 'applied', 'rejected', 'review', 'duplicate', 'dismissed'] as const
export type FeedRecordStatus = (typeof feedRecordStatuses)[number]
