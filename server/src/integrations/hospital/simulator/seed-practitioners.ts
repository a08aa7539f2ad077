import type { InstitutionLevel, PractitionerTitle } from '../port.js';

/**
 * The demo doctors (invented names and bios). A doctor's fee is the catalogue price of the
 * consultation item for their title (REFERENCE.md §2.1: 三级 普通 ¥50, 副主任 ¥60, 主任 ¥80,
 * 知名专家 ¥100; the county (二级) hospital ≈ 90%; community ¥20).
 */

/** A doctor as seeded; the PractitionerRole id is `role-` + the id without `pract-`. */
export interface SeedPractitioner {
  id: string;
  departmentId: string;
  name: string;
  gender: 'male' | 'female';
  title: PractitionerTitle;
  /** 知名专家: the tertiary hospital's top fee tier. */
  renowned?: boolean;
  specialties: string[];
  bio: string;
}

/** Chinese display of each title (PractitionerRole.code display). */
export const TITLE_TEXT: Record<PractitionerTitle, string> = {
  resident: '住院医师',
  attending: '主治医师',
  associate_chief: '副主任医师',
  chief: '主任医师',
};

/** The consultation price-item code a doctor's registration is billed under. */
export function consultationItemCode(level: InstitutionLevel, title: PractitionerTitle, renowned = false): string {
  if (level === 'primary') return 'consult-general';
  if (renowned && level === 'tertiary') return 'consult-renowned';
  if (title === 'chief') return 'consult-chief';
  if (title === 'associate_chief') return 'consult-associate-chief';
  return 'consult-general';
}

/** The role id for a practitioner id: `pract-core-cardio-1` → `role-core-cardio-1`. */
export function roleIdFor(practitionerId: string): string {
  return `role-${practitionerId.replace(/^pract-/, '')}`;
}

