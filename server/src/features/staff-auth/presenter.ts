import type { StaffLoginResponse, StaffMeResponse, StaffProfile } from '@careloop/shared/contracts/staff';
import type { StaffAccountRecord } from './model.js';
import type { StaffLoginResult } from './service.js';

/** A staff account as the API shows it: never the hash, the TOTP secret or the counters. */
export function presentStaffProfile(account: StaffAccountRecord): StaffProfile {
  return {
    id: account._id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    institutionId: account.institutionId,
  };
}

/** `POST /staff/auth/login`. */
export function presentStaffLogin(result: StaffLoginResult): StaffLoginResponse {
  return { accessToken: result.accessToken, expiresAt: result.expiresAt.toISOString(), staff: presentStaffProfile(result.account) };
}

/** `GET /staff/auth/me`. */
export function presentStaffMe(account: StaffAccountRecord): StaffMeResponse {
  return { staff: presentStaffProfile(account) };
}
