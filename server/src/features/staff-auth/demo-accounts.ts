import { allianceScope, type StaffRole } from '@careloop/shared/contracts/staff';

/** One demo staff account as seeded (and as DEMO-ACCOUNTS.md lists it). */
export interface DemoStaffAccount {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  institutionId: string;
  /** Demo password; published in DEMO-ACCOUNTS.md, so demo data only. */
  password: string;
  /** Base32 TOTP secret for admins (add it to any authenticator app); published, demo only. */
  totpSecret?: string;
}

/** The one password every demo staff account uses (published; never use outside a demo). */
export const demoStaffPassword = 'CareLoop#Demo2026';

/**
 * One account per role in the demo alliance (市一院 `org-core`, 县医院 `org-county`, 江东社区
 * `org-chc-east`, 城西社区 `org-chc-west`). Admins carry fixed demo TOTP secrets so a tester
 * can enrol them in an authenticator app from the README. All names invented.
 */
export const demoStaffAccounts: readonly DemoStaffAccount[] = [
  { id: 'staff-scheduler-core', username: 'scheduler.core', displayName: '王晓雯（号源管理员）', role: 'scheduler', institutionId: 'org-core', password: demoStaffPassword },
  { id: 'staff-doctor-core', username: 'doctor.core', displayName: '陈国华（心内科主任医师）', role: 'doctor', institutionId: 'org-core', password: demoStaffPassword },
  { id: 'staff-nurse-core', username: 'nurse.core', displayName: '李静（随访护士）', role: 'followup_nurse', institutionId: 'org-core', password: demoStaffPassword },
  { id: 'staff-experience-core', username: 'experience.core', displayName: '赵敏（患者体验专员）', role: 'experience_officer', institutionId: 'org-core', password: demoStaffPassword },
  { id: 'staff-quality-core', username: 'quality.core', displayName: '孙建平（质控科科长）', role: 'quality_manager', institutionId: 'org-core', password: demoStaffPassword },
  { id: 'staff-referral-east', username: 'referral.east', displayName: '周丽（转诊协调员）', role: 'referral_coordinator', institutionId: 'org-chc-east', password: demoStaffPassword },
  {
    id: 'staff-admin-core',
    username: 'admin.core',
    displayName: '吴志强（市一院系统管理员）',
    role: 'institution_admin',
    institutionId: 'org-core',
    password: demoStaffPassword,
    totpSecret: 'RFZGU5IUQPWRSIC4E4DFIG5NMSFS3HKI',
  },
  {
    id: 'staff-admin-alliance',
    username: 'admin.alliance',
    displayName: '郑海燕（医联体管理员）',
    role: 'alliance_admin',
    institutionId: allianceScope,
    password: demoStaffPassword,
    totpSecret: 'F5YRKTCX4ZK22DRUT3QDHG2TRRDZ2B5C',
  },
];

const roleNames: Record<StaffRole, string> = {
  scheduler: '号源管理员',
  doctor: '医生',
  followup_nurse: '随访护士',
  experience_officer: '患者体验专员',
  quality_manager: '质控管理员',
  referral_coordinator: '转诊协调员',
  institution_admin: '机构管理员',
  alliance_admin: '医联体管理员',
};

const institutionNames: Record<string, string> = {
  'org-core': '市一院 `org-core`',
  'org-county': '县医院 `org-county`',
  'org-chc-east': '江东社区 `org-chc-east`',
  'org-chc-west': '城西社区 `org-chc-west`',
  [allianceScope]: '全医联体 `alliance`',
};

/**
 * The markdown table of the demo accounts (DEMO-ACCOUNTS.md and the README carry it; a test
 * keeps the file in step with the list).
 */
export function demoAccountsTable(accounts: readonly DemoStaffAccount[] = demoStaffAccounts): string {
  const rows = accounts.map(
    (account) =>
      `| \`${account.username}\` | \`${account.password}\` | ${account.role}（${roleNames[account.role]}） | ${institutionNames[account.institutionId] ?? `\`${account.institutionId}\``} | ${account.displayName} | ${account.totpSecret ? `\`${account.totpSecret}\`` : '—'} |`,
  );
  return ['| 用户名 | 密码 | 角色 | 机构 | 显示名 | TOTP 密钥（base32） |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
