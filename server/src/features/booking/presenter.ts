import type {
  Appointment,
  AppointmentList,
  AppointmentStatus,
  BookingChannel,
  BookingRules,
  Slot,
  SlotListResponse,
  WaitlistEntry,
} from '@careloop/shared/contracts/appointments';
import type { WaitlistStatusSchema } from '@careloop/shared/contracts/appointments';
import type { StaffSession } from '@careloop/shared/contracts/sessions';
import type { z } from 'zod';
import type { InventoryDay } from './inventory.js';
import type { AppointmentRecord, InventorySlotRecord, SessionRecord } from './model.js';
import { cancelDecision, reasonText, ruleTexts, slotAvailability } from './rules.js';
import type { BookingRuleSettings } from './settings.js';
import { shanghaiIso } from './shanghai.js';
import type { WaitlistView } from './waitlist.js';

/**
 * What leaves the server about bookings: contract fields only, instants as ISO-8601 with the
 * Shanghai offset, money in fen, Chinese texts ready to show. Never the raw document, never
 * payment or hospital internals beyond what the patient needs.
 */

/** Appointment statuses in Chinese. */
export const statusTexts: Readonly<Record<AppointmentStatus, string>> = {
  pending_payment: '待支付',
  confirming: '挂号确认中',
  booked: '已预约',
  cancelled: '已取消',
  expired: '已过期',
  completed: '已就诊',
  no_show: '爽约',
};

const waitlistStatusTexts: Readonly<Record<z.infer<typeof WaitlistStatusSchema>, string>> = {
  waiting: '候补中',
  offered: '候补成功，待支付',
  booked: '候补成功',
  expired: '候补号源已失效',
  cancelled: '已取消候补',
};

/** The institution's rules as the confirm page shows them. */
export function presentRules(rules: BookingRuleSettings): BookingRules {
  return {
    openDaysAhead: rules.openDaysAhead,
    openTime: rules.openTime,
    payWithinMinutes: rules.payWithinMinutes,
    cancelCutoffHours: rules.cancelCutoffHours,
    closeMinutesBefore: rules.closeMinutesBefore,
    maxActivePerPatient: rules.maxActivePerPatient,
    onePerDoctorPerDay: true,
    attemptsPerMinute: rules.attemptsPerMinute,
    noShow: { ...rules.noShow },
    texts: ruleTexts(rules),
  };
}

/** One slot for a caller's channel. */
export function presentSlot(slot: InventorySlotRecord, now: Date, rules: BookingRuleSettings, channel: BookingChannel): Slot {
  const availability = slotAvailability(slot, now, rules, channel);
  const presented: Slot = {
    id: slot._id,
    start: shanghaiIso(slot.start),
    end: shanghaiIso(slot.end),
    fee: slot.fee,
    remaining: availability.remaining,
    bookable: availability.bookable,
    channel: slot.channel,
    period: slot.period,
  };
  if (!availability.bookable) {
    presented.reason = availability.reason;
    presented.reasonText = reasonText(availability);
    if (availability.opensAt) presented.opensAt = shanghaiIso(availability.opensAt);
  }
  return presented;
}

/** `GET /doctors/:id/slots`. */
export function presentSlotList(
  day: InventoryDay,
  date: string,
  now: Date,
  rules: BookingRuleSettings,
  channel: BookingChannel,
): SlotListResponse {
  const items = day.slots.map((slot) => presentSlot(slot, now, rules, channel));
  return {
    doctorId: day.doctor._id,
    date,
    items,
    rules: presentRules(rules),
    // 候补 opens when the day has places but none is left to book now.
    waitlistOpen: !items.some((s) => s.bookable) && items.some((s) => s.reason === 'booked_out' || s.reason === 'referral_reserved' || s.reason === 'priority_reserved'),
    stale: day.stale,
  };
}

/** The visit information of a registered appointment. */
function visitOf(appointment: AppointmentRecord): Appointment['visit'] {
  if (appointment.status !== 'booked' && appointment.status !== 'completed') return null;
  return {
    queueNumber: appointment.queueNumber,
    visitCode: `${appointment.date.replaceAll('-', '').slice(2)}${String(appointment.queueNumber).padStart(3, '0')}${appointment._id.toHexString().slice(-4).toUpperCase()}`,
    location: `${appointment.institution.name} ${appointment.department.name}`,
    instructions: [
      `请于${shanghaiIso(appointment.start).slice(11, 16)}前30分钟到达${appointment.institution.address || appointment.institution.name}`,
      '到院后在自助机或分诊台出示就诊码签到，按序号候诊',
      '请携带就诊人身份证或医保电子凭证',
      '迟到超过30分钟可能视为爽约',
      ...(paysAtWindow(appointment) ? ['本次为医院工作人员预约的优先号，挂号费请到医院窗口缴纳'] : []),
    ],
  };
}

