import type { AppointmentStatus, BookingChannel } from '@careloop/shared/contracts/appointments';
import type { ReconciliationKind } from '@careloop/shared/contracts/reconciliation';
import type { Collection } from 'mongodb';
import { Schema, Types, type Connection, type Model } from 'mongoose';

/**
 * Booking's collections. The slot inventory mirrors the hospital's slots (one document per
 * slot, `_id` = the hospital's slot id) with our channel split and the places we hold; an
 * appointment carries its payment, hospital registration and refund, so each state change is
 * one conditional update of one document.
 */

type Period = 'morning' | 'afternoon';

/** A doctor as booking snapshots it from the hospital (name, fee, where). */
export interface BookingDoctorRecord {
  _id: string;
  name: string;
  title: string;
  titleText: string;
  institutionId: string;
  departmentId: string;
  /** Consultation fee in fen. */
  fee: number;
  institution: { name: string; address: string };
  department: { name: string };
  syncedAt: Date;
}

/** When a doctor's day was last synced from the hospital. `_id` = `doctorId|date`. */
export interface InventoryDayRecord {
  _id: string;
  doctorId: string;
  date: string;
  syncedAt: Date | null;
  /** The latest failed sync (cleared by a success): the day is served `stale`. */
  lastFailureAt: Date | null;
}