/** Every seeded doctor. */
export const SEED_PRACTITIONERS: readonly SeedPractitioner[] = [
  // 市一院 普通内科
  {
    id: 'pract-core-internal-1',
    departmentId: 'dept-core-internal',
    name: '周文涛',
    gender: 'male',
    title: 'chief',
    specialties: ['发热待查', '慢性咳嗽', '多系统疾病'],
    bio: '主任医师，从事内科临床工作28年，擅长不明原因发热和复杂内科疾病的诊断。',
  },
  {
    id: 'pract-core-internal-2',
    departmentId: 'dept-core-internal',
    name: '韩雪',
    gender: 'female',
    title: 'attending',
    specialties: ['上呼吸道感染', '胃肠炎'],
    bio: '主治医师，医学硕士，擅长内科常见病、多发病的诊治。',
  },
  {
    id: 'pract-core-internal-3',
    departmentId: 'dept-core-internal',
    name: '杜明轩',
    gender: 'male',
    title: 'resident',
    specialties: ['内科常见病'],
    bio: '住院医师，完成住院医师规范化培训，周一至周五普通门诊出诊。',
  },
  // 市一院 心血管内科
  {
    id: 'pract-core-cardio-1',
    departmentId: 'dept-core-cardiology',
    name: '陈国华',
    gender: 'male',
    title: 'chief',
    renowned: true,
    specialties: ['冠心病介入治疗', '难治性高血压'],
    bio: '主任医师、教授，心血管内科学科带头人，完成冠脉介入手术逾8000例，擅长复杂冠脉病变和难治性高血压。',
  },
  {
    id: 'pract-core-cardio-2',
    departmentId: 'dept-core-cardiology',
    name: '刘慧敏',
    gender: 'female',
    title: 'associate_chief',
    specialties: ['心律失常', '心力衰竭'],
    bio: '副主任医师，擅长房颤、早搏等心律失常的诊治和慢性心力衰竭的长期管理。',
  },
  {
    id: 'pract-core-cardio-3',
    departmentId: 'dept-core-cardiology',
    name: '赵鹏',
    gender: 'male',
    title: 'attending',
    specialties: ['高血压', '血脂异常'],
    bio: '主治医师，擅长高血压、血脂异常的规范化治疗与心血管风险评估。',
  },
  {
    id: 'pract-core-cardio-4',
    departmentId: 'dept-core-cardiology',
    name: '孙悦',
    gender: 'female',
    title: 'attending',
    specialties: ['心脏康复', '冠心病二级预防'],
    bio: '主治医师，负责心脏康复门诊，擅长冠心病支架术后的二级预防和运动处方。',
  },
  // 市一院 内分泌科
  {
    id: 'pract-core-endo-1',
    departmentId: 'dept-core-endocrinology',
    name: '王丽华',
    gender: 'female',
    title: 'chief',
    specialties: ['糖尿病', '糖尿病并发症'],
    bio: '主任医师，内分泌科主任，擅长糖尿病及其并发症的综合管理和胰岛素泵治疗。',
  },
  {
    id: 'pract-core-endo-2',
    departmentId: 'dept-core-endocrinology',
    name: '郑晓东',
    gender: 'male',
    title: 'associate_chief',
    specialties: ['甲状腺疾病', '骨质疏松'],
    bio: '副主任医师，擅长甲亢、甲减、甲状腺结节和骨质疏松的诊治。',
  },
  {
    id: 'pract-core-endo-3',
    departmentId: 'dept-core-endocrinology',
    name: '林静',
    gender: 'female',
    title: 'attending',
    specialties: ['2型糖尿病', '肥胖'],
    bio: '主治医师，糖尿病教育门诊负责人，擅长2型糖尿病的生活方式干预和口服药调整。',
  },
  // 市一院 骨科
  {
    id: 'pract-core-ortho-1',
    departmentId: 'dept-core-orthopaedics',
    name: '马建军',
    gender: 'male',
    title: 'chief',
    specialties: ['脊柱外科', '腰椎间盘突出'],
    bio: '主任医师，擅长脊柱退行性疾病的微创手术和腰椎间盘突出症的阶梯治疗。',
  },
  {
    id: 'pract-core-ortho-2',
    departmentId: 'dept-core-orthopaedics',
    name: '黄志刚',
    gender: 'male',
    title: 'associate_chief',
    specialties: ['关节置换', '膝关节骨关节炎'],
    bio: '副主任医师，擅长髋膝关节置换和膝关节骨关节炎的综合治疗。',
  },
  {
    id: 'pract-core-ortho-3',
    departmentId: 'dept-core-orthopaedics',
    name: '许晨',
    gender: 'male',
    title: 'attending',
    specialties: ['运动损伤', '骨折'],
    bio: '主治医师，擅长运动损伤、四肢骨折的诊治和术后康复指导。',
  },
  // 市一院 儿科
  {
    id: 'pract-core-paed-1',
    departmentId: 'dept-core-paediatrics',
    name: '吴淑芬',
    gender: 'female',
    title: 'chief',
    specialties: ['小儿呼吸', '哮喘'],
    bio: '主任医师，儿科主任，从事儿科临床30年，擅长儿童哮喘和反复呼吸道感染。',
  },
  {
    id: 'pract-core-paed-2',
    departmentId: 'dept-core-paediatrics',
    name: '何佳',
    gender: 'female',
    title: 'associate_chief',
    specialties: ['小儿消化', '生长发育'],
    bio: '副主任医师，擅长儿童消化系统疾病和生长发育评估。',
  },
  {
    id: 'pract-core-paed-3',
    departmentId: 'dept-core-paediatrics',
    name: '罗一鸣',
    gender: 'male',
    title: 'attending',
    specialties: ['儿科常见病'],
    bio: '主治医师，擅长儿童发热、咳嗽、腹泻等常见病。',
  },
  // 市一院 普通外科
  {
    id: 'pract-core-surgery-1',
    departmentId: 'dept-core-general-surgery',
    name: '高振宇',
    gender: 'male',
    title: 'chief',
    specialties: ['肝胆外科', '腹腔镜微创手术'],
    bio: '主任医师，擅长胆囊结石、胆总管结石的腹腔镜微创手术，年手术量600余台。',
  },
  {
    id: 'pract-core-surgery-2',
    departmentId: 'dept-core-general-surgery',
    name: '曹敏',
    gender: 'female',
    title: 'associate_chief',
    specialties: ['甲状腺外科', '乳腺外科'],
    bio: '副主任医师，擅长甲状腺结节、乳腺良性肿瘤的手术治疗。',
  },
  {
    id: 'pract-core-surgery-3',
    departmentId: 'dept-core-general-surgery',
    name: '彭浩',
    gender: 'male',
    title: 'attending',
    specialties: ['疝外科', '术后伤口管理'],
    bio: '主治医师，擅长腹股沟疝修补和术后伤口管理，负责外科术后随访门诊。',
  },
  // 市一院 医学影像科 (reports, no outpatient schedule)
  {
    id: 'pract-core-imaging-1',
    departmentId: 'dept-core-imaging',
    name: '沈立新',
    gender: 'male',
    title: 'chief',
    specialties: ['神经与脊柱影像', '磁共振诊断'],
    bio: '主任医师，影像科主任，擅长神经系统和脊柱疾病的磁共振诊断。',
  },
  {
    id: 'pract-core-imaging-2',
    departmentId: 'dept-core-imaging',
    name: '方琳',
    gender: 'female',
    title: 'attending',
    specialties: ['胸腹部CT诊断'],
    bio: '主治医师，擅长胸部和腹部CT诊断，肺结节随访评估。',
  },
  // 清溪县人民医院
  {
    id: 'pract-county-internal-1',
    departmentId: 'dept-county-internal',
    name: '钱卫东',
    gender: 'male',
    title: 'associate_chief',
    specialties: ['高血压', '慢性阻塞性肺疾病'],
    bio: '副主任医师，县医院内科主任，擅长高血压、慢阻肺等慢性病诊治。',
  },
  {
    id: 'pract-county-internal-2',
    departmentId: 'dept-county-internal',
    name: '蒋红梅',
    gender: 'female',
    title: 'attending',
    specialties: ['糖尿病', '内科常见病'],
    bio: '主治医师，擅长糖尿病、消化系统常见病的诊治。',
  },
  {
    id: 'pract-county-ortho-1',
    departmentId: 'dept-county-orthopaedics',
    name: '邓海涛',
    gender: 'male',
    title: 'associate_chief',
    specialties: ['骨折', '腰腿痛'],
    bio: '副主任医师，擅长四肢骨折的手法复位和腰腿痛的保守治疗。',
  },
  {
    id: 'pract-county-ortho-2',
    departmentId: 'dept-county-orthopaedics',
    name: '冯磊',
    gender: 'male',
    title: 'attending',
    specialties: ['骨科常见病'],
    bio: '主治医师，擅长骨科常见病和外伤处理。',
  },
  {
    id: 'pract-county-paed-1',
    departmentId: 'dept-county-paediatrics',
    name: '唐小燕',
    gender: 'female',
    title: 'attending',
    specialties: ['儿童呼吸道感染'],
    bio: '主治医师，擅长儿童呼吸道感染和腹泻的诊治。',
  },
  {
    id: 'pract-county-paed-2',
    departmentId: 'dept-county-paediatrics',
    name: '宋佳琪',
    gender: 'female',
    title: 'resident',
    specialties: ['儿科常见病'],
    bio: '住院医师，儿科普通门诊出诊。',
  },
  {
    id: 'pract-county-surgery-1',
    departmentId: 'dept-county-general-surgery',
    name: '袁建华',
    gender: 'male',
    title: 'chief',
    specialties: ['普外科手术', '急腹症'],
    bio: '主任医师，县医院外科带头人，擅长急腹症和普外科常见手术。',
  },
  {
    id: 'pract-county-surgery-2',
    departmentId: 'dept-county-general-surgery',
    name: '潘晓峰',
    gender: 'male',
    title: 'attending',
    specialties: ['换药拆线', '体表肿物'],
    bio: '主治医师，擅长体表肿物切除和术后伤口处理。',
  },
  // 江东社区
  {
    id: 'pract-chc-east-gp-1',
    departmentId: 'dept-chc-east-general-practice',
    name: '李春燕',
    gender: 'female',
    title: 'attending',
    specialties: ['家庭医生签约', '全科常见病'],
    bio: '全科主治医师，家庭医生团队长，签约居民1200余人。',
  },
  {
    id: 'pract-chc-east-gp-2',
    departmentId: 'dept-chc-east-general-practice',
    name: '张伟',
    gender: 'male',
    title: 'resident',
    specialties: ['全科常见病', '老年人体检'],
    bio: '全科住院医师，负责老年人健康体检和常见病诊疗。',
  },
  {
    id: 'pract-chc-east-chronic-1',
    departmentId: 'dept-chc-east-chronic-disease',
    name: '赵桂兰',
    gender: 'female',
    title: 'attending',
    specialties: ['高血压管理', '糖尿病管理'],
    bio: '全科主治医师，从事社区慢病管理15年，负责辖区高血压、糖尿病患者季度随访。',
  },
  {
    id: 'pract-chc-east-chronic-2',
    departmentId: 'dept-chc-east-chronic-disease',
    name: '胡建平',
    gender: 'male',
    title: 'attending',
    specialties: ['慢病用药指导'],
    bio: '全科主治医师，擅长慢病长期处方和用药依从性指导。',
  },
  // 城西社区
  {
    id: 'pract-chc-west-gp-1',
    departmentId: 'dept-chc-west-general-practice',
    name: '王秀梅',
    gender: 'female',
    title: 'attending',
    specialties: ['家庭医生签约', '出院康复随访'],
    bio: '全科主治医师，家庭医生，负责市一院下转患者的社区康复随访。',
  },
  {
    id: 'pract-chc-west-gp-2',
    departmentId: 'dept-chc-west-general-practice',
    name: '刘洋',
    gender: 'male',
    title: 'resident',
    specialties: ['全科常见病'],
    bio: '全科住院医师，常见病诊疗和健康咨询。',
  },
  {
    id: 'pract-chc-west-chronic-1',
    departmentId: 'dept-chc-west-chronic-disease',
    name: '孔德明',
    gender: 'male',
    title: 'attending',
    specialties: ['高血压管理', '血脂管理'],
    bio: '全科主治医师，擅长高血压和血脂异常的社区管理。',
  },
  {
    id: 'pract-chc-west-chronic-2',
    departmentId: 'dept-chc-west-chronic-disease',
    name: '陆芳',
    gender: 'female',
    title: 'attending',
    specialties: ['糖尿病管理', '健康教育'],
    bio: '全科主治医师，糖尿病健康教育讲师，负责糖尿病患者随访和足部检查。',
  },
];
