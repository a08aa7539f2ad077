import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { AppointmentSchema, PaymentParamsSchema, SlotListResponseSchema, type Appointment } from '../../shared/src/contracts/appointments.js';
import { DepartmentListResponseSchema, DoctorListResponseSchema, DoctorProfileResponseSchema } from '../../shared/src/contracts/directory.js';
import { NotificationPageSchema, type NotificationPage } from '../../shared/src/contracts/notifications.js';
import { StaffSessionListSchema } from '../../shared/src/contracts/sessions.js';
import { demoStaffPassword } from '../../server/src/features/staff-auth/demo-accounts.js';
import { useBrowserApp } from '../support/browser-app.js';

// Patients are told, in the H5 app: a demo patient books and pays for a visit with 陈国华 (through
// the API and the WeChat Pay sandbox's cashier), then the scheduler stops that session through
// the staff API. On 我的 the 消息 entry shows the unread count; 消息 lists 医生停诊通知 above
// 预约成功, both unread, with the server's words; tapping 停诊 marks it read and opens the
// cancelled appointment; back on 消息 it is read, 全部已读 clears the rest and 我的 drops the badge.
// The list also reads in 大字模式.

const t = useBrowserApp('e2e_messages');

const INSTITUTION = 'org-core';
const DEPARTMENT = '心血管内科';
const DOCTOR = '陈国华';

