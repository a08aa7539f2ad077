import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson } from '../support/app.js';
import {
  asPatient,
  bookOk,
  listSlots,
  payInSandbox,
  resetBooking,
  startBookingWorld,
  seedPatients,
  type BookingWorld,
  type TestPatient,
} from '../support/booking.js';
import { signInDemoStaff } from '../support/staff-sign-in.js';

// Patients are told: every booking message is listed under 消息 (newest first, unread counted,
// marked read), for the accounts holding the patient only (a shared 就诊人: see
// notifications-proxy.test.ts); and it goes out as a WeChat subscribe message only when the
// account allowed that template — a one-time tap allows one message, a long-term
// one allows many; without consent nothing is sent (`no_consent`), and WeChat refusing never
// breaks the booking. The WeChat sandbox records what it was sent.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SESSION = `${DOCTOR}|${DATE}|morning`;
const SLOT = (time: string) => `slot-pract-core-cardio-3-20300311-${time}`;
const BOOKING_STATUS = 'CareLoopBookingStatus_0001';
const REFUND = 'CareLoopRefund_0001';

let world: BookingWorld;
let wechat: RunningWechatSandbox;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;
let schedulerToken: string;

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true, wechat: true });
  wechat = world.wechat!;
  patients = await seedPatients(world.app, world.clock, 20);
  schedulerToken = await signInDemoStaff(world.app, world.clock.now(), 'scheduler.core');
});
afterAll(async () => {
  await world?.close();
});
beforeEach(async () => {
  await world.app.notifications.idle();
  await resetBooking(world);
  await world.app.connection.db!.collection('consents').deleteMany({});
  wechat.resetSubscribe();
  await listSlots(world.app, DOCTOR, DATE);
});

/** The patient allows subscribe-message templates (as 隐私与授权 records the WeChat tap). */
async function allow(patient: TestPatient, templates: Array<{ id: string; kind: 'one_time' | 'long_term' }>): Promise<void> {
  const response = await world.app.fetch('/api/v1/consents', asPatient(patient, 'POST', { kind: 'subscribe_message', version: '2026-01', templateIds: templates }));
  expect(response.status).toBe(201);
}

async function messagesOf(patient: TestPatient, query = '') {
  const response = await world.app.fetch(`/api/v1/notifications${query}`, asPatient(patient));
  expect(response.status).toBe(200);
  return readJson(response);
}

/** The WeChat side of the stored messages, oldest first. */
async function deliveries() {
  await world.app.notifications.idle();
  const notes = await world.app.connection.db!.collection('notifications').find().sort({ createdAt: 1, _id: 1 }).toArray();
  return notes.map((n) => [n.accountId.toHexString(), n.kind, n.delivery.wechat, n.delivery.templateId, n.delivery.error]);
}

