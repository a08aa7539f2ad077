import type { ReconciliationKind, ReconciliationReport } from '@careloop/shared/contracts/reconciliation';
import { allianceScope } from '@careloop/shared/contracts/staff';
import type { AuthenticatedStaff } from '../staff-auth/index.js';
import type { BookingContext } from './context.js';
import type { AppointmentRecord, ReconciliationMismatchRecord } from './model.js';
import { addDays, shanghaiDate, shanghaiDayStart, shanghaiIso } from './shanghai.js';

/**
 * Reconciliation (对账) of one Shanghai day: our payments and refunds against the WeChat Pay
 * trade bill of that day, and the hospital registrations of what we took money for. Mismatches
 * are stored per day (a re-run replaces them) and listed for staff.
 */
export interface Reconciliation {
  /** Compares one day; returns the mismatches found. */
  run(date: string): Promise<ReconciliationMismatchRecord[]>;
  /** The report of a day for a staff member (their institution's items; unattributable ones for alliance admins). */
  report(staff: AuthenticatedStaff, date?: string): Promise<ReconciliationReport>;
}

/** Mismatch kinds in Chinese. */
export const mismatchTexts: Readonly<Record<ReconciliationKind, string>> = {
  missing_in_bill: '我方已收款，微信支付账单中没有',
  unknown_in_bill: '微信支付账单有收款，我方没有该订单',
  amount_mismatch: '金额不一致',
  refund_missing_in_bill: '我方退款成功，微信支付账单中没有',
  unknown_refund_in_bill: '微信支付账单有退款，我方没有该退款',
  registration_missing: '已收款已预约，医院无有效挂号',
  registration_not_cancelled: '已取消退款，医院挂号未取消',
};

