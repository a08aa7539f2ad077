import type { StaffRole } from '@careloop/shared/contracts/staff';

/**
 * Which staff tools a role opens. The server decides (403 for other roles); these lists only
 * keep the staff home and the pages from offering what the role cannot use. They mirror the
 * booking feature's staff routes: 号源管理 for schedulers and admins, 对账 for admins.
 */
const SESSION_ROLES: readonly StaffRole[] = ['scheduler', 'institution_admin', 'alliance_admin'];
const RECONCILIATION_ROLES: readonly StaffRole[] = ['institution_admin', 'alliance_admin'];

/** 号源管理: a session's channel split and 停诊. */
export function canManageSessions(role: StaffRole): boolean {
  return SESSION_ROLES.includes(role);
}

/** 对账: the payment reconciliation list. */
export function canReadReconciliation(role: StaffRole): boolean {
  return RECONCILIATION_ROLES.includes(role);
}
