import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWechatSandbox } from '../../server/src/integrations/wechat/sandbox/index.js';
import { readJson } from '../support/app.js';
import { asPatient, bookOk, listSlots, payInSandbox, resetBooking, seedPatients, startBookingWorld, type BookingWorld, type TestPatient } from '../support/booking.js';
import { signInDemoStaff } from '../support/staff-sign-in.js';

// 家人代办 and 消息: a booking message about a shared 就诊人 reaches every account holding it —
// the booking account, the owner and its current proxies, each once — as one record per account
// (each reads its own), sent on WeChat only under that account's own consent. A revoked proxy
// gets no new messages; another account never sees them.

const DOCTOR = 'pract-core-cardio-3';
const DATE = '2030-03-11';
const SESSION = `${DOCTOR}|${DATE}|morning`;
const SLOT = (time: string) => `slot-pract-core-cardio-3-20300311-${time}`;
const BOOKING_STATUS = 'CareLoopBookingStatus_0001';

let world: BookingWorld;
let wechat: RunningWechatSandbox;
let patients: TestPatient[];
let next = 0;
const fresh = () => patients[next++]!;
let schedulerToken: string;

beforeAll(async () => {
  world = await startBookingWorld({ staffAuth: true, wechat: true });
  wechat = world.wechat!;
  patients = await seedPatients(world.app, world.clock, 12);
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

/** The owner invites `proxy` to act for the owner's patient and `proxy` accepts. */
async function shareWith(owner: TestPatient, proxy: TestPatient): Promise<void> {
  const invited = await world.app.fetch(`/api/v1/patients/${owner.patientId}/proxy-invitations`, asPatient(owner, 'POST'));
  expect(invited.status).toBe(201);
  const { code } = await readJson(invited);
  const accepted = await world.app.fetch('/api/v1/proxy-invitations/accept', asPatient(proxy, 'POST', { code }));
  expect(accepted.status).toBe(200);
}

async function messagesOf(patient: TestPatient) {
  const response = await world.app.fetch('/api/v1/notifications', asPatient(patient));
  expect(response.status).toBe(200);
  return readJson(response);
}

/** Account, kind and WeChat outcome of every stored message, oldest first. */
async function deliveries() {
  await world.app.notifications.idle();
  const notes = await world.app.connection.db!.collection('notifications').find().sort({ createdAt: 1, _id: 1 }).toArray();
  return notes.map((n) => [n.accountId.toHexString(), n.kind, n.delivery.wechat]);
}

async function stopSession(reason: string): Promise<void> {
  const response = await world.app.fetch(`/api/v1/staff/sessions/${encodeURIComponent(SESSION)}/stop`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${schedulerToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ reason }),
  });
  expect(response.status).toBe(200);
}

describe('a booking for a 就诊人 with a proxy', () => {
  it('is listed for the owner and the proxy, each with its own read state and WeChat consent; a revoked proxy gets no new message', async () => {
    const [owner, proxy, stranger] = [fresh(), fresh(), fresh()];
    await shareWith(owner, proxy);
    // Only the proxy allowed the booking-status template: only its copy goes out on WeChat.
    const allowed = await world.app.fetch(
      '/api/v1/consents',
      asPatient(proxy, 'POST', { kind: 'subscribe_message', version: '2026-01', templateIds: [{ id: BOOKING_STATUS, kind: 'long_term' }] }),
    );
    expect(allowed.status).toBe(201);

    const held = await bookOk(world.app, owner, SLOT('0800'));
    await payInSandbox(world, owner, held.id);

    expect(await deliveries()).toEqual([
      [owner.accountId, 'booking_confirmed', 'no_consent'],
      [proxy.accountId, 'booking_confirmed', 'sent'],
    ]);
    expect(wechat.subscribeMessages().map((m) => [m.touser, m.templateId, m.data.name1, m.data.phrase4])).toEqual([[proxy.openid, BOOKING_STATUS, owner.name, '预约成功']]);

    const mine = await messagesOf(owner);
    const theirs = await messagesOf(proxy);
    const expected = {
      kind: 'booking_confirmed',
      title: '预约成功',
      patientId: owner.patientId,
      appointmentId: held.id,
      createdAt: '2030-03-06T01:10:00.000Z',
      readAt: null,
    };
    expect(mine).toMatchObject({ items: [expected], nextCursor: null, unreadCount: 1 });
    expect(theirs).toMatchObject({ items: [expected], nextCursor: null, unreadCount: 1 });
    expect(theirs.items[0].body).toBe(mine.items[0].body);
    expect(theirs.items[0].id).not.toBe(mine.items[0].id);
    expect(await messagesOf(stranger)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });

    // Reading is per account: the proxy reads its copy, the owner's stays unread; neither the
    // proxy nor a stranger can mark the owner's copy.
    const read = await world.app.fetch('/api/v1/notifications/read', asPatient(proxy, 'POST', { ids: [theirs.items[0].id] }));
    expect(read.status).toBe(200);
    expect(await readJson(read)).toEqual({ unreadCount: 0 });
    expect((await messagesOf(owner)).unreadCount).toBe(1);
    for (const other of [proxy, stranger]) {
      const refused = await world.app.fetch('/api/v1/notifications/read', asPatient(other, 'POST', { ids: [mine.items[0].id] }));
      expect(refused.status).toBe(404);
    }
    expect((await messagesOf(owner)).items[0].readAt).toBeNull();

    // The owner revokes the proxy: the next message (停诊) reaches the owner only.
    const revoked = await world.app.fetch(`/api/v1/patients/${owner.patientId}/proxies/${proxy.accountId}`, asPatient(owner, 'DELETE'));
    expect(revoked.status).toBe(204);
    world.clock.advance(60_000);
    await stopSession('医生外出会诊');
    await world.app.booking!.idle();

    expect(await deliveries()).toEqual([
      [owner.accountId, 'booking_confirmed', 'no_consent'],
      [proxy.accountId, 'booking_confirmed', 'sent'],
      [owner.accountId, 'session_stopped', 'no_consent'],
    ]);
    expect((await messagesOf(owner)).items.map((n: { kind: string; readAt: string | null }) => [n.kind, n.readAt])).toEqual([
      ['session_stopped', null],
      ['booking_confirmed', null],
    ]);
    expect(await messagesOf(proxy)).toMatchObject({ items: [{ kind: 'booking_confirmed', readAt: '2030-03-06T01:10:00.000Z' }], unreadCount: 0 });
    expect(wechat.subscribeMessages()).toHaveLength(1);
    expect(await messagesOf(stranger)).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
  });

  it('booked by the proxy, reaches the proxy and the owner once each', async () => {
    const [owner, proxy, second] = [fresh(), fresh(), fresh()];
    await shareWith(owner, proxy);
    await shareWith(owner, second);
    const held = await bookOk(world.app, { ...proxy, patientId: owner.patientId }, SLOT('0815'));
    await payInSandbox(world, proxy, held.id);

    // The booking account first, then the owner and the other proxy.
    expect(await deliveries()).toEqual([
      [proxy.accountId, 'booking_confirmed', 'no_consent'],
      [owner.accountId, 'booking_confirmed', 'no_consent'],
      [second.accountId, 'booking_confirmed', 'no_consent'],
    ]);
    for (const account of [owner, proxy, second]) {
      expect(await messagesOf(account)).toMatchObject({ items: [{ kind: 'booking_confirmed', patientId: owner.patientId, appointmentId: held.id }], unreadCount: 1 });
    }
  });
});
