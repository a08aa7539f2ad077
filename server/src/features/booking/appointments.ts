import type { AppointmentCreate, AppointmentView } from '@careloop/shared/contracts/appointments';
import type { Filter } from 'mongodb';
import { Types } from 'mongoose';
import type { BookingContext } from './context.js';
import {
  appointmentNotFound,
  cancelCutoffPassed,
  notCancellable,
  pausedForNoShows,
  slotNotBookable,
  slotNotFound,
  slotUnavailable,
} from './errors.js';
import type { AppointmentRecord, InventorySlotRecord } from './model.js';
import { bookingPatient } from './patient-ref.js';
import { countAttempt } from './rate-limit.js';
import { cancelDecision, noShowLookbackMs, noShowPausedUntil, slotAvailability } from './rules.js';
import { rulesFor } from './settings.js';
import { shanghaiText } from './shanghai.js';

/**
 * A patient's appointments: book (hold a place and lock it at the hospital), list, view, cancel,
 * and the expiry of unpaid holds. Every call is made as the signed-in account; access to an
 * appointment is access to its patient (the patients service's policy), so another account's
 * appointment is a 404 like one that does not exist.
 */
export interface AppointmentsService {
  book(accountId: string, input: AppointmentCreate): Promise<AppointmentRecord>;
  list(accountId: string, view: AppointmentView): Promise<AppointmentRecord[]>;
  get(accountId: string, appointmentId: string): Promise<AppointmentRecord>;
  cancel(accountId: string, appointmentId: string, reason?: string): Promise<AppointmentRecord>;
  /**
   * Loads an appointment the account may act for (`write`: pay, cancel) or see (`read`);
   * 404 otherwise. For the payment routes.
   */
  load(accountId: string, appointmentId: string, action: 'read' | 'write'): Promise<AppointmentRecord>;
  /** The hold-expiry job: unpaid holds past `payBy` are expired and their places released. */
  expireHolds(): Promise<number>;
}

