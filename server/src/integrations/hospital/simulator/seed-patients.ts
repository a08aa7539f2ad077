/**
 * Demo patients and their clinical history (invented): visits, bills, lab and imaging reports.
 * Times are relative to the seeding day (day 0 = today in Shanghai) so the demo always has a
 * recent discharge to follow up and a report still pending. Reference ranges follow
 * REFERENCE.md §3 (adult ranges; lipids use the guideline's "suitable" cut-offs). Analyte codes are
 * LOINC (SI-unit variants) for the demo; a real LIS maps its local codes.
 */

/** A patient in the hospitals' master patient index. */
export interface SeedPatient {
  id: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  /** First 17 digits of an invented resident ID number (the check digit is computed); only its blind index leaves the simulator. */
  residentId17: string;
}

/** A point in time relative to the seeding day: day offset and Shanghai wall-clock `HH:MM`. */
export interface SeedTime {
  day: number;
  time: string;
}

/** A billed line: the amount comes from the catalogue price at the encounter's institution. */
export interface SeedCharge {
  code: string;
  quantity: number;
}

/** A visit. */
export interface SeedEncounter {
  id: string;
  patientId: string;
  institutionId: string;
  departmentId: string;
  practitionerId: string;
  kind: 'outpatient' | 'inpatient' | 'emergency';
  status: 'finished' | 'in-progress';
  start: SeedTime;
  end?: SeedTime;
  /** Free-text reason / diagnosis shown on the visit. */
  reason: string;
  charges: SeedCharge[];
}

/** One lab analyte result. */
export interface SeedObservation {
  key: string;
  loinc: string;
  name: string;
  value: number;
  unit: string;
  low?: number;
  high?: number;
}

/** An imaging study behind an imaging report. */
export interface SeedImagingStudy {
  id: string;
  modality: 'CT' | 'MR' | 'DX' | 'US';
  description: string;
  numberOfSeries: number;
  numberOfInstances: number;
}

/** A lab or imaging report. */
export interface SeedReport {
  id: string;
  patientId: string;
  encounterId: string;
  institutionId: string;
  category: 'lab' | 'imaging';
  /** Price-catalogue code of the test. */
  code: string;
  /** LOINC panel code, when there is a common one. */
  loinc?: string;
  name: string;
  status: 'registered' | 'preliminary' | 'final';
  issued?: SeedTime;
  /** Specimen collection / exam time. */
  effective: SeedTime;
  conclusion?: string;
  observations: SeedObservation[];
  imaging?: SeedImagingStudy;
}

/** Seeded patients. */
export const SEED_PATIENTS: readonly SeedPatient[] = [
  { id: 'pat-wang-jianguo', name: '王建国', gender: 'male', birthDate: '1958-03-15', residentId17: '11010119580315231' },
  { id: 'pat-li-xiuying', name: '李秀英', gender: 'female', birthDate: '1985-07-22', residentId17: '11010519850722442' },
  { id: 'pat-chen-zhiqiang', name: '陈志强', gender: 'male', birthDate: '1967-11-05', residentId17: '11010619671105055' },
  { id: 'pat-liu-zihan', name: '刘子涵', gender: 'male', birthDate: '2019-04-10', residentId17: '11010820190410317' },
];

