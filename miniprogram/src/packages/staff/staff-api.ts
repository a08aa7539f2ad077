import { StaffAuthPaths, StaffLoginResponseSchema, type StaffLoginRequest, type StaffLoginResponse } from '@careloop/shared/contracts/staff';
import { API_V1, requestJson } from '../../services/api';

/** Staff sign-in. No patient token is sent and a 401 (wrong password, `totp_required`) is just an error here. */
export const staffApi = {
  login: (body: StaffLoginRequest): Promise<StaffLoginResponse> =>
    requestJson('POST', `${API_V1}${StaffAuthPaths.login}`, StaffLoginResponseSchema, { body, auth: 'none' }),
};
