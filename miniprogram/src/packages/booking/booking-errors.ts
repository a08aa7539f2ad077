import type { ApiError } from '../../services/api-error';

/** A refusal shown on the confirm page: a headline, the server's own explanation, and its code. */
export interface BookingFailure {
  code: string;
  title: string;
  message: string;
  /** Whether choosing another slot may help (a lost race, a closed slot). */
  pickAnother: boolean;
}

/**
 * Headlines for the refusals of `POST /appointments`. The server's message (Chinese, it says
 * what rule applies and what to do) is shown beneath; unknown codes fall back to a plain one.
 */
const TITLES: Record<string, { title: string; pickAnother: boolean }> = {
  slot_unavailable: { title: '该时段已被约满', pickAnother: true },
  rate_limited: { title: '操作过于频繁', pickAnother: false },
};

/** Turns a failed booking into what the confirm page shows. */
export function bookingFailure(error: ApiError): BookingFailure {
  const known = TITLES[error.code];
  if (known) return { code: error.code, message: error.message, ...known };
  const transport = error.kind === 'network' || error.kind === 'timeout';
  return {
    code: error.code,
    title: transport ? '提交失败' : '暂时无法预约',
    message: error.message,
    // A rule (one a day per doctor, too many active, booking paused…) does not go away with
    // another slot of the same day, but the patient may still want to look.
    pickAnother: !transport,
  };
}