/** Seeded visits with their bills. */
export const SEED_ENCOUNTERS: readonly SeedEncounter[] = [
  // 王建国: hypertension + type 2 diabetes, managed by his family doctor, seen by the core endocrinologist.
  {
    id: 'enc-wang-chc-1',
    patientId: 'pat-wang-jianguo',
    institutionId: 'org-chc-east',
    departmentId: 'dept-chc-east-chronic-disease',
    practitionerId: 'pract-chc-east-chronic-1',
    kind: 'outpatient',
    status: 'finished',
    start: { day: -20, time: '08:45' },
    end: { day: -20, time: '09:05' },
    reason: '高血压、2型糖尿病季度随访；空腹末梢血糖偏高，建议上级医院内分泌科复诊',
    charges: [
      { code: 'consult-community-package', quantity: 1 },
      { code: 'lab-glucose-poc', quantity: 1 },
      { code: 'drug-metformin-500mg', quantity: 168 },
      { code: 'drug-amlodipine-5mg', quantity: 84 },
    ],
  },
  {
    id: 'enc-wang-core-1',
    patientId: 'pat-wang-jianguo',
    institutionId: 'org-core',
    departmentId: 'dept-core-endocrinology',
    practitionerId: 'pract-core-endo-1',
    kind: 'outpatient',
    status: 'finished',
    start: { day: -6, time: '09:15' },
    end: { day: -6, time: '09:30' },
    reason: '2型糖尿病血糖控制不佳，血脂异常',
    charges: [
      { code: 'consult-chief', quantity: 1 },
      { code: 'lab-hba1c', quantity: 1 },
      { code: 'lab-fpg', quantity: 1 },
      { code: 'lab-lipid-panel', quantity: 1 },
      { code: 'lab-renal-panel', quantity: 1 },
      { code: 'lab-uacr', quantity: 1 },
      { code: 'drug-dapagliflozin-10mg', quantity: 28 },
      { code: 'drug-atorvastatin-20mg', quantity: 28 },
    ],
  },
  // 李秀英: anaemia found at the county hospital; low-back pain, MRI at the core hospital.
  {
    id: 'enc-li-county-1',
    patientId: 'pat-li-xiuying',
    institutionId: 'org-county',
    departmentId: 'dept-county-internal',
    practitionerId: 'pract-county-internal-2',
    kind: 'outpatient',
    status: 'finished',
    start: { day: -30, time: '10:00' },
    end: { day: -30, time: '10:15' },
    reason: '乏力、头晕两月余',
    charges: [
      { code: 'consult-general', quantity: 1 },
      { code: 'lab-cbc', quantity: 1 },
    ],
  },
  {
    id: 'enc-li-core-1',
    patientId: 'pat-li-xiuying',
    institutionId: 'org-core',
    departmentId: 'dept-core-orthopaedics',
    practitionerId: 'pract-core-ortho-1',
    kind: 'outpatient',
    status: 'finished',
    start: { day: -10, time: '14:00' },
    end: { day: -10, time: '14:20' },
    reason: '腰痛伴左下肢放射痛3周',
    charges: [
      { code: 'consult-chief', quantity: 1 },
      { code: 'img-mri-3t-imported', quantity: 1 },
      { code: 'drug-ibuprofen-er-300mg', quantity: 20 },
    ],
  },
  // 陈志强: laparoscopic cholecystectomy, discharged three days ago — due for the day-3 follow-up.
  {
    id: 'enc-chen-core-inpatient',
    patientId: 'pat-chen-zhiqiang',
    institutionId: 'org-core',
    departmentId: 'dept-core-general-surgery',
    practitionerId: 'pract-core-surgery-1',
    kind: 'inpatient',
    status: 'finished',
    start: { day: -8, time: '10:30' },
    end: { day: -3, time: '10:00' },
    reason: '胆囊多发结石伴慢性胆囊炎，行腹腔镜胆囊切除术，术后恢复良好出院',
    charges: [
      { code: 'ward-bed-standard', quantity: 5 },
      { code: 'ward-nursing-grade-2', quantity: 5 },
      { code: 'proc-lap-cholecystectomy', quantity: 1 },
      { code: 'img-ct-abdomen', quantity: 1 },
      { code: 'lab-cbc', quantity: 2 },
      { code: 'lab-liver-panel', quantity: 1 },
      { code: 'drug-saline-250ml', quantity: 6 },
      { code: 'drug-omeprazole-20mg', quantity: 10 },
    ],
  },
  // 刘子涵 (child): fever and cough, seen in paediatrics two days ago.
  {
    id: 'enc-liu-core-1',
    patientId: 'pat-liu-zihan',
    institutionId: 'org-core',
    departmentId: 'dept-core-paediatrics',
    practitionerId: 'pract-core-paed-3',
    kind: 'outpatient',
    status: 'finished',
    start: { day: -2, time: '08:30' },
    end: { day: -2, time: '08:45' },
    reason: '发热伴咳嗽2天，急性支气管炎',
    charges: [
      { code: 'consult-general', quantity: 1 },
      { code: 'lab-crp', quantity: 1 },
      { code: 'drug-amoxicillin-250mg', quantity: 24 },
    ],
  },
];

