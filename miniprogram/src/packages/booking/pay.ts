import Taro from '@tarojs/taro';
import { ApiError } from '../../services/api-error';
import { bookingApi } from './booking-api';

/**
 * How a payment attempt ended on this device:
 * - `paid` — WeChat Pay said so; the server still waits for the signed notify, so the result
 *   page polls until the registration is confirmed;
 * - `cancelled` — the person closed the payment sheet; the hold stays until `payBy`;
 * - `left` — (H5) the window is on its way to the sandbox cashier, which sends the person back
 *   to the result page afterwards.
 */
export type PayOutcome = 'paid' | 'cancelled' | 'left';

/** Texts for the ways paying can fail on the device (server errors keep their own message). */
export const PAY_ERROR_TEXT = {
  h5Unsupported: '网页版无法调起微信支付，请在微信小程序中打开后支付',
  failed: '支付未完成，请稍后在预约详情中重新支付',
} as const;

/**
 * Pays for an appointment held for payment: `POST /appointments/:id/pay`, then the platform's
 * way to pay. In the mini-program that is `Taro.requestPayment` with the signed parameters; the
 * H5 app has no WeChat Pay, so when the sandbox offers its cashier page the window goes there.
 */
export async function payAppointment(appointmentId: string): Promise<PayOutcome> {
  const params = await bookingApi.pay(appointmentId);
  if (process.env.TARO_ENV === 'h5') {
    if (!params.sandboxCashierUrl) {
      throw new ApiError({ kind: 'http', code: 'pay_unsupported', message: PAY_ERROR_TEXT.h5Unsupported });
    }
    window.location.assign(params.sandboxCashierUrl);
    return 'left';
  }
  try {
    await Taro.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
    });
    return 'paid';
  } catch (cause) {
    const errMsg = cause && typeof cause === 'object' && 'errMsg' in cause ? String(cause.errMsg) : '';
    // WeChat reports a closed payment sheet as "requestPayment:fail cancel".
    if (/cancel/i.test(errMsg)) return 'cancelled';
    throw new ApiError({ kind: 'http', code: 'pay_failed', message: PAY_ERROR_TEXT.failed, cause });
  }
}