async function stopSession(reason: string): Promise<void> {
  const response = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/stop`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${schedulerToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
  expect(response.status).toBe(200);
}

describe('a refund after a failed registration', () => {
  it('is listed under 消息 and sent on WeChat with the one-time 退款通知 the patient allowed, which it uses up', async () => {
    const patient = fresh();
    await allow(patient, [
      { id: REFUND, kind: 'one_time' },
      { id: 'CareLoopVisitReminder_0001', kind: 'one_time' },
    ]);
    const held = await bookOk(world.app, patient, SLOT('0800'));
    world.hospital.faults.set({ errorRate: 1, match: '/Appointment' });
    await payInSandbox(world, patient, held.id);
    world.clock.advance(5 * 60_000);
    await world.app.booking!.jobs.retryRegistrations();
    world.clock.advance(5 * 60_000);
    await world.app.booking!.jobs.retryRegistrations();
    await world.app.notifications.idle();

    const page = await messagesOf(patient);
    expect(page).toEqual({
      items: [
        {
          id: expect.any(String),
          kind: 'registration_failed_refunded',
          title: '挂号未成功，已退款',
          body: `${patient.name}预约的3月11日 08:00 心血管内科 赵鹏，医院系统未能完成挂号，挂号费50.00元已原路退还，请重新预约。`,
          patientId: patient.patientId,
          appointmentId: held.id,
          createdAt: '2030-03-06T01:20:00.000Z',
          readAt: null,
        },
      ],
      nextCursor: null,
      unreadCount: 1,
    });
    expect(wechat.subscribeMessages()).toEqual([
      {
        touser: patient.openid,
        templateId: REFUND,
        page: `packages/booking/pages/detail/index?id=${held.id}`,
        data: { name1: patient.name, amount2: '50.00元', thing3: '医院挂号未成功', time4: '2030年3月6日 09:20', thing5: '原路退还至微信支付' },
        miniprogramState: 'formal',
        sentAt: new Date('2030-03-06T01:20:00Z'),
      },
    ]);
    expect(await deliveries()).toEqual([[patient.accountId, 'registration_failed_refunded', 'sent', REFUND, null]]);
    // The one-time tap is used; the reminder allowed in the same tap is still allowed.
    const consents = await readJson(await world.app.fetch('/api/v1/consents', asPatient(patient)));
    expect(consents.items.map((c: { templateIds: Array<{ id: string }>; withdrawnHow: string | null }) => [c.templateIds.map((t) => t.id), c.withdrawnHow])).toEqual([
      [['CareLoopVisitReminder_0001'], null],
      [[REFUND, 'CareLoopVisitReminder_0001'], 'used_by_message'],
    ]);
  });
});

describe('停诊', () => {
  it('tells every patient; WeChat only for the consented, and a one-time consent covers one message', async () => {
    const [once, lasting, none] = [fresh(), fresh(), fresh()];
    await allow(once, [{ id: BOOKING_STATUS, kind: 'one_time' }]);
    await allow(lasting, [{ id: BOOKING_STATUS, kind: 'long_term' }]);
    const booked = {
      once: await bookOk(world.app, once, SLOT('0800')),
      lasting: await bookOk(world.app, lasting, SLOT('0815')),
      none: await bookOk(world.app, none, SLOT('0930')),
    };
    await payInSandbox(world, once, booked.once.id);
    await payInSandbox(world, lasting, booked.lasting.id);
    await payInSandbox(world, none, booked.none.id);
    await stopSession('医生外出会诊');
    await world.app.booking!.idle();

    expect(await deliveries()).toEqual([
      [once.accountId, 'booking_confirmed', 'sent', BOOKING_STATUS, null],
      [lasting.accountId, 'booking_confirmed', 'sent', BOOKING_STATUS, null],
      [none.accountId, 'booking_confirmed', 'no_consent', BOOKING_STATUS, null],
      // The one-time tap went on 预约成功: 停诊 is listed in the app only.
      [once.accountId, 'session_stopped', 'no_consent', BOOKING_STATUS, null],
      [lasting.accountId, 'session_stopped', 'sent', BOOKING_STATUS, null],
      [none.accountId, 'session_stopped', 'no_consent', BOOKING_STATUS, null],
    ]);
    const sent = wechat.subscribeMessages().map((m) => [m.touser, m.templateId, m.page, m.data]);
    expect(sent).toEqual([
      [
        once.openid,
        BOOKING_STATUS,
        `packages/booking/pages/detail/index?id=${booked.once.id}`,
        { name1: once.name, time2: '2030年3月11日 08:00', thing3: '心血管内科 赵鹏', phrase4: '预约成功', thing5: '请提前30分钟到院签到' },
      ],
      [
        lasting.openid,
        BOOKING_STATUS,
        `packages/booking/pages/detail/index?id=${booked.lasting.id}`,
        { name1: lasting.name, time2: '2030年3月11日 08:15', thing3: '心血管内科 赵鹏', phrase4: '预约成功', thing5: '请提前30分钟到院签到' },
      ],
      [
        lasting.openid,
        BOOKING_STATUS,
        `packages/booking/pages/detail/index?id=${booked.lasting.id}`,
        { name1: lasting.name, time2: '2030年3月11日 08:15', thing3: '心血管内科 赵鹏', phrase4: '已停诊', thing5: '医生停诊，挂号费50.00元原路退还' },
      ],
    ]);
    // Everyone lists their own two messages, 停诊 first.
    for (const patient of [once, lasting, none]) {
      const page = await messagesOf(patient);
      expect(page.items.map((n: { kind: string; title: string }) => [n.kind, n.title])).toEqual([
        ['session_stopped', '医生停诊通知'],
        ['booking_confirmed', '预约成功'],
      ]);
      expect(page.unreadCount).toBe(2);
    }
  });

  it('records WeChat refusing (43101) on the message and stops nothing', async () => {
    const patient = fresh();
    await allow(patient, [{ id: BOOKING_STATUS, kind: 'long_term' }]);
    wechat.failSubscribe(BOOKING_STATUS, 43101);
    const held = await bookOk(world.app, patient, SLOT('0800'));
    await payInSandbox(world, patient, held.id);
    await stopSession('设备检修');
    await world.app.booking!.idle();
    expect(await deliveries()).toEqual([
      [patient.accountId, 'booking_confirmed', 'failed', BOOKING_STATUS, 'refused:43101'],
      [patient.accountId, 'session_stopped', 'failed', BOOKING_STATUS, 'refused:43101'],
    ]);
    expect(wechat.subscribeMessages()).toEqual([]);
    const appointment = await readJson(await world.app.fetch(`/api/v1/appointments/${held.id}`, asPatient(patient)));
    expect(appointment).toMatchObject({ status: 'cancelled', refund: { status: 'processing', amount: 5000 } });
    // Neither the openid nor the access token is logged.
    const logged = JSON.stringify(world.app.logs);
    expect(logged).not.toContain(patient.openid);
    expect(logged).not.toContain('access_token=');
  });
});

describe('GET /notifications, POST /notifications/read, /read-all', () => {
  it('lists only the account’s own messages, in cursor pages, and marks them read', async () => {
    const [owner, other] = [fresh(), fresh()];
    const held = await bookOk(world.app, owner, SLOT('0800'));
    await payInSandbox(world, owner, held.id);
    world.clock.advance(60_000);
    await stopSession('医生外出会诊');
    await world.app.booking!.idle();

    expect(await messagesOf(other)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    const first = await messagesOf(owner, '?limit=1');
    expect(first.items.map((n: { kind: string }) => n.kind)).toEqual(['session_stopped']);
    expect(first.unreadCount).toBe(2);
    const second = await messagesOf(owner, `?limit=1&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ kind: 'booking_confirmed' }], nextCursor: null, unreadCount: 2 });
    const [stopped, confirmed] = [first.items[0].id, second.items[0].id];

    // Another account cannot mark them: 404 as for an unknown id, and nothing changes.
    const refused = await world.app.fetch('/api/v1/notifications/read', asPatient(other, 'POST', { ids: [stopped] }));
    expect(refused.status).toBe(404);
    expect((await readJson(refused)).error.code).toBe('not_found');
    const mixed = await world.app.fetch('/api/v1/notifications/read', asPatient(owner, 'POST', { ids: [stopped, '0123456789abcdef01234567'] }));
    expect(mixed.status).toBe(404);
    expect((await messagesOf(owner)).unreadCount).toBe(2);
    await world.app.fetch('/api/v1/notifications/read-all', asPatient(other, 'POST'));
    expect((await messagesOf(owner)).unreadCount).toBe(2);

    const read = await world.app.fetch('/api/v1/notifications/read', asPatient(owner, 'POST', { ids: [stopped] }));
    expect(read.status).toBe(200);
    expect(await readJson(read)).toEqual({ unreadCount: 1 });
    const after = await messagesOf(owner);
    expect(after.items.map((n: { id: string; readAt: string | null }) => [n.id, n.readAt])).toEqual([
      [stopped, '2030-03-06T01:11:00.000Z'],
      [confirmed, null],
    ]);
    const all = await world.app.fetch('/api/v1/notifications/read-all', asPatient(owner, 'POST'));
    expect(await readJson(all)).toEqual({ unreadCount: 0 });
    expect((await messagesOf(owner)).unreadCount).toBe(0);
  });

  it('refuses bad input with 400 naming the field, and staff or missing tokens with 401', async () => {
    const patient = fresh();
    const bad = await world.app.fetch('/api/v1/notifications/read', asPatient(patient, 'POST', { ids: ['nope'] }));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.details[0].path).toBe('body.ids.0');
    const empty = await world.app.fetch('/api/v1/notifications/read', asPatient(patient, 'POST', { ids: [] }));
    expect((await readJson(empty)).error.details[0].path).toBe('body.ids');
    const cursor = await world.app.fetch('/api/v1/notifications?cursor=garbage', asPatient(patient));
    expect(cursor.status).toBe(400);
    expect((await readJson(cursor)).error.details[0].path).toBe('query.cursor');
    const limit = await world.app.fetch('/api/v1/notifications?limit=500', asPatient(patient));
    expect((await readJson(limit)).error.details[0].path).toBe('query.limit');
    expect((await world.app.fetch('/api/v1/notifications')).status).toBe(401);
    const staff = await world.app.fetch('/api/v1/notifications', { headers: { Authorization: `Bearer ${schedulerToken}` } });
    expect(staff.status).toBe(401);
  });
});
