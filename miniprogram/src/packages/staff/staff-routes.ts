/** Why the staff login page was opened by the app rather than by the user. */
export type StaffLoginReason = 'expired' | 'invalid';

/** Page URLs of the staff area (subpackage `packages/staff`). */
export const staffRoutes = {
  login: (reason?: StaffLoginReason) => (reason ? `/packages/staff/pages/login/index?reason=${reason}` : '/packages/staff/pages/login/index'),
  home: '/packages/staff/pages/home/index',
  audit: '/packages/staff/pages/audit/index',
  sessions: '/packages/staff/pages/sessions/index',
  reconciliation: '/packages/staff/pages/reconciliation/index',
} as const;
