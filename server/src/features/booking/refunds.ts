import type { Types } from 'mongoose';
import type { WechatRefund } from '../../integrations/wechatpay/port.js';
import type { BookingContext } from './context.js';
import { amountMismatch, unknownOrder } from './errors.js';
import type { AppointmentRecord, AppointmentRefund } from './model.js';

/**
 * Refunds through WeChat Pay. Each appointment is refunded at most once, in full, under the
 * stable `out_refund_no` `RF<appointment id>`: asking again (a retry, the refund job, a second
 * path reaching the same decision) can never pay out twice. The refund is tracked until WeChat
 * Pay says it succeeded — by its refund notify or by the refund job's query.
 */
export interface Refunds {
  /** Decides the refund of a paid appointment (once) and asks WeChat Pay for it. */
  request(appointment: AppointmentRecord, reason: AppointmentRefund['reason'], reasonText: string): Promise<void>;
  /** Applies a refund as WeChat Pay reports it (notify or query). */
  apply(refund: WechatRefund): Promise<void>;
  /** The refund job: resubmits refunds WeChat Pay has not accepted, queries those in progress. */
  track(): Promise<number>;
}

/** Our refund number of an appointment (≤ 64 chars, stable). */
export function outRefundNoOf(appointmentId: Types.ObjectId): string {
  return `RF${appointmentId.toHexString()}`;
}

/** Creates refunds on the booking context. */
export function createRefunds(ctx: BookingContext): Refunds {
  const { models, wechatPay, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const apply: Refunds['apply'] = async (refund) => {
    const appointment = (await Appointments.findOne({ 'refund.outRefundNo': refund.outRefundNo })) as AppointmentRecord | null;
    if (!appointment?.refund) throw unknownOrder();
    if (refund.refund !== appointment.refund.amount) {
      logger.error({ appointmentId: appointment._id.toHexString(), ours: appointment.refund.amount, theirs: refund.refund }, 'refund amount differs from ours');
      throw amountMismatch();
    }
    if (refund.status === 'SUCCESS') {
      await Appointments.updateOne(
        { _id: appointment._id, 'refund.status': 'processing' },
        {
          $set: {
            'refund.status': 'succeeded',
            'refund.submitted': true,
            'refund.succeededAt': refund.successTime ? new Date(refund.successTime) : clock.now(),
            updatedAt: clock.now(),
          },
        },
      );
    } else if (refund.status === 'CLOSED' || refund.status === 'ABNORMAL') {
      // The money did not go back (e.g. the payer's card closed): staff settle it by hand.
      logger.error({ appointmentId: appointment._id.toHexString(), status: refund.status }, 'refund failed at WeChat Pay; staff must handle it');
      await Appointments.updateOne(
        { _id: appointment._id, 'refund.status': 'processing' },
        { $set: { 'refund.status': 'failed', 'refund.submitted': true, updatedAt: clock.now() } },
      );
    }
  };

  const submit = async (appointment: AppointmentRecord): Promise<void> => {
    const refund = appointment.refund;
    if (!refund || refund.status !== 'processing' || appointment.payment.outTradeNo === null) return;
    try {
      const result = await wechatPay.createRefund({
        outTradeNo: appointment.payment.outTradeNo,
        outRefundNo: refund.outRefundNo,
        refund: refund.amount,
        total: appointment.payment.paidAmount ?? appointment.amount,
        reason: refund.reasonText,
      });
      await Appointments.updateOne({ _id: appointment._id }, { $set: { 'refund.submitted': true, updatedAt: clock.now() } });
      await apply(result);
    } catch (error) {
      logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'refund request failed; the refund job asks again');
    }
  };

  return {
    async request(appointment, reason, reasonText) {
      const now = clock.now();
      const decided = (await Appointments.findOneAndUpdate(
        { _id: appointment._id, refund: null, 'payment.status': 'paid' },
        {
          $set: {
            refund: {
              outRefundNo: outRefundNoOf(appointment._id),
              status: 'processing',
              amount: appointment.payment.paidAmount ?? appointment.amount,
              requestedAt: now,
              succeededAt: null,
              reason,
              reasonText,
              submitted: false,
            } satisfies AppointmentRefund,
            updatedAt: now,
          },
        },
        { returnDocument: 'after' },
      )) as AppointmentRecord | null;
      if (!decided) return;
      logger.info({ appointmentId: appointment._id.toHexString(), reason }, 'refund requested');
      await submit(decided);
    },

    apply,

    async track() {
      const open = (await Appointments.find({ 'refund.status': 'processing' }).limit(500).toArray()) as AppointmentRecord[];
      for (const appointment of open) {
        const refund = appointment.refund!;
        if (!refund.submitted) {
          await submit(appointment);
          continue;
        }
        try {
          const found = await wechatPay.queryRefund(refund.outRefundNo);
          if (found === null) {
            // WeChat Pay never got it (the request's answer was lost): ask again, same number.
            await Appointments.updateOne({ _id: appointment._id }, { $set: { 'refund.submitted': false } });
            await submit({ ...appointment, refund: { ...refund, submitted: false } });
          } else {
            await apply(found);
          }
        } catch (error) {
          logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'refund query failed; trying again later');
        }
      }
      return open.length;
    },
  };
}
