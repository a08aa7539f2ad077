import { randomUUID } from 'node:crypto';
import type { SessionPlacesAdd, SessionPlacesResult, SessionQuotaUpdate, SessionStopResult, StaffSession } from '@careloop/shared/contracts/sessions';
import { allianceScope } from '@careloop/shared/contracts/staff';
import type { AuthenticatedStaff } from '../staff-auth/index.js';
import { assignChannels } from './channels.js';
import type { BookingContext } from './context.js';
import { doctorNotFound, quotaDoesNotFit, sessionNotFound } from './errors.js';
import type { AppointmentRecord, InventorySlotRecord, SessionRecord } from './model.js';
import { offerAddedPlacesToWaitlist, placesNotSupported, placesToAdd, sessionStartedForPlaces, sessionStoppedForPlaces } from './places.js';
import { presentStaffSession } from './presenter.js';
import { referralReleaseAt } from './rules.js';
import { rulesFor } from './settings.js';
import { shanghaiText } from './shanghai.js';

/**
 * The scheduler's side of the inventory (号源管理), scoped to the staff member's institution (an
 * alliance admin sees every member; anyone else's session is a 404): a doctor's sessions with
 * their places per channel, changing how many places are kept for referrals and the priority
 * channel, and stopping a session (停诊) — every booked patient cancelled, refunded and told.
 */
export interface SessionsService {
  list(staff: AuthenticatedStaff, doctorId: string, date: string): Promise<StaffSession[]>;
  setQuota(staff: AuthenticatedStaff, sessionId: string, quota: SessionQuotaUpdate): Promise<StaffSession>;
  stop(staff: AuthenticatedStaff, sessionId: string, reason: string): Promise<SessionStopResult>;
  /** 加号: the hospital adds places to the session; they are public and bookable at once. */
  addPlaces(staff: AuthenticatedStaff, sessionId: string, request: SessionPlacesAdd): Promise<SessionPlacesResult>;
}

function inScope(staff: AuthenticatedStaff, institutionId: string): boolean {
  return staff.role === 'alliance_admin' || staff.institutionId === allianceScope || staff.institutionId === institutionId;
}

