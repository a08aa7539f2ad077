import {
  AppointmentListSchema,
  WaitlistListSchema,
  type AppointmentList,
  type AppointmentView,
  type WaitlistEntry,
} from '@careloop/shared/contracts/appointments';
import { BookingPaths } from '@careloop/shared/contracts/appointments';
import { API_V1, requestJson } from '../../services/api';

/**
 * What the 预约 tab reads: the account's appointments by view, and its waitlist (候补) entries,
 * to show an offer the patient must pay for. The rest of the booking API lives in the booking
 * subpackage, so the main package carries only this.
 */
export const appointmentsApi = {
  list: (view: AppointmentView): Promise<AppointmentList> =>
    requestJson('GET', `${API_V1}${BookingPaths.appointments}?view=${view}`, AppointmentListSchema),
  waitlist: async (): Promise<WaitlistEntry[]> => (await requestJson('GET', `${API_V1}${BookingPaths.waitlist}`, WaitlistListSchema)).items,
};