/** Booked without paying online (a priority place booked by staff): the fee is paid at the hospital window. */
function paysAtWindow(appointment: AppointmentRecord): boolean {
  return appointment.staffBooked?.payment === 'at_window' && appointment.payment.status !== 'paid';
}

/** An appointment as the patient sees it. */
export function presentAppointment(appointment: AppointmentRecord, now: Date, rules: BookingRuleSettings): Appointment {
  const cancel = cancelDecision(appointment, now, rules);
  const refund = appointment.refund;
  return {
    id: appointment._id.toHexString(),
    status: appointment.status,
    statusText: statusTexts[appointment.status],
    channel: appointment.channel,
    patient: { id: appointment.patientId.toHexString(), name: appointment.patientName },
    doctor: { id: appointment.doctorId, name: appointment.doctor.name, titleText: appointment.doctor.titleText },
    department: { id: appointment.departmentId, name: appointment.department.name },
    institution: { id: appointment.institutionId, name: appointment.institution.name, address: appointment.institution.address },
    slotId: appointment.slotId,
    start: shanghaiIso(appointment.start),
    end: shanghaiIso(appointment.end),
    amount: appointment.amount,
    payBy: shanghaiIso(appointment.payBy),
    createdAt: shanghaiIso(appointment.createdAt),
    payment: {
      status: appointment.payment.status,
      paidAt: appointment.payment.paidAt ? shanghaiIso(appointment.payment.paidAt) : null,
    },
    refund: refund
      ? {
          status: refund.status,
          amount: refund.amount,
          requestedAt: shanghaiIso(refund.requestedAt),
          succeededAt: refund.succeededAt ? shanghaiIso(refund.succeededAt) : null,
          reasonText: refund.reasonText,
        }
      : null,
    cancel: {
      allowed: cancel.allowed,
      freeUntil: shanghaiIso(cancel.freeUntil),
      // Nothing was paid online, so a cancel refunds nothing: the rule must not promise a refund.
      ruleText: paysAtWindow(appointment) ? cancel.ruleText.replace('可免费取消并全额退款', '可取消（挂号费到医院窗口缴纳，无需退款）') : cancel.ruleText,
    },
    visit: visitOf(appointment),
    cancelledAt: appointment.cancelledAt ? shanghaiIso(appointment.cancelledAt) : null,
    cancelReasonText: appointment.cancelReasonText,
  };
}

/** `GET /appointments`. */
export function presentAppointmentList(
  appointments: readonly AppointmentRecord[],
  now: Date,
  rulesOf: (institutionId: string) => BookingRuleSettings,
): AppointmentList {
  return { items: appointments.map((a) => presentAppointment(a, now, rulesOf(a.institutionId))) };
}

/** A waitlist entry. */
export function presentWaitlistEntry({ entry, position }: WaitlistView): WaitlistEntry {
  // `offering` is the instant between "chosen" and "offer made": still waiting to the patient.
  const status = entry.status === 'offering' ? 'waiting' : entry.status;
  return {
    id: entry._id.toHexString(),
    status,
    statusText: waitlistStatusTexts[status],
    patient: { id: entry.patientId.toHexString(), name: entry.patientName },
    date: entry.date,
    doctorId: entry.doctorId,
    departmentId: entry.departmentId,
    position,
    createdAt: shanghaiIso(entry.createdAt),
    offer:
      entry.status === 'offered' && entry.offer
        ? { appointmentId: entry.offer.appointmentId.toHexString(), payBy: shanghaiIso(entry.offer.payBy) }
        : null,
  };
}

/** A session as the staff area shows it. */
export function presentStaffSession(session: SessionRecord, slots: readonly InventorySlotRecord[], doctor: { name: string; titleText: string }, releaseAt: Date): StaffSession {
  const quota = { public: 0, referral: 0, priority: 0 };
  const taken = { public: 0, referral: 0, priority: 0 };
  for (const slot of slots) {
    quota[slot.channel] += 1;
    // A slot the hospital gave to someone else counts as taken for its channel.
    if (slot.taken > 0 || slot.capacity === 0) taken[slot.channel] += 1;
  }
  return {
    id: session._id,
    doctor: { id: session.doctorId, name: doctor.name, titleText: doctor.titleText },
    departmentId: session.departmentId,
    institutionId: session.institutionId,
    date: session.date,
    period: session.period,
    start: shanghaiIso(session.start),
    end: shanghaiIso(session.end),
    fee: session.fee,
    quota,
    taken,
    referralReleaseAt: shanghaiIso(releaseAt),
    stopped: session.stopped,
    stoppedAt: session.stoppedAt ? shanghaiIso(session.stoppedAt) : null,
    stopReason: session.stopReason,
  };
}
