import type { StaffRole } from '@careloop/shared/contracts/staff';

/** Chinese names of the staff roles. */
export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  scheduler: '排班员',
  doctor: '医生',
  followup_nurse: '随访护士',
  experience_officer: '患者体验专员',
  quality_manager: '质控管理员',
  referral_coordinator: '转诊协调员',
  institution_admin: '机构管理员',
  alliance_admin: '医联体管理员',
};