/** JSON request to the app; fails the test on an unexpected status. */
async function api(method: string, path: string, body: unknown, token: string | undefined, status: number): Promise<unknown> {
  const response = await fetch(`${t.app.url}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  expect(response.status, `${method} ${path}: ${text}`).toBe(status);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The signed-in session the app keeps in localStorage (Taro wraps values as { data }). */
async function storedAccessToken(page: Page): Promise<string> {
  const raw = await page.evaluate(() =>
    (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.auth'),
  );
  const parsed = raw ? (JSON.parse(raw) as { data?: { accessToken?: string } }) : {};
  if (!parsed.data?.accessToken) throw new Error('not signed in: careloop.auth holds no access token');
  return parsed.data.accessToken;
}

async function messagesOf(token: string): Promise<NotificationPage> {
  return NotificationPageSchema.parse(await api('GET', '/notifications', undefined, token, 200));
}

/** Polls until `done` holds (registration, cancellation and refunds settle in the background). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`never ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The computed font size of an element, in px (the test tsconfig has no DOM types). */
function fontSize(locator: Locator): Promise<number> {
  return locator.evaluate((el) =>
    Number.parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize),
  );
}

/** 陈国华's id and the days of his sessions, through the public directory. */
async function findDoctor(): Promise<{ doctorId: string; days: string[] }> {
  const departments = DepartmentListResponseSchema.parse(await api('GET', `/institutions/${INSTITUTION}/departments`, undefined, undefined, 200));
  const department = departments.items.find((d) => d.name === DEPARTMENT)!;
  const doctors = DoctorListResponseSchema.parse(await api('GET', `/departments/${department.id}/doctors`, undefined, undefined, 200));
  const doctor = doctors.items.find((d) => d.name === DOCTOR)!;
  const profile = DoctorProfileResponseSchema.parse(await api('GET', `/doctors/${doctor.id}`, undefined, undefined, 200));
  return { doctorId: doctor.id, days: [...new Set(profile.doctor.scheduleSummary.map((s) => s.date))].sort() };
}

describe('H5 app: 消息', () => {
  it('a patient whose visit a 停诊 cancelled sees it on 消息, with the unread count on 我的', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(`${t.app.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('demo-identity').filter({ hasText: '张阿姨' }).click();
    await page.getByTestId('page-me').locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
    const token = await storedAccessToken(page);
    // Nothing yet: 我的 shows the entry without a count.
    await page.getByTestId('messages-entry').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.getByTestId('messages-unread').count()).toBe(0);

    // Book and pay a visit with 陈国华 (the booking screens have their own e2e test).
    const first17 = '11010519580315002';
    const { id: patientId } = (await api(
      'POST',
      '/patients',
      { relationship: 'self', name: '张秀兰', idType: 'resident_id', idNumber: `${first17}${residentIdCheckChar(first17)}` },
      token,
      201,
    )) as { id: string };
    const { doctorId, days } = await findDoctor();
    let slot: { id: string; date: string; period: string } | undefined;
    for (const date of days) {
      const open = SlotListResponseSchema.parse(await api('GET', `/doctors/${doctorId}/slots?date=${date}`, undefined, token, 200)).items.find((s) => s.bookable);
      if (open) {
        slot = { id: open.id, date, period: open.period };
        break;
      }
    }
    if (!slot) throw new Error(`no bookable slot of ${DOCTOR}`);
    const created = AppointmentSchema.parse(await api('POST', '/appointments', { slotId: slot.id, patientId }, token, 201));
    const pay = PaymentParamsSchema.parse(await api('POST', `/appointments/${created.id}/pay`, undefined, token, 200));
    const cashier = await t.browser.newPage({ locale: 'zh-CN' });
    await cashier.goto(pay.sandboxCashierUrl!, { waitUntil: 'domcontentloaded' });
    await cashier.getByTestId('sandbox-pay-confirm').click();
    await cashier.close();
    const read = () => api('GET', `/appointments/${created.id}`, undefined, token, 200).then((a) => AppointmentSchema.parse(a));
    await waitFor<Appointment>(read, (a) => a.status === 'booked', 'booked');

    // The scheduler stops that session (staff API).
    const { accessToken: staffToken } = (await api('POST', '/staff/auth/login', { username: 'scheduler.core', password: demoStaffPassword }, undefined, 200)) as {
      accessToken: string;
    };
    const sessions = StaffSessionListSchema.parse(await api('GET', `/staff/sessions?doctorId=${encodeURIComponent(doctorId)}&date=${slot.date}`, undefined, staffToken, 200));
    const session = sessions.items.find((s) => s.period === slot.period)!;
    await api('POST', `/staff/sessions/${encodeURIComponent(session.id)}/stop`, { reason: '医生外出会诊' }, staffToken, 200);
    await waitFor<Appointment>(read, (a) => a.status === 'cancelled', 'cancelled');
    const told = await messagesOf(token);
    expect(told.items.map((n) => [n.kind, n.title, n.appointmentId, n.readAt])).toEqual([
      ['session_stopped', '医生停诊通知', created.id, null],
      ['booking_confirmed', '预约成功', created.id, null],
    ]);
    expect(told.unreadCount).toBe(2);

    // 我的: the 消息 entry says 2条未读.
    await page.goto(`${t.app.url}/pages/me/index`, { waitUntil: 'domcontentloaded' });
    const badge = page.getByTestId('page-me').getByTestId('messages-unread');
    await badge.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await badge.innerText()).toBe('2条未读');
    expect(await badge.getAttribute('data-count')).toBe('2');
    await page.getByTestId('messages-entry').click();

    // 消息: newest first, both unread, in the server's words.
    const list = page.getByTestId('page-messages').getByTestId('message-list');
    await list.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await list.getAttribute('data-unread')).toBe('2');
    expect(await list.getByTestId('messages-unread-summary').innerText()).toBe('2条未读');
    const items = list.getByTestId('message-item');
    expect(await items.count()).toBe(2);
    expect(await items.evaluateAll((els) => els.map((el) => [el.getAttribute('data-kind'), el.getAttribute('data-read')]))).toEqual([
      ['session_stopped', 'no'],
      ['booking_confirmed', 'no'],
    ]);
    const stopped = items.first();
    expect(await stopped.getByTestId('message-title').innerText()).toBe('医生停诊通知');
    expect(await stopped.getByTestId('message-body').innerText()).toBe(told.items[0]!.body);
    expect(told.items[0]!.body).toContain('停诊（医生外出会诊）');
    expect(await stopped.getByTestId('message-unread-dot').count()).toBe(1);
    const normalSize = await fontSize(stopped.getByTestId('message-body'));
    await page.waitForTimeout(600); // the page's slide-in, for the screenshot
    await page.screenshot({ path: join(t.app.dataDir, 'messages-unread.png') });

    // Tapping 停诊: marked read, the cancelled appointment opens.
    await stopped.click();
    const detail = page.getByTestId('page-appointment-detail').locator(`[data-testid="appointment-detail"][data-id="${created.id}"]`);
    await detail.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await detail.getAttribute('data-status')).toBe('cancelled');
    expect((await messagesOf(token)).unreadCount).toBe(1);

    // Back on 消息: read; 全部已读 clears the other. Back only once the detail page has finished
    // sliding in (Taro H5 marks it stationed): a back during that animation can leave 消息 hidden,
    // which no person tapping ← can do.
    await page.locator('.taro_page_stationed [data-testid="page-appointment-detail"]').waitFor({ state: 'visible', timeout: 20_000 });
    await page.goBack();
    await page.waitForURL(/\/packages\/messages\/pages\/index\/index/, { timeout: 20_000 });
    await list.locator(`[data-testid="message-item"][data-kind="session_stopped"][data-read="yes"]`).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await list.getAttribute('data-unread')).toBe('1');
    await list.getByTestId('messages-read-all').click();
    await page.locator('[data-testid="message-list"][data-unread="0"]').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await list.getByTestId('messages-unread-summary').innerText()).toBe('全部已读');
    expect(await list.locator('[data-testid="message-item"][data-read="no"]').count()).toBe(0);
    expect((await messagesOf(token)).unreadCount).toBe(0);

    // 我的: no count any more. 大字模式 on, 消息 reads in large text.
    await page.goto(`${t.app.url}/pages/me/index`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('messages-entry').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('large-text-switch').click();
    await page.locator('[data-testid="page-me"][data-large-text="on"]').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('messages-unread').count()).toBe(0);
    await page.getByTestId('messages-entry').click();
    const large = page.locator('[data-testid="page-messages"][data-large-text="on"]');
    await large.getByTestId('message-list').waitFor({ state: 'visible', timeout: 20_000 });
    // About 1.3× (15 → 20 before the H5 build's px→rem scaling).
    expect((await fontSize(large.getByTestId('message-body').first())) / normalSize).toBeCloseTo(20 / 15, 2);
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(t.app.dataDir, 'messages-large.png') });
    await page.close();
  }, 240_000);

  it('shows an empty state to an account with no messages', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(`${t.app.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('demo-identity').filter({ hasText: '王同学' }).click();
    await page.getByTestId('page-me').locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('messages-entry').click();
    const empty = page.getByTestId('page-messages').getByTestId('empty-state');
    await empty.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await empty.innerText()).toContain('暂无消息');
    await page.close();
  }, 120_000);
});
