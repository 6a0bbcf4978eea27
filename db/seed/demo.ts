import type { MassOrgSubtype, OrganizationKind, UserRole } from '../schema'

/** One password for every demo account, documented in the README. */
export const DEMO_PASSWORD = 'Gongjian2026'

export type DemoOrganization = {
  key: string
  name: string
  kind: OrganizationKind
  massOrgSubtype?: MassOrgSubtype
  regionCode: string
  description: string
  verified: boolean
}

// Fictional organizations, real administrative divisions.
export const demoOrganizations: DemoOrganization[] = [
  { key: 'miaoxiu', name: '雷山县苗绣文化发展有限公司', kind: 'enterprise', regionCode: '522634', description: '苗绣、银饰手工艺品设计与生产，长期吸纳农村妇女居家就业。', verified: true },
  { key: 'kaili_electronics', name: '凯里经开区黔岭电子科技有限公司', kind: 'enterprise', regionCode: '522601', description: '电子元器件组装与焊接，提供技工岗位和集体宿舍。', verified: true },
  { key: 'dingxi_potato', name: '定西薯香农业科技有限公司', kind: 'enterprise', regionCode: '621102', description: '马铃薯种植、仓储与深加工，带动周边农户产业增收。', verified: true },
  { key: 'lankao_instruments', name: '兰考县桐韵民族乐器有限公司', kind: 'enterprise', regionCode: '410225', description: '泡桐木民族乐器制造，招收学徒并提供技能培训。', verified: true },
  { key: 'sunshine_ngo', name: '黔东南州阳光助残社会工作服务中心', kind: 'social_org', regionCode: '5226', description: '为残疾人提供康复训练、就业辅导和家庭支持。', verified: true },
  { key: 'dingxi_ngo', name: '定西市乡村振兴社会工作服务中心', kind: 'social_org', regionCode: '6211', description: '留守儿童关爱、老年人探访和社区发展项目。', verified: true },
  { key: 'taijiang_coop', name: '台江县巧手姐妹互助服务中心', kind: 'social_org', regionCode: '522630', description: '组织留守妇女开展刺绣技能互助（新注册，待审核）。', verified: false },
  { key: 'qdn_union', name: '黔东南州总工会', kind: 'mass_org', massOrgSubtype: 'trade_union', regionCode: '5226', description: '职工技能培训、困难职工帮扶和就业服务。', verified: true },
  { key: 'qdn_youth', name: '共青团黔东南州委员会', kind: 'mass_org', massOrgSubtype: 'youth_league', regionCode: '5226', description: '青年就业创业、希望工程助学。', verified: true },
  { key: 'qdn_women', name: '黔东南州妇女联合会', kind: 'mass_org', massOrgSubtype: 'womens_federation', regionCode: '5226', description: '“锦绣计划”妇女手工技能培训，单亲母亲帮扶。', verified: true },
  { key: 'dingxi_science', name: '定西市科学技术协会', kind: 'mass_org', massOrgSubtype: 'science_association', regionCode: '6211', description: '农业实用技术培训、科技特派员下乡。', verified: true },
  { key: 'lankao_disabled', name: '兰考县残疾人联合会', kind: 'mass_org', massOrgSubtype: 'disabled_persons_federation', regionCode: '410225', description: '残疾人康复、辅具适配和按比例就业推荐。', verified: true },
]

const orgContactNames = ['吴晓燕', '潘志刚', '刘海涛', '赵永强', '龙梅', '何建军', '杨再芬', '邰光荣', '欧阳丽', '牛振华', '孙国庆', '郭玉兰']

export type DemoUser = { username: string; displayName: string; role: UserRole; organizationKey?: string; phone?: string }

export const demoUsers: DemoUser[] = [
  { username: 'admin', displayName: '平台管理员', role: 'admin' },
  { username: 'caseworker', displayName: '杨秀英', role: 'caseworker', phone: '13908550101' },
  { username: 'caseworker2', displayName: '马建国', role: 'caseworker', phone: '13909320202' },
  { username: 'resident', displayName: '王光明', role: 'resident', phone: '15185550303' },
  { username: 'resident2', displayName: '李春花', role: 'resident', phone: '15193220404' },
  { username: 'donor', displayName: '张伟', role: 'donor', phone: '13812340505' },
  { username: 'donor2', displayName: '陈静', role: 'donor', phone: '13600001234' },
  ...demoOrganizations.map((o, i) => ({
    username: `org_${o.key}`,
    displayName: orgContactNames[i % orgContactNames.length]!,
    role: 'org_member' as const,
    organizationKey: o.key,
  })),
]
