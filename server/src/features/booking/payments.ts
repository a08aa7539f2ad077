import { bookingResultPage, type PaymentParams } from '@careloop/shared/contracts/appointments';
import type { Types } from 'mongoose';
import { AppError } from '../../http/errors.js';
import type { WechatPayNotifyRequest, WechatTransaction } from '../../integrations/wechatpay/port.js';
import type { AppointmentsService } from './appointments.js';
import type { BookingContext } from './context.js';
import {
  amountMismatch,
  invalidNotification,
  invalidSignature,
  merchantMismatch,
  notPayable,
  paymentExpired,
  unknownOrder,
} from './errors.js';
import type { AppointmentRecord } from './model.js';
import { statusTexts } from './presenter.js';
import { shanghaiIso, shanghaiText } from './shanghai.js';

/**
 * Payment with WeChat Pay v3 (JSAPI): the order of an appointment (`out_trade_no` =
 * `CL<appointment id>`, so paying twice re-obtains the same order), the payment notify (verified,
 * checked against our order, applied once however often and in whatever order it comes), and
 * the order query for notifies that never came. A payment that lands after the hold was
 * released is refunded; one that lands in time starts the registration at the hospital.
 */
export interface Payments {
  pay(accountId: string, appointmentId: string): Promise<PaymentParams>;
  /** A notify as received (raw body): throws 401/400/404 for anything we must not apply. */
  notify(request: WechatPayNotifyRequest): Promise<void>;
  /** Applies an order's state as WeChat Pay reports it (notify or query); idempotent. */
  applyTransaction(transaction: WechatTransaction): Promise<'applied' | 'duplicate' | 'ignored'>;
  /** Before a hold expires: was it paid after all (notify lost)? Applies it and says so. */
  settleBeforeExpiry(appointment: AppointmentRecord): Promise<boolean>;
  closeOrder(outTradeNo: string): Promise<void>;
  /** The order-query job: unpaid orders older than a minute are asked about. */
  queryPending(): Promise<number>;
}

/** Our order number of an appointment: 26 characters of [0-9A-Za-z], unique per appointment. */
export function outTradeNoOf(appointmentId: Types.ObjectId): string {
  return `CL${appointmentId.toHexString()}`;
}

/** 502: WeChat Pay did not take the order (down, or refused it). */
function paymentUnavailable(cause: unknown): AppError {
  return new AppError('payment_unavailable', 502, '微信支付暂时无法下单，请稍后再试', { cause });
}