/** A doctor's half-day session. `_id` = `doctorId|date|period`. */
export interface SessionRecord {
  _id: string;
  doctorId: string;
  date: string;
  period: Period;
  institutionId: string;
  departmentId: string;
  expert: boolean;
  fee: number;
  start: Date;
  end: Date;
  stopped: boolean;
  stoppedAt: Date | null;
  stopReason: string | null;
  stoppedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One hospital slot with our channel and the places we hold. `_id` = the hospital's slot id. */
export interface InventorySlotRecord {
  _id: string;
  sessionId: string;
  doctorId: string;
  institutionId: string;
  departmentId: string;
  date: string;
  period: Period;
  start: Date;
  end: Date;
  /** 1-based position in the session: the queue number of whoever books it. */
  seq: number;
  channel: BookingChannel;
  /** Places we may sell: 1 while the hospital has the slot free (or held by us), 0 when taken there. */
  capacity: number;
  /** Places held or booked through CareLoop. Never above capacity (the hold is conditional). */
  taken: number;
  /** When an unused referral place opens to the public; null for other channels. */
  releaseAt: Date | null;
  /** When booking of the slot's day opens (institution rule, fixed at sync). */
  opensAt: Date;
  stopped: boolean;
  hospitalStatus: 'free' | 'busy' | 'busy-unavailable' | 'gone';
  fee: number;
  syncedAt: Date;
}

/** The hospital side of an appointment: the lock, then the confirmed registration. */
export interface AppointmentHospital {
  /** `pending` while locking; `unknown` when the lock timed out (cleanup resolves it). */
  lock: 'pending' | 'locked' | 'unknown' | 'none';
  registrationId: string | null;
  /** Registration after payment. */
  registration: 'none' | 'confirming' | 'confirmed' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  deadline: Date | null;
  lastError: string | null;
  confirmedAt: Date | null;
  /** Cancelling the registration at the hospital: `pending` until it succeeded. */
  cancel: 'none' | 'pending' | 'done';
  /**
   * Looking up the visit's outcome (seen / no-show) after it ended: how often the hospital had
   * none yet, and when to ask again (absent until the first look-up).
   */
  outcomeChecks?: number;
  outcomeNextCheckAt?: Date | null;
}

/** The WeChat Pay order of an appointment. */
export interface AppointmentPayment {
  status: 'unpaid' | 'paid' | 'closed';
  outTradeNo: string | null;
  orderedAt: Date | null;
  transactionId: string | null;
  paidAt: Date | null;
  /** The total WeChat Pay notified (fen). */
  paidAmount: number | null;
}

/** A refund: `outRefundNo` is stable, so asking again never refunds twice. */
export interface AppointmentRefund {
  outRefundNo: string;
  status: 'processing' | 'succeeded' | 'failed';
  amount: number;
  requestedAt: Date;
  succeededAt: Date | null;
  reason: 'patient_cancelled' | 'session_stopped' | 'registration_failed' | 'paid_after_release';
  reasonText: string;
  /** WeChat Pay has accepted the refund request (else the refund job asks again). */
  submitted: boolean;
}

/** An appointment (a held, paid, registered or ended booking). */
export interface AppointmentRecord {
  _id: Types.ObjectId;
  /** The account that booked (for notifications); access is decided on the patient. */
  accountId: Types.ObjectId;
  patientId: Types.ObjectId;
  patientName: string;
  /** The patient as the hospital knows them (MPI id, or our id when not linked). */
  hospitalPatientId: string;
  slotId: string;
  sessionId: string;
  doctorId: string;
  departmentId: string;
  institutionId: string;
  date: string;
  period: Period;
  doctor: { name: string; titleText: string };
  department: { name: string };
  institution: { name: string; address: string };
  start: Date;
  end: Date;
  queueNumber: number;
  channel: BookingChannel;
  bookedBy: 'patient' | 'staff' | 'waitlist';
  amount: number;
  status: AppointmentStatus;
  payBy: Date;
  /** Whether this appointment still holds its place in the slot inventory (release is once). */
  placeHeld: boolean;
  hospital: AppointmentHospital;
  payment: AppointmentPayment;
  refund: AppointmentRefund | null;
  waitlistEntryId: Types.ObjectId | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  cancelReasonText: string | null;
  /** When the hospital's visit outcome (`completed` / `no_show`) was recorded here. */
  outcomeRecordedAt?: Date | null;
  /** A priority place booked by staff (absent for the patients' own bookings). */
  staffBooked?: StaffBookedRecord | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * How staff booked a priority place (优先号) by phone or at the desk. The patient is the
 * hospital's (MPI id in `hospitalPatientId`); when a CareLoop 就诊人 is linked to that MPI id the
 * appointment's `accountId`/`patientId` are that 就诊人's (the family sees it under 预约),
 * otherwise both are `unlinkedKey` — an id no CareLoop account or patient has, under which the
 * per-patient rules (claims) of this hospital patient are counted. Nothing is paid online.
 */
export interface StaffBookedRecord {
  staffId: string;
  staffRole: string;
  reason: 'elderly' | 'disabled';
  note: string | null;
  /** Masked, for the staff view (the full number is never stored here). */
  idNumberMasked: string;
  /** Whether a CareLoop 就诊人 was linked (its family sees the appointment). */
  linked: boolean;
  payment: 'at_window';
}

/** Per-patient booking claims: the active appointments the limits count, and the one open waitlist offer. */
export interface PatientClaimsRecord {
  _id: string;
  active: Array<{ appointmentId: string; doctorId: string; date: string; start: Date }>;
  /** The waitlist entry the patient holds an offer for (no one holds two). */
  offer: string | null;
}

/** A fixed one-minute window of booking attempts. `_id` = `scope:id:minute`. */
export interface RateWindowRecord {
  _id: string;
  count: number;
  expiresAt: Date;
}

/** A waitlist (候补) entry. */
export interface WaitlistRecord {
  _id: Types.ObjectId;
  accountId: Types.ObjectId;
  patientId: Types.ObjectId;
  patientName: string;
  hospitalPatientId: string;
  date: string;
  doctorId: string | null;
  departmentId: string;
  institutionId: string;
  status: 'waiting' | 'offering' | 'offered' | 'booked' | 'expired' | 'cancelled';
  offer: { appointmentId: Types.ObjectId; payBy: Date } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Patient messages are the notifications feature's (`notifications`); booking sends these kinds. */
export type { NotificationKind } from '@careloop/shared/contracts/notifications';

/** A verified WeChat Pay notification, once per notify id (the audit trail of what WeChat said). */
export interface PaymentEventRecord {
  _id: string;
  eventType: string;
  outTradeNo: string | null;
  outRefundNo: string | null;
  receivedAt: Date;
}

/** A reconciliation mismatch. `_id` = `date|kind|reference`. */
export interface ReconciliationMismatchRecord {
  _id: string;
  date: string;
  kind: ReconciliationKind;
  outTradeNo: string | null;
  outRefundNo: string | null;
  appointmentId: string | null;
  institutionId: string | null;
  ours: number | null;
  theirs: number | null;
  detectedAt: Date;
}

/** One reconciliation run of a day. `_id` = the date. */
export interface ReconciliationRunRecord {
  _id: string;
  ranAt: Date;
  payments: number;
  refunds: number;
  mismatches: number;
}

/**
 * The driver collections under the models, typed by their records: the atomic conditional
 * updates (holds, claims, state changes) go straight to the driver, without mongoose casting.
 */
export interface BookingCollections {
  slots: Collection<InventorySlotRecord>;
  appointments: Collection<AppointmentRecord>;
  claims: Collection<PatientClaimsRecord>;
  rateWindows: Collection<RateWindowRecord>;
  waitlist: Collection<WaitlistRecord>;
  paymentEvents: Collection<PaymentEventRecord>;
}

/** Booking's models on one connection. */
export interface BookingModels {
  raw: BookingCollections;
  Doctor: Model<BookingDoctorRecord>;
  Day: Model<InventoryDayRecord>;
  Session: Model<SessionRecord>;
  Slot: Model<InventorySlotRecord>;
  Appointment: Model<AppointmentRecord>;
  Claims: Model<PatientClaimsRecord>;
  RateWindow: Model<RateWindowRecord>;
  Waitlist: Model<WaitlistRecord>;
  PaymentEvent: Model<PaymentEventRecord>;
  Mismatch: Model<ReconciliationMismatchRecord>;
  ReconciliationRun: Model<ReconciliationRunRecord>;
}

const plain = { versionKey: false } as const;
const Mixed = Schema.Types.Mixed;

const doctorSchema = new Schema<BookingDoctorRecord>(
  {
    _id: String,
    name: String,
    title: String,
    titleText: String,
    institutionId: String,
    departmentId: String,
    fee: Number,
    institution: { name: String, address: String },
    department: { name: String },
    syncedAt: Date,
  },
  { ...plain, collection: 'booking_doctors' },
);

const daySchema = new Schema<InventoryDayRecord>(
  { _id: String, doctorId: String, date: String, syncedAt: { type: Date, default: null }, lastFailureAt: { type: Date, default: null } },
  { ...plain, collection: 'booking_days' },
);
daySchema.index({ date: 1 });

const sessionSchema = new Schema<SessionRecord>(
  {
    _id: String,
    doctorId: String,
    date: String,
    period: String,
    institutionId: String,
    departmentId: String,
    expert: Boolean,
    fee: Number,
    start: Date,
    end: Date,
    stopped: { type: Boolean, default: false },
    stoppedAt: { type: Date, default: null },
    stopReason: { type: String, default: null },
    stoppedBy: { type: String, default: null },
    createdAt: Date,
    updatedAt: Date,
  },
  { ...plain, collection: 'booking_sessions' },
);
sessionSchema.index({ doctorId: 1, date: 1 });

const slotSchema = new Schema<InventorySlotRecord>(
  {
    _id: String,
    sessionId: String,
    doctorId: String,
    institutionId: String,
    departmentId: String,
    date: String,
    period: String,
    start: Date,
    end: Date,
    seq: Number,
    channel: String,
    capacity: Number,
    taken: Number,
    releaseAt: { type: Date, default: null },
    opensAt: Date,
    stopped: Boolean,
    hospitalStatus: String,
    fee: Number,
    syncedAt: Date,
  },
  { ...plain, collection: 'booking_slots' },
);
slotSchema.index({ doctorId: 1, date: 1, start: 1 });
slotSchema.index({ sessionId: 1, start: 1 });

const appointmentSchema = new Schema<AppointmentRecord>(
  {
    accountId: { type: Schema.Types.ObjectId, required: true },
    patientId: { type: Schema.Types.ObjectId, required: true },
    patientName: String,
    hospitalPatientId: String,
    slotId: String,
    sessionId: String,
    doctorId: String,
    departmentId: String,
    institutionId: String,
    date: String,
    period: String,
    doctor: { name: String, titleText: String },
    department: { name: String },
    institution: { name: String, address: String },
    start: Date,
    end: Date,
    queueNumber: Number,
    channel: String,
    bookedBy: String,
    amount: Number,
    status: { type: String, required: true },
    payBy: Date,
    placeHeld: Boolean,
    hospital: { type: Mixed, required: true },
    payment: { type: Mixed, required: true },
    refund: { type: Mixed, default: null },
    waitlistEntryId: { type: Schema.Types.ObjectId, default: null },
    cancelledAt: { type: Date, default: null },
    cancelReason: { type: String, default: null },
    cancelReasonText: { type: String, default: null },
    outcomeRecordedAt: { type: Date, default: null },
    staffBooked: { type: Mixed, default: null },
    createdAt: Date,
    updatedAt: Date,
  },
  { ...plain, collection: 'appointments', minimize: false },
);
appointmentSchema.index({ patientId: 1, start: -1 });
appointmentSchema.index({ status: 1, payBy: 1 });
appointmentSchema.index({ 'payment.outTradeNo': 1 }, { unique: true, partialFilterExpression: { 'payment.outTradeNo': { $type: 'string' } } });
appointmentSchema.index({ 'refund.outRefundNo': 1 }, { sparse: true });
appointmentSchema.index({ sessionId: 1, status: 1 });
appointmentSchema.index({ slotId: 1, status: 1 });
appointmentSchema.index({ 'hospital.registration': 1, 'hospital.nextAttemptAt': 1 });
appointmentSchema.index({ 'refund.status': 1 });
appointmentSchema.index({ 'payment.paidAt': 1 });
appointmentSchema.index({ status: 1, end: 1 });

const claimsSchema = new Schema<PatientClaimsRecord>(
  {
    _id: String,
    active: { type: [{ _id: false, appointmentId: String, doctorId: String, date: String, start: Date }], default: [] },
    offer: { type: String, default: null },
  },
  { ...plain, collection: 'booking_patient_claims' },
);

const rateWindowSchema = new Schema<RateWindowRecord>({ _id: String, count: Number, expiresAt: Date }, { ...plain, collection: 'booking_rate_windows' });
rateWindowSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const waitlistSchema = new Schema<WaitlistRecord>(
  {
    accountId: Schema.Types.ObjectId,
    patientId: Schema.Types.ObjectId,
    patientName: String,
    hospitalPatientId: String,
    date: String,
    doctorId: { type: String, default: null },
    departmentId: String,
    institutionId: String,
    status: String,
    offer: { type: Mixed, default: null },
    createdAt: Date,
    updatedAt: Date,
  },
  { ...plain, collection: 'waitlist_entries', minimize: false },
);
waitlistSchema.index({ date: 1, status: 1, createdAt: 1, _id: 1 });
waitlistSchema.index({ patientId: 1, createdAt: -1 });
/** One open entry per patient and day and target (a doctor, or a department when `doctorId` is null). */
export const WAITLIST_INDEX = 'one_open_entry_per_target';
waitlistSchema.index(
  { patientId: 1, date: 1, doctorId: 1, departmentId: 1 },
  { unique: true, name: WAITLIST_INDEX, partialFilterExpression: { status: { $in: ['waiting', 'offering', 'offered'] } } },
);

const paymentEventSchema = new Schema<PaymentEventRecord>(
  { _id: String, eventType: String, outTradeNo: { type: String, default: null }, outRefundNo: { type: String, default: null }, receivedAt: Date },
  { ...plain, collection: 'payment_events' },
);

const mismatchSchema = new Schema<ReconciliationMismatchRecord>(
  {
    _id: String,
    date: String,
    kind: String,
    outTradeNo: { type: String, default: null },
    outRefundNo: { type: String, default: null },
    appointmentId: { type: String, default: null },
    institutionId: { type: String, default: null },
    ours: { type: Number, default: null },
    theirs: { type: Number, default: null },
    detectedAt: Date,
  },
  { ...plain, collection: 'reconciliation_mismatches' },
);
mismatchSchema.index({ date: 1 });

const runSchema = new Schema<ReconciliationRunRecord>(
  { _id: String, ranAt: Date, payments: Number, refunds: Number, mismatches: Number },
  { ...plain, collection: 'reconciliation_runs' },
);

function model<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** Registers booking's models on a connection (idempotent) and builds their indexes. */
export async function createBookingModels(connection: Connection): Promise<BookingModels> {
  const typed = <T extends object>(m: Model<T>) => m.collection as unknown as Collection<T>;
  const registered = {
    Doctor: model(connection, 'BookingDoctor', doctorSchema),
    Day: model(connection, 'BookingDay', daySchema),
    Session: model(connection, 'BookingSession', sessionSchema),
    Slot: model(connection, 'BookingSlot', slotSchema),
    Appointment: model(connection, 'Appointment', appointmentSchema),
    Claims: model(connection, 'BookingPatientClaims', claimsSchema),
    RateWindow: model(connection, 'BookingRateWindow', rateWindowSchema),
    Waitlist: model(connection, 'WaitlistEntry', waitlistSchema),
    PaymentEvent: model(connection, 'PaymentEvent', paymentEventSchema),
    Mismatch: model(connection, 'ReconciliationMismatch', mismatchSchema),
    ReconciliationRun: model(connection, 'ReconciliationRun', runSchema),
  };
  await Promise.all(Object.values(registered).map((m) => (m as Model<unknown>).createIndexes()));
  return {
    ...registered,
    raw: {
      slots: typed(registered.Slot),
      appointments: typed(registered.Appointment),
      claims: typed(registered.Claims),
      rateWindows: typed(registered.RateWindow),
      waitlist: typed(registered.Waitlist),
      paymentEvents: typed(registered.PaymentEvent),
    },
  };
}
