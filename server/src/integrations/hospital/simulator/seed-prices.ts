import type { InstitutionLevel, InsuranceCategory, PriceItem } from '../port.js';

/**
 * The demo price catalogue (REFERENCE.md §2). Services are priced by level: 三级 full price,
 * 二级 ≈ 90%, community lower or not offered (refer up). Drugs cost the same everywhere
 * (药品零加成); branded originals are stocked only at the core hospital.
 */

/** A catalogue item as seeded; prices in fen, null = not offered at that level. */
export interface SeedPriceItem {
  code: string;
  name: string;
  kind: PriceItem['kind'];
  category: InsuranceCategory;
  tertiary: number | null;
  /** Defaults to 90% of the tertiary price for services; the same price for drugs. */
  secondary?: number | null;
  primary: number | null;
}

const SERVICES: readonly SeedPriceItem[] = [
  // 2.1 Consultation
  { code: 'consult-general', name: '普通门诊诊察费', kind: 'consultation', category: 'A', tertiary: 5000, primary: 2000 },
  { code: 'consult-associate-chief', name: '副主任医师诊察费', kind: 'consultation', category: 'A', tertiary: 6000, primary: null },
  { code: 'consult-chief', name: '主任医师诊察费', kind: 'consultation', category: 'A', tertiary: 8000, primary: null },
  { code: 'consult-renowned', name: '知名专家诊察费', kind: 'consultation', category: 'A', tertiary: 10000, secondary: null, primary: null },
  { code: 'consult-vip', name: '特需门诊诊察费', kind: 'consultation', category: 'C', tertiary: 30000, secondary: null, primary: null },
  { code: 'consult-community-package', name: '一般诊疗费（社区）', kind: 'consultation', category: 'A', tertiary: null, secondary: null, primary: 1000 },
  // 2.2 Laboratory
  { code: 'lab-cbc', name: '血常规（血细胞分析，五分类）', kind: 'lab', category: 'A', tertiary: 2200, primary: 2000 },
  { code: 'lab-crp', name: 'C反应蛋白（CRP）', kind: 'lab', category: 'A', tertiary: 1800, primary: 1500 },
  { code: 'lab-urinalysis', name: '尿常规', kind: 'lab', category: 'A', tertiary: 2000, primary: 1200 },
  { code: 'lab-liver-panel', name: '肝功能', kind: 'lab', category: 'A', tertiary: 6500, primary: 5000 },
  { code: 'lab-renal-panel', name: '肾功能（尿素、肌酐、尿酸）', kind: 'lab', category: 'A', tertiary: 2500, primary: 1800 },
  { code: 'lab-lipid-panel', name: '血脂四项', kind: 'lab', category: 'A', tertiary: 3500, primary: 2500 },
  { code: 'lab-fpg', name: '空腹血糖（静脉）', kind: 'lab', category: 'A', tertiary: 600, primary: 500 },
  { code: 'lab-glucose-poc', name: '末梢快速血糖', kind: 'lab', category: 'A', tertiary: 900, primary: 600 },
  { code: 'lab-hba1c', name: '糖化血红蛋白（HbA1c）', kind: 'lab', category: 'A', tertiary: 6000, primary: 5000 },
  { code: 'lab-thyroid-panel', name: '甲功三项（FT3、FT4、TSH）', kind: 'lab', category: 'A', tertiary: 9000, primary: null },
  { code: 'lab-electrolytes', name: '电解质（钾、钠、氯）', kind: 'lab', category: 'A', tertiary: 1500, primary: 1200 },
  { code: 'lab-uacr', name: '尿微量白蛋白/肌酐比', kind: 'lab', category: 'A', tertiary: 4000, primary: null },
  // 2.3 Imaging and diagnostics
  { code: 'img-dr-chest', name: '胸部X线摄影（DR正位）', kind: 'imaging', category: 'A', tertiary: 7500, primary: 6000 },
  { code: 'img-ct-chest', name: 'CT平扫（胸部）', kind: 'imaging', category: 'B', tertiary: 20000, primary: null },
  { code: 'img-ct-head', name: 'CT平扫（头颅）', kind: 'imaging', category: 'B', tertiary: 20000, primary: null },
  { code: 'img-ct-abdomen', name: 'CT平扫（上腹部）', kind: 'imaging', category: 'B', tertiary: 22000, primary: null },
  { code: 'img-ct-enhanced', name: 'CT增强（单部位，不含造影剂）', kind: 'imaging', category: 'B', tertiary: 38000, primary: null },
  // The seeds' cheaper-equivalent example: imported 3.0T ¥800 vs domestic 1.5T ¥500.
  { code: 'img-mri-3t-imported', name: '磁共振平扫（3.0T进口设备，单部位）', kind: 'imaging', category: 'B', tertiary: 80000, secondary: null, primary: null },
  { code: 'img-mri-1-5t-domestic', name: '磁共振平扫（1.5T国产设备，单部位）', kind: 'imaging', category: 'B', tertiary: 50000, primary: null },
  { code: 'img-us-abdomen', name: '腹部B超（肝胆胰脾）', kind: 'imaging', category: 'A', tertiary: 13000, primary: 8000 },
  { code: 'img-us-thyroid', name: '甲状腺彩超', kind: 'imaging', category: 'A', tertiary: 10000, primary: 6500 },
  { code: 'diag-ecg', name: '常规十二导联心电图', kind: 'procedure', category: 'A', tertiary: 2000, primary: 1500 },
  { code: 'diag-echo', name: '心脏彩超（超声心动图）', kind: 'imaging', category: 'A', tertiary: 25000, primary: null },
  { code: 'diag-holter', name: '24小时动态心电图', kind: 'procedure', category: 'A', tertiary: 20000, primary: null },
  { code: 'diag-abpm', name: '24小时动态血压', kind: 'procedure', category: 'A', tertiary: 12000, primary: 10000 },
  { code: 'proc-dressing', name: '伤口换药（中小）', kind: 'procedure', category: 'A', tertiary: 2500, primary: 2000 },
  { code: 'proc-suture-removal', name: '拆线', kind: 'procedure', category: 'A', tertiary: 2000, primary: 1500 },
  // Inpatient items for the demo discharge (estimates, not in REFERENCE.md)
  { code: 'proc-lap-cholecystectomy', name: '腹腔镜下胆囊切除术', kind: 'procedure', category: 'A', tertiary: 280000, primary: null },
  { code: 'ward-bed-standard', name: '普通病房床位费（三人间，每日）', kind: 'other', category: 'A', tertiary: 6000, primary: null },
  { code: 'ward-nursing-grade-2', name: '二级护理（每日）', kind: 'other', category: 'A', tertiary: 2000, primary: null },
];

