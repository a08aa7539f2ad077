import type { InstitutionLevel } from '../port.js';

/**
 * The demo alliance (invented): one core tertiary hospital, one county (二级) hospital and two
 * community health centres, and their departments. Data only; `build-resources.ts` turns it into
 * FHIR resources.
 */

/** An alliance member as seeded. */
export interface SeedInstitution {
  id: string;
  name: string;
  shortName: string;
  level: InstitutionLevel;
  kind: 'hospital' | 'community_health_centre';
  address: string;
  phone: string;
  description: string;
}

/** A department as seeded. */
export interface SeedDepartment {
  id: string;
  institutionId: string;
  name: string;
  specialty: string;
  description: string;
  /** False for departments that report rather than see outpatients (imaging): no schedule. */
  bookable: boolean;
}

/** The alliance itself (Organization/alliance). */
export const SEED_ALLIANCE = {
  id: 'alliance',
  name: '滨江医联体',
  shortName: '滨江医联体',
  description:
    '以滨江市第一人民医院为核心，联合清溪县人民医院和江东、城西两家社区卫生服务中心组成的紧密型医疗联合体：一个账号全联盟就诊，检查检验结果互认，双向转诊。',
} as const;

/** The four members, core first. */
export const SEED_INSTITUTIONS: readonly SeedInstitution[] = [
  {
    id: 'org-core',
    name: '滨江市第一人民医院',
    shortName: '市一院',
    level: 'tertiary',
    kind: 'hospital',
    address: '滨江市江南区人民路88号',
    phone: '0571-86001120',
    description:
      '三级甲等综合医院，医联体牵头单位。开放床位1800张，设心血管内科、内分泌科、骨科、儿科、普通外科等临床科室，周一至周五全天、周六上午开诊。',
  },
  {
    id: 'org-county',
    name: '清溪县人民医院',
    shortName: '县医院',
    level: 'secondary',
    kind: 'hospital',
    address: '滨江市清溪县城关镇解放路16号',
    phone: '0571-64012345',
    description: '二级甲等综合医院，县域医疗中心。常见病、多发病在县内解决，疑难重症经医联体绿色通道上转市一院。',
  },
  {
    id: 'org-chc-east',
    name: '滨江市江东街道社区卫生服务中心',
    shortName: '江东社区',
    level: 'primary',
    kind: 'community_health_centre',
    address: '滨江市江东区东湖路203号',
    phone: '0571-86552010',
    description: '提供全科门诊、家庭医生签约、高血压和糖尿病慢病管理；市一院专家每周下沉坐诊，可预约转诊上级医院。',
  },
  {
    id: 'org-chc-west',
    name: '滨江市城西街道社区卫生服务中心',
    shortName: '城西社区',
    level: 'primary',
    kind: 'community_health_centre',
    address: '滨江市江南区城西路57号',
    phone: '0571-86330876',
    description: '社区全科诊疗、慢病随访、老年人健康管理和出院后康复随访，长期处方一次可开4–12周。',
  },
];

/** Departments (HealthcareService) of every member. */
export const SEED_DEPARTMENTS: readonly SeedDepartment[] = [
  // Core tertiary hospital
  {
    id: 'dept-core-internal',
    institutionId: 'org-core',
    name: '普通内科',
    specialty: 'internal_medicine',
    description: '发热、咳嗽、腹痛等内科常见病首诊，诊断不明者多学科会诊。',
    bookable: true,
  },
  {
    id: 'dept-core-cardiology',
    institutionId: 'org-core',
    name: '心血管内科',
    specialty: 'cardiology',
    description: '高血压、冠心病、心律失常、心力衰竭的诊治，开展冠脉介入和心脏康复。',
    bookable: true,
  },
  {
    id: 'dept-core-endocrinology',
    institutionId: 'org-core',
    name: '内分泌科',
    specialty: 'endocrinology',
    description: '糖尿病、甲状腺疾病、骨质疏松和肥胖的规范化诊疗，设糖尿病教育门诊。',
    bookable: true,
  },
  {
    id: 'dept-core-orthopaedics',
    institutionId: 'org-core',
    name: '骨科',
    specialty: 'orthopaedics',
    description: '创伤骨折、脊柱退变（腰椎间盘突出）、关节置换和运动损伤。',
    bookable: true,
  },
  {
    id: 'dept-core-paediatrics',
    institutionId: 'org-core',
    name: '儿科',
    specialty: 'paediatrics',
    description: '0–14岁儿童呼吸道感染、消化系统疾病、生长发育评估；冬春季呼吸道高峰期加开诊室。',
    bookable: true,
  },
  {
    id: 'dept-core-general-surgery',
    institutionId: 'org-core',
    name: '普通外科',
    specialty: 'general_surgery',
    description: '胆囊结石、疝、甲状腺结节、胃肠肿瘤的微创手术，术后随访和伤口管理。',
    bookable: true,
  },
  {
    id: 'dept-core-imaging',
    institutionId: 'org-core',
    name: '医学影像科',
    specialty: 'radiology',
    description: '3.0T（进口）和1.5T（国产）磁共振、64排CT、数字X线摄影；报告经审核后线上推送。',
    bookable: false,
  },
  // County hospital
  {
    id: 'dept-county-internal',
    institutionId: 'org-county',
    name: '内科',
    specialty: 'internal_medicine',
    description: '内科常见病、慢性病诊治，高血压、糖尿病规范用药指导。',
    bookable: true,
  },
  {
    id: 'dept-county-orthopaedics',
    institutionId: 'org-county',
    name: '骨科',
    specialty: 'orthopaedics',
    description: '骨折复位固定、腰腿痛保守治疗，复杂手术转市一院。',
    bookable: true,
  },
  {
    id: 'dept-county-paediatrics',
    institutionId: 'org-county',
    name: '儿科',
    specialty: 'paediatrics',
    description: '儿童常见病、预防接种咨询。',
    bookable: true,
  },
  {
    id: 'dept-county-general-surgery',
    institutionId: 'org-county',
    name: '外科',
    specialty: 'general_surgery',
    description: '普外科常见手术、换药拆线，术后康复随访。',
    bookable: true,
  },
  // Community health centres
  {
    id: 'dept-chc-east-general-practice',
    institutionId: 'org-chc-east',
    name: '全科门诊',
    specialty: 'general_practice',
    description: '家庭医生首诊，常见病诊疗、开具长期处方，需要时预约转诊。',
    bookable: true,
  },
  {
    id: 'dept-chc-east-chronic-disease',
    institutionId: 'org-chc-east',
    name: '慢病管理门诊',
    specialty: 'chronic_disease',
    description: '高血压、2型糖尿病患者的定期随访、血压血糖监测和用药调整。',
    bookable: true,
  },
  {
    id: 'dept-chc-west-general-practice',
    institutionId: 'org-chc-west',
    name: '全科门诊',
    specialty: 'general_practice',
    description: '家庭医生首诊，老年人健康体检，出院患者社区康复随访。',
    bookable: true,
  },
  {
    id: 'dept-chc-west-chronic-disease',
    institutionId: 'org-chc-west',
    name: '慢病管理门诊',
    specialty: 'chronic_disease',
    description: '慢病随访、糖化血红蛋白和血脂定期复查，异常结果转诊市一院专科。',
    bookable: true,
  },
];
