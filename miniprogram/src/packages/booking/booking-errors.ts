import type { ApiError } from '../../services/api-error';

/**
 * What helps after a refusal: another slot (`pick`), trying again later (`retry`: a lost
 * connection, too many attempts), or the patient's own appointments (`appointments`: a rule
 * about the patient that another slot of this doctor will not change).
 */
export type BookingRemedy = 'pick' | 'retry' | 'appointments';

/** A refusal shown on the confirm page: a headline, the server's own explanation, and its code. */
export interface BookingFailure {
  code: string;
  title: string;
  message: string;
  remedy: BookingRemedy;
}

/**
 * Headlines for the refusals of `POST /appointments` (codes of `BookingErrorCodeSchema`). The
 * server's message (Chinese, it names the rule and says what to do) is shown beneath.
 */
const KNOWN: Record<string, { title: string; remedy: BookingRemedy }> = {
  slot_unavailable: { title: '该时段已被约满', remedy: 'pick' },
  slot_not_found: { title: '该号源已不存在', remedy: 'pick' },
  booking_not_open: { title: '尚未放号', remedy: 'pick' },
  booking_closed: { title: '该时段已停止在线预约', remedy: 'pick' },
  session_stopped: { title: '医生该时段停诊', remedy: 'pick' },
  channel_reserved: { title: '该号为预留号', remedy: 'pick' },
  duplicate_doctor_day: { title: '当天已预约过这位医生', remedy: 'appointments' },
  active_limit_reached: { title: '未就诊的预约已达上限', remedy: 'appointments' },
  booking_paused_no_show: { title: '在线预约已暂停', remedy: 'appointments' },
  rate_limited: { title: '操作过于频繁', remedy: 'retry' },
};

/** Turns a failed booking into what the confirm page shows. */
export function bookingFailure(error: ApiError): BookingFailure {
  const known = KNOWN[error.code];
  if (known) return { code: error.code, message: error.message, ...known };
  const transport = error.kind === 'network' || error.kind === 'timeout' || error.status >= 500;
  return { code: error.code, title: transport ? '提交失败' : '暂时无法预约', message: error.message, remedy: transport ? 'retry' : 'pick' };
}