/** Creates reconciliation on the booking context. */
export function createReconciliation(ctx: BookingContext): Reconciliation {
  const { models, wechatPay, hospital, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  return {
    async run(date) {
      const from = shanghaiDayStart(date);
      const to = shanghaiDayStart(addDays(date, 1));
      const lines = await wechatPay.tradeBill(date).catch((error: unknown) => {
        // A day without a single payment or refund has no bill at all.
        if ((error as { wechatCode?: unknown }).wechatCode === 'NO_STATEMENT_EXIST') return [];
        throw error;
      });
      const now = clock.now();
      const found: ReconciliationMismatchRecord[] = [];
      const add = (
        kind: ReconciliationKind,
        ref: string,
        fields: Partial<Omit<ReconciliationMismatchRecord, '_id' | 'date' | 'kind' | 'detectedAt'>>,
      ): void => {
        found.push({
          _id: `${date}|${kind}|${ref}`,
          date,
          kind,
          outTradeNo: null,
          outRefundNo: null,
          appointmentId: null,
          institutionId: null,
          ours: null,
          theirs: null,
          detectedAt: now,
          ...fields,
        });
      };

      const paid = (await Appointments.find({ 'payment.paidAt': { $gte: from, $lt: to } }).toArray()) as AppointmentRecord[];
      const refunded = (await Appointments.find({ 'refund.status': 'succeeded', 'refund.succeededAt': { $gte: from, $lt: to } }).toArray()) as AppointmentRecord[];
      const billPayments = new Map(lines.filter((l) => l.tradeState === 'SUCCESS').map((l) => [l.outTradeNo, l.amount]));
      const billRefunds = new Map(
        lines.filter((l) => l.tradeState === 'REFUND' && l.outRefundNo !== undefined).map((l) => [l.outRefundNo!, l.refundAmount ?? l.amount]),
      );

      for (const appointment of paid) {
        const outTradeNo = appointment.payment.outTradeNo!;
        const ours = appointment.payment.paidAmount ?? appointment.amount;
        const common = { outTradeNo, appointmentId: appointment._id.toHexString(), institutionId: appointment.institutionId, ours };
        const theirs = billPayments.get(outTradeNo);
        if (theirs === undefined) add('missing_in_bill', outTradeNo, common);
        else if (theirs !== ours) add('amount_mismatch', outTradeNo, { ...common, theirs });
        billPayments.delete(outTradeNo);
      }
      for (const [outTradeNo, theirs] of billPayments) {
        // Paid on this day by the bill, on another by our clock (midnight), or really unknown.
        const ourOrder = (await Appointments.findOne({ 'payment.outTradeNo': outTradeNo })) as AppointmentRecord | null;
        if (ourOrder?.payment.status === 'paid') {
          const ours = ourOrder.payment.paidAmount ?? ourOrder.amount;
          if (ours !== theirs) add('amount_mismatch', outTradeNo, { outTradeNo, appointmentId: ourOrder._id.toHexString(), institutionId: ourOrder.institutionId, ours, theirs });
          continue;
        }
        add('unknown_in_bill', outTradeNo, { outTradeNo, theirs, ...(ourOrder ? { appointmentId: ourOrder._id.toHexString(), institutionId: ourOrder.institutionId } : {}) });
      }
      for (const appointment of refunded) {
        const refund = appointment.refund!;
        const common = { outTradeNo: appointment.payment.outTradeNo, outRefundNo: refund.outRefundNo, appointmentId: appointment._id.toHexString(), institutionId: appointment.institutionId, ours: refund.amount };
        const theirs = billRefunds.get(refund.outRefundNo);
        if (theirs === undefined) add('refund_missing_in_bill', refund.outRefundNo, common);
        else if (theirs !== refund.amount) add('amount_mismatch', refund.outRefundNo, { ...common, theirs });
        billRefunds.delete(refund.outRefundNo);
      }
      for (const [outRefundNo, theirs] of billRefunds) {
        const ours = (await Appointments.findOne({ 'refund.outRefundNo': outRefundNo })) as AppointmentRecord | null;
        if (ours?.refund?.status === 'succeeded') continue;
        add('unknown_refund_in_bill', outRefundNo, { outRefundNo, theirs, ...(ours ? { appointmentId: ours._id.toHexString(), institutionId: ours.institutionId } : {}) });
      }

      if (hospital.getRegistration) {
        for (const appointment of paid) {
          const registrationId = appointment.hospital.registrationId;
          if (registrationId === null) continue;
          const common = { outTradeNo: appointment.payment.outTradeNo, appointmentId: appointment._id.toHexString(), institutionId: appointment.institutionId };
          try {
            const registration = await hospital.getRegistration(registrationId);
            // A visit that already happened is still a registration the hospital made (seen or not).
            const registered = registration?.status === 'booked' || registration?.status === 'completed' || registration?.status === 'no_show';
            if (appointment.status === 'booked' && !registered) add('registration_missing', appointment._id.toHexString(), common);
            if (appointment.status === 'cancelled' && appointment.hospital.cancel === 'done' && registration?.status === 'booked') {
              add('registration_not_cancelled', appointment._id.toHexString(), common);
            }
          } catch (error) {
            logger.warn({ err: error, appointmentId: appointment._id.toHexString() }, 'reconciliation could not read the registration');
          }
        }
      }

      await models.Mismatch.deleteMany({ date });
      if (found.length > 0) await models.Mismatch.insertMany(found);
      await models.ReconciliationRun.updateOne(
        { _id: date },
        { $set: { ranAt: now, payments: paid.length, refunds: refunded.length, mismatches: found.length } },
        { upsert: true },
      );
      if (found.length > 0) logger.warn({ date, mismatches: found.length }, 'reconciliation found mismatches');
      return found;
    },

    async report(staff, date) {
      const day = date ?? addDays(shanghaiDate(clock.now()), -1);
      const everything = staff.role === 'alliance_admin' || staff.institutionId === allianceScope;
      const items = (await models.Mismatch.find(everything ? { date: day } : { date: day, institutionId: staff.institutionId })
        .sort({ kind: 1, _id: 1 })
        .lean()
        .exec()) as ReconciliationMismatchRecord[];
      const run = await models.ReconciliationRun.findById(day).lean().exec();
      return {
        date: day,
        ranAt: run ? shanghaiIso(run.ranAt) : null,
        compared: { payments: run?.payments ?? 0, refunds: run?.refunds ?? 0 },
        items: items.map((m) => ({
          id: m._id,
          date: m.date,
          kind: m.kind,
          kindText: mismatchTexts[m.kind],
          outTradeNo: m.outTradeNo,
          outRefundNo: m.outRefundNo,
          appointmentId: m.appointmentId,
          institutionId: m.institutionId,
          ours: m.ours,
          theirs: m.theirs,
          detectedAt: shanghaiIso(m.detectedAt),
        })),
      };
    },
  };
}