/** Creates payments on the booking context. */
export function createPayments(ctx: BookingContext, appointments: () => AppointmentsService): Payments {
  const { models, wechatPay, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const applyTransaction: Payments['applyTransaction'] = async (transaction) => {
    const appointment = (await Appointments.findOne({ 'payment.outTradeNo': transaction.outTradeNo })) as AppointmentRecord | null;
    if (!appointment) throw unknownOrder();
    if (transaction.appid !== wechatPay.appid || transaction.mchid !== wechatPay.mchid) throw merchantMismatch();
    if (transaction.amountTotal !== appointment.amount) {
      logger.error(
        { appointmentId: appointment._id.toHexString(), ours: appointment.amount, theirs: transaction.amountTotal },
        'payment amount differs from our order; not applied',
      );
      throw amountMismatch();
    }
    if (transaction.tradeState !== 'SUCCESS') return 'ignored';
    const now = clock.now();
    const paid = (await Appointments.findOneAndUpdate(
      { _id: appointment._id, 'payment.status': { $ne: 'paid' } },
      {
        $set: {
          'payment.status': 'paid',
          'payment.transactionId': transaction.transactionId ?? null,
          'payment.paidAt': transaction.successTime ? new Date(transaction.successTime) : now,
          'payment.paidAmount': transaction.amountTotal,
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    )) as AppointmentRecord | null;
    if (!paid) return 'duplicate';
    logger.info({ appointmentId: paid._id.toHexString() }, 'payment received');
    if (paid.status === 'pending_payment') {
      const deadline = new Date(now.getTime() + ctx.settings.registrationDeadlineMinutes * 60_000);
      const confirming = (await Appointments.findOneAndUpdate(
        { _id: paid._id, status: 'pending_payment' },
        {
          $set: {
            status: 'confirming',
            'hospital.registration': 'confirming',
            'hospital.attempts': 0,
            'hospital.nextAttemptAt': now,
            'hospital.deadline': deadline,
            updatedAt: now,
          },
        },
        { returnDocument: 'after' },
      )) as AppointmentRecord | null;
      if (confirming) {
        await ctx.waitlist.offerEnded(confirming, 'booked');
        ctx.registration.begin(confirming._id);
        return 'applied';
      }
    }
    // Paid after the hold was released (expired, or cancelled meanwhile): the money goes back.
    const current = (await Appointments.findOne({ _id: paid._id })) as AppointmentRecord;
    if (current.status === 'expired' || current.status === 'cancelled') {
      await ctx.refunds.request(current, 'paid_after_release', '支付到账时预约已超时释放或已取消，全额退款');
      await ctx.notifier.send(
        { accountId: current.accountId, patientId: current.patientId, appointmentId: current._id },
        'paid_after_release_refunded',
        '支付已退回',
        `${current.patientName}的${shanghaiText(current.start)} ${current.doctor.name}预约在支付到账前已${current.status === 'expired' ? '超时释放' : '取消'}，已支付的${(transaction.amountTotal / 100).toFixed(2)}元将原路退还。`,
      );
    }
    return 'applied';
  };

  const closeOrder: Payments['closeOrder'] = async (outTradeNo) => {
    try {
      await wechatPay.closeOrder(outTradeNo);
    } catch (error) {
      // The order cannot be paid after `time_expire` (our payBy) anyway; a late payment is refunded.
      logger.warn({ err: error, outTradeNo }, 'closing the WeChat Pay order failed');
    }
  };

  return {
    async pay(accountId, appointmentId) {
      const appointment = await appointments().load(accountId, appointmentId, 'write');
      const now = clock.now();
      if (appointment.status !== 'pending_payment' || appointment.payment.status !== 'unpaid') {
        throw notPayable(statusTexts[appointment.status]);
      }
      if (appointment.payBy.getTime() <= now.getTime()) throw paymentExpired();
      const outTradeNo = outTradeNoOf(appointment._id);
      if (appointment.payment.outTradeNo === null) {
        await Appointments.updateOne(
          { _id: appointment._id, 'payment.outTradeNo': null },
          { $set: { 'payment.outTradeNo': outTradeNo, 'payment.orderedAt': now, updatedAt: now } },
        );
      }
      const payerOpenid = await ctx.accounts.openidOf(accountId);
      if (payerOpenid === null) throw new AppError('payer_unknown', 409, '未找到您的微信身份，请重新登录后再支付');
      let params;
      try {
        params = await wechatPay.createJsapiOrder({
          outTradeNo,
          description: `${appointment.institution.name}-${appointment.department.name}-${appointment.doctor.name} 挂号费`.slice(0, 127),
          amount: appointment.amount,
          payerOpenid,
          timeExpire: shanghaiIso(appointment.payBy),
          attach: appointment._id.toHexString(),
        });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw paymentUnavailable(error);
      }
      const result: PaymentParams = {
        appointmentId: appointment._id.toHexString(),
        outTradeNo,
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType,
        paySign: params.paySign,
      };
      if (ctx.cashier) {
        const returnUrl = `${ctx.appUrl?.() ?? ''}${bookingResultPage(appointment._id.toHexString())}`;
        result.sandboxCashierUrl = ctx.cashier.urlFor({ prepayId: params.package.replace(/^prepay_id=/, ''), outTradeNo, returnUrl });
      }
      return result;
    },

    async notify(request) {
      let notification;
      try {
        notification = await wechatPay.verifyNotification(request);
      } catch (cause) {
        if ((cause as { code?: unknown }).code === 'invalid_signature') throw invalidSignature({ cause });
        throw invalidNotification({ cause });
      }
      if (notification.kind === 'transaction') {
        await applyTransaction(notification.transaction);
      } else {
        await ctx.refunds.apply(notification.refund);
      }
      // The audit trail of what WeChat Pay told us, once per notify id (retries repeat the id).
      await models.raw.paymentEvents
        .insertOne({
          _id: notification.id,
          eventType: notification.eventType,
          outTradeNo: notification.kind === 'transaction' ? notification.transaction.outTradeNo : notification.refund.outTradeNo,
          outRefundNo: notification.kind === 'refund' ? notification.refund.outRefundNo : null,
          receivedAt: clock.now(),
        })
        .catch((error: unknown) => {
          if ((error as { code?: unknown }).code !== 11000) throw error;
        });
    },

    applyTransaction,

    async settleBeforeExpiry(appointment) {
      if (appointment.payment.outTradeNo === null) return false;
      try {
        const transaction = await wechatPay.queryOrder(appointment.payment.outTradeNo);
        if (transaction?.tradeState !== 'SUCCESS') return false;
        await applyTransaction(transaction);
        return true;
      } catch (error) {
        logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'order query before expiry failed; expiring');
        return false;
      }
    },

    closeOrder,

    async queryPending() {
      const now = clock.now();
      const open = (await Appointments.find({
        status: 'pending_payment',
        'payment.status': 'unpaid',
        'payment.outTradeNo': { $type: 'string' },
        'payment.orderedAt': { $lte: new Date(now.getTime() - 60_000) },
      })
        .limit(200)
        .toArray()) as AppointmentRecord[];
      for (const appointment of open) {
        try {
          const transaction = await wechatPay.queryOrder(appointment.payment.outTradeNo!);
          if (transaction) await applyTransaction(transaction);
        } catch (error) {
          logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'order query failed');
        }
      }
      return open.length;
    },
  };
}
