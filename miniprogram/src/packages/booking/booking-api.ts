import {
  AppointmentSchema,
  BookingPaths,
  PaymentParamsSchema,
  SlotListResponseSchema,
  WaitlistEntrySchema,
  WaitlistListSchema,
  type Appointment,
  type AppointmentCreate,
  type PaymentParams,
  type SlotListResponse,
  type WaitlistEntry,
  type WaitlistJoin,
} from '@careloop/shared/contracts/appointments';
import { PatientListSchema, type PatientList } from '@careloop/shared/contracts/patients';
import { API_V1, requestJson } from '../../services/api';

const v1 = (path: string) => `${API_V1}${path}`;

/**
 * The booking endpoints the booking pages call, typed by the shared contracts. (The 预约 tab's
 * list lives in pages/appointments/appointments-api.ts, in the main package.)
 */
export const bookingApi = {
  /** A doctor's 15-minute slots of one Shanghai day, with the rules in force. */
  slots: (doctorId: string, date: string): Promise<SlotListResponse> =>
    requestJson('GET', `${v1(BookingPaths.slots(doctorId))}?date=${encodeURIComponent(date)}`, SlotListResponseSchema),
  /** The account's 就诊人 (the same endpoint the account pages use). */
  patients: (): Promise<PatientList> => requestJson('GET', v1('/patients'), PatientListSchema),
  /** Holds the slot for the patient: 201 pending_payment, or 409 slot_unavailable / a rule's code. */
  create: (body: AppointmentCreate): Promise<Appointment> => requestJson('POST', v1(BookingPaths.appointments), AppointmentSchema, { body }),
  get: (id: string): Promise<Appointment> => requestJson('GET', v1(BookingPaths.appointment(id)), AppointmentSchema),
  /** Creates (or re-reads) the WeChat Pay order and returns what `Taro.requestPayment` needs. */
  pay: (id: string): Promise<PaymentParams> => requestJson('POST', v1(BookingPaths.pay(id)), PaymentParamsSchema, { body: {} }),
  cancel: (id: string): Promise<Appointment> => requestJson('POST', v1(BookingPaths.cancel(id)), AppointmentSchema, { body: {} }),
  waitlist: async (): Promise<WaitlistEntry[]> => (await requestJson('GET', v1(BookingPaths.waitlist), WaitlistListSchema)).items,
  joinWaitlist: (body: WaitlistJoin): Promise<WaitlistEntry> => requestJson('POST', v1(BookingPaths.waitlist), WaitlistEntrySchema, { body }),
  leaveWaitlist: (id: string): Promise<void> => requestJson('DELETE', v1(BookingPaths.waitlistEntry(id)), null),
};
