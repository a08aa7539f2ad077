/**
 * Page URLs of the booking flow (subpackage `packages/booking`), in one place so the 预约 tab,
 * the doctor profile, the booking pages and the tests agree. Kept in the main package because
 * the tab and the directory subpackage link here, and subpackages cannot import each other.
 */
const q = (params: Record<string, string | undefined>): string =>
  Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

const root = '/packages/booking/pages';

/** Why the 就诊人 page was opened: to book a slot, or to join the waitlist (候补) of a full day. */
export type PatientPickMode = 'book' | 'waitlist';

export const bookingRoutes = {
  /** The slot picker of one doctor's day; the page lets the patient switch days. */
  slots: (doctorId: string, date: string) => `${root}/slots/index?${q({ doctorId, date })}`,
  /** Choose the 就诊人 for a slot (`mode=book`) or for the waitlist of a day (`mode=waitlist`). */
  patient: (p: { mode: PatientPickMode; doctorId: string; date: string; slotId?: string }) => `${root}/patient/index?${q(p)}`,
  /** Fee, time, rules — and the button that books and pays. */
  confirm: (p: { doctorId: string; date: string; slotId: string; patientId: string }) => `${root}/confirm/index?${q(p)}`,
  /** After paying: polls until the hospital registration is confirmed or refunded. */
  result: (appointmentId: string) => `${root}/result/index?${q({ id: appointmentId })}`,
  detail: (appointmentId: string) => `${root}/detail/index?${q({ id: appointmentId })}`,
  waitlist: `${root}/waitlist/index`,
  /** The 预约 tab. */
  tab: '/pages/appointments/index',
  home: '/pages/home/index',
} as const;