/** Drugs: one unit price everywhere; `coreOnly` originals are not stocked below the core hospital. */
const DRUGS: ReadonlyArray<{ code: string; name: string; category: InsuranceCategory; price: number; coreOnly?: boolean }> = [
  { code: 'drug-amlodipine-5mg', name: '苯磺酸氨氯地平片 5mg（集采）', category: 'A', price: 10 },
  { code: 'drug-amlodipine-5mg-norvasc', name: '苯磺酸氨氯地平片 5mg（络活喜，原研）', category: 'A', price: 320, coreOnly: true },
  { code: 'drug-metformin-500mg', name: '盐酸二甲双胍片 0.5g（集采）', category: 'A', price: 4 },
  { code: 'drug-metformin-500mg-glucophage', name: '盐酸二甲双胍片 0.5g（格华止，原研）', category: 'A', price: 100, coreOnly: true },
  { code: 'drug-atorvastatin-20mg', name: '阿托伐他汀钙片 20mg（集采）', category: 'B', price: 94 },
  { code: 'drug-atorvastatin-20mg-lipitor', name: '阿托伐他汀钙片 20mg（立普妥，原研）', category: 'B', price: 550, coreOnly: true },
  { code: 'drug-rosuvastatin-10mg', name: '瑞舒伐他汀钙片 10mg（集采）', category: 'B', price: 50 },
  { code: 'drug-aspirin-100mg', name: '阿司匹林肠溶片 100mg', category: 'A', price: 5 },
  { code: 'drug-clopidogrel-75mg', name: '硫酸氢氯吡格雷片 75mg（集采）', category: 'B', price: 180 },
  { code: 'drug-valsartan-80mg', name: '缬沙坦胶囊 80mg（集采）', category: 'B', price: 30 },
  { code: 'drug-metoprolol-er-47-5mg', name: '琥珀酸美托洛尔缓释片 47.5mg', category: 'B', price: 40 },
  { code: 'drug-dapagliflozin-10mg', name: '达格列净片 10mg（集采）', category: 'B', price: 120 },
  { code: 'drug-insulin-glargine-pen', name: '甘精胰岛素注射液 300U/3ml（笔芯）', category: 'B', price: 7000 },
  { code: 'drug-amoxicillin-250mg', name: '阿莫西林胶囊 0.25g', category: 'A', price: 20 },
  { code: 'drug-ibuprofen-er-300mg', name: '布洛芬缓释胶囊 0.3g', category: 'B', price: 20 },
  { code: 'drug-omeprazole-20mg', name: '奥美拉唑肠溶胶囊 20mg', category: 'A', price: 20 },
  { code: 'drug-saline-250ml', name: '0.9%氯化钠注射液 250ml', category: 'A', price: 450 },
];

/** 乙类 先行自付 share for the demo (REFERENCE §1.6 default 10%), as FHIR decimal. */
export const SELF_PAY_FIRST_SHARE = 0.1;

/** The seeded price of an item at a level, in fen, or null if not offered there. */
export function priceAt(item: SeedPriceItem, level: InstitutionLevel): number | null {
  if (level === 'tertiary') return item.tertiary;
  if (level === 'primary') return item.primary;
  if (item.secondary !== undefined) return item.secondary;
  if (item.tertiary === null) return null;
  return item.kind === 'drug' ? item.tertiary : Math.round(item.tertiary * 0.9);
}

/** The whole catalogue as seed items (drugs expanded with their level availability). */
export const SEED_PRICE_ITEMS: readonly SeedPriceItem[] = [
  ...SERVICES,
  ...DRUGS.map(
    (d): SeedPriceItem => ({
      code: d.code,
      name: d.name,
      kind: 'drug',
      category: d.category,
      tertiary: d.price,
      secondary: d.coreOnly ? null : d.price,
      primary: d.coreOnly ? null : d.price,
    }),
  ),
];