/** Creates the appointments service on the booking context. */
export function createAppointments(
  ctx: BookingContext,
  payments: { settleBeforeExpiry(appointment: AppointmentRecord): Promise<boolean>; closeOrder(outTradeNo: string): Promise<void> },
): AppointmentsService {
  const { models, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const load: AppointmentsService['load'] = async (accountId, appointmentId, action) => {
    if (!/^[0-9a-f]{24}$/i.test(appointmentId)) throw appointmentNotFound();
    const appointment = (await Appointments.findOne({ _id: new Types.ObjectId(appointmentId) })) as AppointmentRecord | null;
    if (!appointment) throw appointmentNotFound();
    try {
      await ctx.patients.authorize(accountId, appointment.patientId.toHexString(), action);
    } catch (error) {
      // Someone else's patient, or a patient removed since: the appointment is not theirs to see.
      if ((error as { status?: unknown }).status === 404) throw appointmentNotFound();
      throw error;
    }
    return appointment;
  };

  /** What every end of a held place shares: the waitlist entry follows, the place goes back. */
  const afterEnd = async (ended: AppointmentRecord, waitlistOutcome: 'expired' | 'cancelled'): Promise<void> => {
    await ctx.waitlist.offerEnded(ended, waitlistOutcome);
    await ctx.lifecycle.settle(ended._id);
  };

  /** One booking attempt, in the slot's turn. */
  const attemptBooking = async (accountId: string, input: AppointmentCreate): Promise<AppointmentRecord> => {
    if (ctx.soldOut.has(input.slotId)) throw slotUnavailable();
    const now = clock.now();
    const slot = (await models.raw.slots.findOne({ _id: input.slotId })) as InventorySlotRecord | null;
    const rules = rulesFor(ctx.settings, slot?.institutionId ?? '');
    await countAttempt(models, 'account', accountId, now, rules.attemptsPerMinute);
    if (!slot) throw slotNotFound();
    const channel = input.channel ?? 'public';
    if (channel !== 'public') {
      // Referral and priority places are booked by staff (referral coordinators, schedulers).
      throw slotNotBookable(channel === 'referral' ? 'referral_reserved' : 'priority_reserved');
    }
    // A place that is gone is refused before the patient is read (the slot's state is public;
    // the patient is only read for a real try).
    const availability = slotAvailability(slot, now, rules, channel);
    if (!availability.bookable) {
      if (availability.reason === 'booked_out') ctx.soldOut.add(slot._id);
      throw slotNotBookable(availability.reason, availability.opensAt);
    }
    const patient = await bookingPatient(ctx.patients, accountId, input.patientId);
    await countAttempt(models, 'patient', patient.id, now, rules.attemptsPerMinute);

    const noShows = (await Appointments.find(
      { patientId: new Types.ObjectId(patient.id), status: 'no_show', start: { $gt: new Date(now.getTime() - noShowLookbackMs(rules)) } },
      { projection: { start: 1 } },
    ).toArray()) as Array<{ start: Date }>;
    const pausedUntil = noShowPausedUntil(noShows.map((a) => a.start), now, rules);
    if (pausedUntil) throw pausedForNoShows(pausedUntil, rules.noShow);

    const doctor = await ctx.inventory.doctor(slot.doctorId);
    const appointment = await ctx.lifecycle.hold({
      patient,
      slot,
      doctor,
      channel,
      bookedBy: 'patient',
      payWithinMinutes: rules.payWithinMinutes,
    });
    logger.info({ appointmentId: appointment._id.toHexString(), slotId: slot._id }, 'place held');
    return appointment;
  };

  return {
    async book(accountId, input) {
      // In a rush almost every request is for a place already gone: answered from memory, and
      // attempts on one slot take turns so those queued behind a winner need no database work.
      if (ctx.soldOut.has(input.slotId)) throw slotUnavailable();
      return ctx.turns.take(input.slotId, () => attemptBooking(accountId, input));
    },

    async list(accountId, view) {
      const patients = await ctx.patients.list(accountId);
      const ids = patients.map((p) => new Types.ObjectId(p.id));
      const now = clock.now();
      const filter: Filter<AppointmentRecord> =
        view === 'upcoming'
          ? { patientId: { $in: ids }, status: { $in: ['pending_payment', 'confirming', 'booked'] }, end: { $gt: now } }
          : view === 'past'
            ? {
                patientId: { $in: ids },
                $or: [{ status: { $in: ['completed', 'no_show'] } }, { status: { $in: ['booked', 'confirming'] }, end: { $lte: now } }],
              }
            : { patientId: { $in: ids }, status: { $in: ['cancelled', 'expired'] } };
      return (await Appointments.find(filter)
        .sort(view === 'upcoming' ? { start: 1, _id: 1 } : { start: -1, _id: -1 })
        .limit(200)
        .toArray()) as AppointmentRecord[];
    },

    get: (accountId, appointmentId) => load(accountId, appointmentId, 'read'),
    load,

    async cancel(accountId, appointmentId, reason) {
      const appointment = await load(accountId, appointmentId, 'write');
      const now = clock.now();
      const rules = rulesFor(ctx.settings, appointment.institutionId);
      const decision = cancelDecision(appointment, now, rules);
      if (!decision.allowed) {
        throw decision.refusal === 'cutoff' ? cancelCutoffPassed(decision.ruleText, decision.freeUntil) : notCancellable(decision.ruleText);
      }
      const reasonText = `您已取消预约${reason ? `（${reason}）` : ''}`;
      const set = { status: 'cancelled' as const, cancelledAt: now, cancelReason: 'patient_cancelled', updatedAt: now };
      if (appointment.status === 'pending_payment') {
        const cancelled = (await Appointments.findOneAndUpdate(
          { _id: appointment._id, status: 'pending_payment', 'payment.status': 'unpaid' },
          { $set: { ...set, cancelReasonText: `${reasonText}，未产生费用` } },
          { returnDocument: 'after' },
        )) as AppointmentRecord | null;
        if (!cancelled) throw notCancellable('支付结果正在处理，请稍后再试');
        if (cancelled.payment.outTradeNo) await payments.closeOrder(cancelled.payment.outTradeNo);
        await afterEnd(cancelled, 'cancelled');
      } else if (appointment.payment.status !== 'paid') {
        // Booked without paying online (a priority place booked by staff: the fee is paid at the
        // hospital window): nothing was paid, so nothing is refunded.
        const cancelled = (await Appointments.findOneAndUpdate(
          { _id: appointment._id, status: 'booked', 'payment.status': { $ne: 'paid' } },
          { $set: { ...set, cancelReasonText: `${reasonText}，挂号费未在线支付，无需退款` } },
          { returnDocument: 'after' },
        )) as AppointmentRecord | null;
        if (!cancelled) throw notCancellable('预约状态已变化，请刷新后重试');
        await afterEnd(cancelled, 'cancelled');
      } else {
        const cancelled = (await Appointments.findOneAndUpdate(
          { _id: appointment._id, status: 'booked', 'payment.status': 'paid' },
          { $set: { ...set, cancelReasonText: `${reasonText}，挂号费将原路全额退还` } },
          { returnDocument: 'after' },
        )) as AppointmentRecord | null;
        if (!cancelled) throw notCancellable('预约状态已变化，请刷新后重试');
        await ctx.refunds.request(cancelled, 'patient_cancelled', '就诊人取消预约，全额退款');
        await ctx.notifier.send(
          { accountId: cancelled.accountId, patientId: cancelled.patientId, appointmentId: cancelled._id },
          'cancelled_refunded',
          '预约已取消',
          `${cancelled.patientName}的${shanghaiText(cancelled.start)} ${cancelled.doctor.name}预约已取消，挂号费${(cancelled.amount / 100).toFixed(2)}元将原路退还。`,
        );
        await afterEnd(cancelled, 'cancelled');
      }
      return (await Appointments.findOne({ _id: appointment._id })) as AppointmentRecord;
    },

    async expireHolds() {
      const now = clock.now();
      const due = (await Appointments.find({ status: 'pending_payment', payBy: { $lte: now } }).limit(500).toArray()) as AppointmentRecord[];
      let expired = 0;
      for (const appointment of due) {
        // A payment that reached WeChat Pay but whose notify has not reached us wins over expiry.
        if (await payments.settleBeforeExpiry(appointment)) continue;
        const ended = (await Appointments.findOneAndUpdate(
          { _id: appointment._id, status: 'pending_payment', 'payment.status': 'unpaid' },
          {
            $set: {
              status: 'expired',
              'payment.status': 'closed',
              cancelReason: 'payment_timeout',
              cancelReasonText: '超时未支付，号源已释放',
              updatedAt: clock.now(),
            },
          },
          { returnDocument: 'after' },
        )) as AppointmentRecord | null;
        if (!ended) continue;
        expired += 1;
        if (ended.payment.outTradeNo) await payments.closeOrder(ended.payment.outTradeNo);
        if (!ended.waitlistEntryId) {
          await ctx.notifier.send(
            { accountId: ended.accountId, patientId: ended.patientId, appointmentId: ended._id },
            'hold_expired',
            '预约已超时',
            `${ended.patientName}的${shanghaiText(ended.start)} ${ended.doctor.name}预约未在规定时间内支付，号源已释放。`,
          );
        }
        await afterEnd(ended, 'expired');
      }
      return expired;
    },
  };
}