/** Seeded reports (lab results with some abnormal values, imaging, one still pending). */
export const SEED_REPORTS: readonly SeedReport[] = [
  {
    id: 'rpt-wang-hba1c',
    patientId: 'pat-wang-jianguo',
    encounterId: 'enc-wang-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-hba1c',
    loinc: '4548-4',
    name: '糖化血红蛋白',
    status: 'final',
    effective: { day: -6, time: '09:40' },
    issued: { day: -6, time: '15:20' },
    observations: [
      { key: 'hba1c', loinc: '4548-4', name: '糖化血红蛋白 HbA1c', value: 7.8, unit: '%', low: 4.0, high: 6.0 },
    ],
  },
  {
    id: 'rpt-wang-glucose',
    patientId: 'pat-wang-jianguo',
    encounterId: 'enc-wang-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-fpg',
    loinc: '14771-0',
    name: '空腹血糖',
    status: 'final',
    effective: { day: -6, time: '09:40' },
    issued: { day: -6, time: '11:05' },
    observations: [
      { key: 'fpg', loinc: '14771-0', name: '空腹血糖 FPG', value: 8.6, unit: 'mmol/L', low: 3.9, high: 6.1 },
    ],
  },
  {
    id: 'rpt-wang-lipids',
    patientId: 'pat-wang-jianguo',
    encounterId: 'enc-wang-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-lipid-panel',
    loinc: '57698-3',
    name: '血脂四项',
    status: 'final',
    effective: { day: -6, time: '09:40' },
    issued: { day: -6, time: '14:10' },
    conclusion: '总胆固醇、甘油三酯、低密度脂蛋白胆固醇升高，高密度脂蛋白胆固醇降低',
    observations: [
      { key: 'tc', loinc: '14647-2', name: '总胆固醇 TC', value: 6.4, unit: 'mmol/L', high: 5.2 },
      { key: 'tg', loinc: '14927-8', name: '甘油三酯 TG', value: 2.1, unit: 'mmol/L', high: 1.7 },
      { key: 'hdl', loinc: '14646-4', name: '高密度脂蛋白胆固醇 HDL-C', value: 0.92, unit: 'mmol/L', low: 1.0 },
      { key: 'ldl', loinc: '39469-2', name: '低密度脂蛋白胆固醇 LDL-C', value: 4.3, unit: 'mmol/L', high: 3.4 },
    ],
  },
  {
    id: 'rpt-wang-renal',
    patientId: 'pat-wang-jianguo',
    encounterId: 'enc-wang-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-renal-panel',
    name: '肾功能',
    status: 'final',
    effective: { day: -6, time: '09:40' },
    issued: { day: -6, time: '14:10' },
    observations: [
      { key: 'urea', loinc: '22664-7', name: '尿素 Urea', value: 6.2, unit: 'mmol/L', low: 3.6, high: 9.5 },
      { key: 'cr', loinc: '14682-9', name: '肌酐 Cr', value: 88, unit: 'μmol/L', low: 57, high: 111 },
      { key: 'ua', loinc: '14933-6', name: '尿酸 UA', value: 445, unit: 'μmol/L', low: 208, high: 428 },
    ],
  },
  {
    // Sent out to the reference lab; still pending.
    id: 'rpt-wang-uacr',
    patientId: 'pat-wang-jianguo',
    encounterId: 'enc-wang-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-uacr',
    loinc: '9318-7',
    name: '尿微量白蛋白/肌酐比',
    status: 'registered',
    effective: { day: -6, time: '09:50' },
    observations: [],
  },
  {
    id: 'rpt-li-cbc',
    patientId: 'pat-li-xiuying',
    encounterId: 'enc-li-county-1',
    institutionId: 'org-county',
    category: 'lab',
    code: 'lab-cbc',
    loinc: '58410-2',
    name: '血常规',
    status: 'final',
    effective: { day: -30, time: '10:25' },
    issued: { day: -30, time: '11:10' },
    conclusion: '小细胞低色素性贫血，建议查铁代谢',
    observations: [
      { key: 'wbc', loinc: '6690-2', name: '白细胞计数 WBC', value: 5.6, unit: '10*9/L', low: 3.5, high: 9.5 },
      { key: 'rbc', loinc: '789-8', name: '红细胞计数 RBC', value: 3.9, unit: '10*12/L', low: 3.8, high: 5.1 },
      { key: 'hgb', loinc: '718-7', name: '血红蛋白 HGB', value: 102, unit: 'g/L', low: 115, high: 150 },
      { key: 'hct', loinc: '4544-3', name: '红细胞压积 HCT', value: 33.1, unit: '%', low: 35, high: 45 },
      { key: 'mcv', loinc: '787-2', name: '平均红细胞体积 MCV', value: 76, unit: 'fL', low: 82, high: 100 },
      { key: 'plt', loinc: '777-3', name: '血小板计数 PLT', value: 268, unit: '10*9/L', low: 125, high: 350 },
    ],
  },
  {
    id: 'rpt-li-mri',
    patientId: 'pat-li-xiuying',
    encounterId: 'enc-li-core-1',
    institutionId: 'org-core',
    category: 'imaging',
    code: 'img-mri-3t-imported',
    name: '腰椎磁共振平扫',
    status: 'final',
    effective: { day: -9, time: '16:40' },
    issued: { day: -8, time: '10:30' },
    conclusion: 'L4/5椎间盘向左后方突出，左侧神经根受压；L5/S1椎间盘膨出；腰椎退行性变。',
    observations: [],
    imaging: { id: 'img-li-mri-lumbar', modality: 'MR', description: '腰椎MRI平扫（3.0T）', numberOfSeries: 5, numberOfInstances: 186 },
  },
  {
    id: 'rpt-chen-ct',
    patientId: 'pat-chen-zhiqiang',
    encounterId: 'enc-chen-core-inpatient',
    institutionId: 'org-core',
    category: 'imaging',
    code: 'img-ct-abdomen',
    name: '上腹部CT平扫',
    status: 'final',
    effective: { day: -8, time: '14:00' },
    issued: { day: -8, time: '17:30' },
    conclusion: '胆囊多发结石，胆囊壁增厚，考虑慢性胆囊炎；肝内外胆管未见扩张。',
    observations: [],
    imaging: { id: 'img-chen-ct-abdomen', modality: 'CT', description: '上腹部CT平扫', numberOfSeries: 3, numberOfInstances: 312 },
  },
  {
    id: 'rpt-chen-cbc',
    patientId: 'pat-chen-zhiqiang',
    encounterId: 'enc-chen-core-inpatient',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-cbc',
    loinc: '58410-2',
    name: '血常规（术后第1天）',
    status: 'final',
    effective: { day: -6, time: '06:30' },
    issued: { day: -6, time: '08:15' },
    observations: [
      { key: 'wbc', loinc: '6690-2', name: '白细胞计数 WBC', value: 11.2, unit: '10*9/L', low: 3.5, high: 9.5 },
      { key: 'neut', loinc: '751-8', name: '中性粒细胞绝对值 NEUT#', value: 8.1, unit: '10*9/L', low: 1.8, high: 6.3 },
      { key: 'hgb', loinc: '718-7', name: '血红蛋白 HGB', value: 138, unit: 'g/L', low: 130, high: 175 },
      { key: 'plt', loinc: '777-3', name: '血小板计数 PLT', value: 215, unit: '10*9/L', low: 125, high: 350 },
    ],
  },
  {
    id: 'rpt-chen-liver',
    patientId: 'pat-chen-zhiqiang',
    encounterId: 'enc-chen-core-inpatient',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-liver-panel',
    name: '肝功能',
    status: 'final',
    effective: { day: -6, time: '06:30' },
    issued: { day: -6, time: '10:40' },
    observations: [
      { key: 'alt', loinc: '1742-6', name: '丙氨酸氨基转移酶 ALT', value: 62, unit: 'U/L', low: 9, high: 50 },
      { key: 'ast', loinc: '1920-8', name: '天门冬氨酸氨基转移酶 AST', value: 45, unit: 'U/L', low: 15, high: 40 },
      { key: 'alb', loinc: '1751-7', name: '白蛋白 ALB', value: 41, unit: 'g/L', low: 40, high: 55 },
    ],
  },
  {
    id: 'rpt-liu-crp',
    patientId: 'pat-liu-zihan',
    encounterId: 'enc-liu-core-1',
    institutionId: 'org-core',
    category: 'lab',
    code: 'lab-crp',
    loinc: '1988-5',
    name: 'C反应蛋白',
    status: 'final',
    effective: { day: -2, time: '08:50' },
    issued: { day: -2, time: '09:30' },
    observations: [{ key: 'crp', loinc: '1988-5', name: 'C反应蛋白 CRP', value: 28, unit: 'mg/L', low: 0, high: 10 }],
  },
];