/** Creates the sessions service on the booking context. */
export function createSessions(ctx: BookingContext): SessionsService {
  const { models, clock, logger } = ctx;
  const Appointments = models.raw.appointments;

  const view = async (session: SessionRecord): Promise<StaffSession> => {
    const slots = (await models.Slot.find({ sessionId: session._id }).sort({ start: 1 }).lean().exec()) as InventorySlotRecord[];
    const doctor = await ctx.inventory.doctor(session.doctorId);
    return presentStaffSession(session, slots, doctor, referralReleaseAt(session.start, rulesFor(ctx.settings, session.institutionId)));
  };

  const loadSession = async (staff: AuthenticatedStaff, sessionId: string): Promise<SessionRecord> => {
    const session = (await models.Session.findById(sessionId).lean().exec()) as SessionRecord | null;
    if (!session || !inScope(staff, session.institutionId)) throw sessionNotFound();
    return session;
  };

  /** Ends one appointment of a stopped session: cancelled, refunded if paid, patient told. */
  const cancelForStop = async (appointment: AppointmentRecord, reason: string): Promise<'cancelled' | 'refunded' | null> => {
    const now = clock.now();
    const cancelled = (await Appointments.findOneAndUpdate(
      {
        _id: appointment._id,
        $or: [{ status: 'pending_payment', 'payment.status': 'unpaid' }, { status: { $in: ['confirming', 'booked'] } }],
      },
      {
        $set: {
          status: 'cancelled',
          cancelledAt: now,
          cancelReason: 'session_stopped',
          cancelReasonText: `医生停诊（${reason}），预约已取消${appointment.payment.status === 'paid' ? '，挂号费原路全额退还' : appointment.staffBooked ? '，挂号费未在线支付，无需退款' : ''}`,
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    )) as AppointmentRecord | null;
    if (!cancelled) return null;
    const paid = cancelled.payment.status === 'paid';
    if (paid) await ctx.refunds.request(cancelled, 'session_stopped', `医生停诊（${reason}），全额退款`);
    else if (cancelled.payment.outTradeNo) await ctx.wechatPay.closeOrder(cancelled.payment.outTradeNo).catch(() => {});
    await ctx.notifier.send(
      { accountId: cancelled.accountId, patientId: cancelled.patientId, appointmentId: cancelled._id },
      'session_stopped',
      '医生停诊通知',
      `很抱歉，${cancelled.doctor.name}医生${shanghaiText(cancelled.start)}停诊（${reason}），${cancelled.patientName}的预约已取消${paid ? `，挂号费${(cancelled.amount / 100).toFixed(2)}元将原路退还` : ''}。请改约其他医生或日期。`,
    );
    await ctx.waitlist.offerEnded(cancelled, 'cancelled');
    await ctx.lifecycle.settle(cancelled._id);
    return paid ? 'refunded' : 'cancelled';
  };

  return {
    async list(staff, doctorId, date) {
      const day = await ctx.inventory.day(doctorId, date);
      if (!inScope(staff, day.doctor.institutionId)) throw doctorNotFound();
      return Promise.all(day.sessions.map(view));
    },

    async setQuota(staff, sessionId, quota) {
      const session = await loadSession(staff, sessionId);
      const slots = (await models.Slot.find({ sessionId }).sort({ start: 1 }).lean().exec()) as InventorySlotRecord[];
      if (quota.referral + quota.priority > slots.length) {
        throw quotaDoesNotFit(`该时段共${slots.length}个号，转诊预留与优先号合计不能超过${slots.length}个`);
      }
      // Places already held or booked keep their channel; the split is made over the others.
      const fixed = slots.filter((s) => s.taken > 0);
      const free = slots.filter((s) => s.taken === 0);
      const fixedReferral = fixed.filter((s) => s.channel === 'referral').length;
      const fixedPriority = fixed.filter((s) => s.channel === 'priority').length;
      if (fixedReferral > quota.referral || fixedPriority > quota.priority) {
        throw quotaDoesNotFit(`已有${fixedReferral}个转诊号、${fixedPriority}个优先号被预约，预留数不能少于已预约数`);
      }
      const channels = assignChannels(free.length, { referral: quota.referral - fixedReferral, priority: quota.priority - fixedPriority });
      await models.Slot.bulkWrite(
        free.map((slot, i) => ({ updateOne: { filter: { _id: slot._id, taken: 0 }, update: { $set: { channel: channels[i]! } } } })),
      );
      ctx.soldOut.forget(slots.map((s) => s._id));
      logger.info({ sessionId, staffId: staff.id, ...quota }, 'session quota changed');
      return view(session);
    },

    async stop(staff, sessionId, reason) {
      const session = await loadSession(staff, sessionId);
      const now = clock.now();
      await models.Session.updateOne(
        { _id: sessionId, stopped: false },
        { $set: { stopped: true, stoppedAt: now, stopReason: reason, stoppedBy: staff.id, updatedAt: now } },
      );
      // From here no new hold can match (the hold filter requires `stopped: false`).
      await models.Slot.updateMany({ sessionId }, { $set: { stopped: true } });
      // Re-read, so the answer names the stop rather than a sold-out place.
      ctx.soldOut.forget((await models.Slot.find({ sessionId }, { _id: 1 }).lean().exec()).map((s) => s._id));
      const open = (await Appointments.find({ sessionId, status: { $in: ['pending_payment', 'confirming', 'booked'] } }).toArray()) as AppointmentRecord[];
      let cancelled = 0;
      let refunds = 0;
      for (const appointment of open) {
        const outcome = await cancelForStop(appointment, reason);
        if (outcome) cancelled += 1;
        if (outcome === 'refunded') refunds += 1;
      }
      logger.info({ sessionId, staffId: staff.id, cancelled, refunds }, 'session stopped');
      const stopped = (await models.Session.findById(sessionId).lean().exec()) as SessionRecord;
      return { session: await view(stopped ?? session), cancelled, refunds };
    },

    async addPlaces(staff, sessionId, request) {
      const session = await loadSession(staff, sessionId);
      if (session.stopped) throw sessionStoppedForPlaces();
      if (session.start.getTime() <= clock.now().getTime()) throw sessionStartedForPlaces();
      if (!ctx.hospital.addSlots) throw placesNotSupported();
      const places = await models.Slot.countDocuments({ sessionId, hospitalStatus: { $ne: 'gone' } });
      const count = placesToAdd(request, places);
      // The session's times run from its first slot's start to its last slot's end.
      const added = await ctx.hospital.addSlots(
        session.doctorId,
        { start: session.start.toISOString(), end: session.end.toISOString() },
        count,
        { idempotencyKey: `places-${randomUUID()}` },
      );
      // Staff action on the schedule: who added how many, to which session (no patient data).
      logger.info({ sessionId, staffId: staff.id, staffRole: staff.role, requested: request, added: added.length, places }, 'session places added');
      // The new slots join the inventory as public places (a known session's new slots are public).
      await ctx.inventory.syncDay(session.doctorId, session.date);
      const offered = await offerAddedPlacesToWaitlist(ctx, added.map((slot) => slot.id), session.institutionId);
      if (offered > 0) logger.info({ sessionId, offered }, 'added places offered to the waitlist');
      const updated = ((await models.Session.findById(sessionId).lean().exec()) as SessionRecord | null) ?? session;
      return { session: await view(updated), added: added.length };
    },
  };
}
