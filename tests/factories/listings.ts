import type { ListingKind } from '@db/schema'
import { ListingSchema, type ListingInput } from '@db/schema/listings/validation'

/** Valid raw form values for each kind (strings, as a form posts them), overridable per field. */
export function listingValues(kind: ListingKind, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const common = {
    kind,
    regionCode: '522634',
    categories: ['employment'],
    targetGroups: ['rural_low_income'],
    startsOn: '2027-01-01',
    endsOn: '2027-12-31',
    capacity: '20',
    contactMethod: '电话 0855-3331234',
  }
  const byKind: Record<ListingKind, Record<string, unknown>> = {
    job: {
      title: '雷山县电子厂招聘焊工',
      description: '招聘熟练焊工，提供宿舍，每月休息四天，欢迎农村低收入人口报名。',
      position: '焊工',
      skills: [{ code: 'welding', level: 'intermediate' }],
      wageMin: '4000',
      wageMax: '5500.50',
      wagePeriod: 'month',
      hoursPerWeek: '44',
      workplaceRegionCode: '522634',
      accommodations: ['dormitory_provided'],
    },
    training: {
      title: '苗绣电商培训班',
      description: '面向妇女的苗绣与电商直播培训，结业颁发证书，推荐就业。',
      categories: ['skills_training'],
      skills: [{ code: 'sewing', level: 'beginner' }],
      schedule: '每周六上午 9:00-12:00，共 8 周',
      costYuan: '0',
      delivery: 'on_site',
      certificate: '结业证书',
    },
    donation: {
      title: '冬季棉被捐赠',
      description: '为留守老人捐赠全新棉被，由村委会统一发放。',
      categories: ['material_aid'],
      donationType: 'in_kind',
      itemKind: '棉被',
      itemUnit: '条',
      quantity: '200',
      condition: 'new',
      deliveryRegionCode: '522634',
    },
    project: {
      title: '留守儿童课后托管长期项目',
      description: '在三个村开设课后托管点，由社会组织认领运营，按里程碑拨付。',
      categories: ['childcare', 'education'],
      durationMonths: '12',
      budget: '120000.00',
      claimOpen: 'on',
      milestones: [
        { title: '托管点建成', dueOn: '2027-03-31', budgetSharePercent: '40', evidenceRequired: '照片与验收单' },
        { title: '运营满一年', dueOn: '2027-12-31', budgetSharePercent: '60', evidenceRequired: '服务台账' },
      ],
    },
  }
  return { ...common, ...byKind[kind], ...overrides }
}

/** A parsed, valid ListingInput (throws if the values are invalid). */
export function listingInput(kind: ListingKind, overrides: Record<string, unknown> = {}): ListingInput {
  return ListingSchema.parse(listingValues(kind, overrides))
}
