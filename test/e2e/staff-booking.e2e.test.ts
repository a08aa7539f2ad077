import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { formatFen } from '../../shared/src/domain/money.js';
import { AppointmentSchema, PaymentParamsSchema, SlotListResponseSchema, type Appointment } from '../../shared/src/contracts/appointments.js';
import { DepartmentListResponseSchema, DoctorListResponseSchema, DoctorProfileResponseSchema } from '../../shared/src/contracts/directory.js';
import { StaffSessionListSchema, type StaffSession } from '../../shared/src/contracts/sessions.js';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/demo-accounts.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { useBrowserApp } from '../support/browser-app.js';

// The staff side of booking in the H5 app: the demo scheduler of the core hospital opens 号源管理,
// picks 心血管内科 → 陈国华 → a day, changes a session's referral reserve and sees the new counts
// (the API agrees), adds places to a session (加号 +30%, confirmed in a dialog; the new places are
// open to patients at once); then stops a session in which a patient has booked and paid (booked through
// the patient API here), and that appointment is cancelled and refunded. An institution admin
// (password + TOTP) finds 号源管理, 对账 and the 审计日志 on the staff home and opens 对账.

const t = useBrowserApp('e2e_staff_booking');

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

/** Types into a Taro <Input>/<Textarea> inside the wrapper `testId` (H5 renders a native control inside). */
async function fill(scope: Page | Locator, testId: string, value: string): Promise<void> {
  const control = scope.getByTestId(testId).locator('input, textarea').first();
  await control.waitFor({ state: 'visible', timeout: 10_000 });
  await control.fill(value);
}

/** 陈国华 of 心血管内科 at the core hospital, through the public directory. */
async function findDoctor(): Promise<{ departmentId: string; doctorId: string; days: string[] }> {
  const departments = DepartmentListResponseSchema.parse(await api('GET', `/institutions/${INSTITUTION}/departments`, undefined, undefined, 200));
  const department = departments.items.find((d) => d.name === DEPARTMENT);
  if (!department) throw new Error(`${DEPARTMENT} is not in the directory of ${INSTITUTION}`);
  const doctors = DoctorListResponseSchema.parse(await api('GET', `/departments/${department.id}/doctors`, undefined, undefined, 200));
  const doctor = doctors.items.find((d) => d.name === DOCTOR);
  if (!doctor) throw new Error(`${DOCTOR} is not in ${DEPARTMENT}`);
  const profile = DoctorProfileResponseSchema.parse(await api('GET', `/doctors/${doctor.id}`, undefined, undefined, 200));
  const days = [...new Set(profile.doctor.scheduleSummary.map((s) => s.date))].sort();
  if (days.length < 2) throw new Error(`${DOCTOR} has fewer than two days of sessions`);
  return { departmentId: department.id, doctorId: doctor.id, days };
}

/** The staff API's view of a doctor's day. */
async function sessionsOf(token: string, doctorId: string, date: string): Promise<StaffSession[]> {
  return StaffSessionListSchema.parse(await api('GET', `/staff/sessions?doctorId=${encodeURIComponent(doctorId)}&date=${date}`, undefined, token, 200)).items;
}

async function getAppointment(token: string, id: string): Promise<Appointment> {
  return AppointmentSchema.parse(await api('GET', `/appointments/${encodeURIComponent(id)}`, undefined, token, 200));
}

/** Polls the patient's appointment until `done` holds (registration and refunds settle in the background). */
async function waitForAppointment(token: string, id: string, done: (a: Appointment) => boolean, what: string): Promise<Appointment> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const appointment = await getAppointment(token, id);
    if (done(appointment)) return appointment;
    if (Date.now() > deadline) throw new Error(`appointment ${id} never became ${what}: ${JSON.stringify(appointment)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Signs in on the staff login page (TOTP for admins) and waits for the staff home. */
async function staffSignIn(page: Page, username: string): Promise<Locator> {
  await page.goto(`${t.app.url}/staff`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('staff-login-page').waitFor({ state: 'visible', timeout: 30_000 });
  await fill(page, 'staff-username', username);
  await fill(page, 'staff-password', demoStaffPassword);
  await page.getByTestId('staff-login-submit').click();
  const account = demoStaffAccounts.find((a) => a.username === username);
  if (account?.totpSecret) {
    await page.getByTestId('staff-totp').waitFor({ state: 'visible', timeout: 10_000 });
    await fill(page, 'staff-totp', totpCode(account.totpSecret, new Date()));
    await page.getByTestId('staff-login-submit').click();
  }
  const home = page.getByTestId('staff-home-page');
  await home.getByTestId('staff-welcome').waitFor({ state: 'visible', timeout: 20_000 });
  return home;
}

/** On 号源管理: 心血管内科 → 陈国华 → `date`, until that day's sessions are listed. */
async function chooseDay(root: Locator, ids: { departmentId: string; doctorId: string }, date: string): Promise<void> {
  await root.locator(`[data-testid="session-department-option"][data-id="${ids.departmentId}"]`).click({ timeout: 20_000 });
  await root.locator(`[data-testid="session-doctor-option"][data-id="${ids.doctorId}"]`).click({ timeout: 20_000 });
  await root.locator(`[data-testid="session-date-option"][data-id="${date}"]`).click({ timeout: 20_000 });
  await root.locator(`[data-testid="session-list"][data-date="${date}"]`).waitFor({ state: 'visible', timeout: 20_000 });
}

/** Staff home → 号源管理 → that day; returns the page root. */
async function openDay(page: Page, home: Locator, ids: { departmentId: string; doctorId: string }, date: string): Promise<Locator> {
  await home.getByTestId('staff-sessions-entry').click();
  const root = page.getByTestId('staff-sessions-page');
  await chooseDay(root, ids, date);
  return root;
}

/** What the card shows for one channel: places, taken, left. */
async function channelRow(card: Locator, channel: string): Promise<[number, number, number]> {
  const row = card.locator(`[data-testid="session-channel"][data-channel="${channel}"]`);
  return [
    Number(await row.getByTestId('session-channel-quota').innerText()),
    Number(await row.getByTestId('session-channel-taken').innerText()),
    Number(await row.getByTestId('session-channel-left').innerText()),
  ];
}

/** The card agrees with the API's session, channel by channel. */
async function expectCardShows(card: Locator, session: StaffSession): Promise<void> {
  for (const channel of ['public', 'referral', 'priority'] as const) {
    expect(await channelRow(card, channel), channel).toEqual([
      session.quota[channel],
      session.taken[channel],
      Math.max(0, session.quota[channel] - session.taken[channel]),
    ]);
  }
}

describe('H5 staff area: 号源管理 and 对账', () => {
  it('the scheduler changes a session’s referral reserve and sees the new counts', async () => {
    const ids = await findDoctor();
    // The furthest day: mostly free places, untouched by the stop test.
    const date = ids.days[ids.days.length - 1]!;
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    const home = await staffSignIn(page, 'scheduler.core');
    expect(await home.getByTestId('staff-role').innerText()).toBe('排班员');
    // A scheduler manages places, not money or audits.
    expect(await home.getByTestId('staff-reconciliation-entry').count()).toBe(0);
    expect(await home.getByTestId('staff-audit-entry').count()).toBe(0);
    const { accessToken } = (await api('POST', '/staff/auth/login', { username: 'scheduler.core', password: demoStaffPassword }, undefined, 200)) as {
      accessToken: string;
    };

    const before = (await sessionsOf(accessToken, ids.doctorId, date))[0]!;
    const root = await openDay(page, home, ids, date);
    const card = root.locator(`[data-testid="session-card"][data-id="${before.id}"]`);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    await expectCardShows(card, before);
    const total = before.quota.public + before.quota.referral + before.quota.priority;
    expect(Number(await card.getByTestId('session-total').getAttribute('data-total'))).toBe(total);
    if (before.quota.referral > 0) expect(await card.getByTestId('session-release').innerText()).toContain('起向所有患者开放');

    // More than the session holds is refused on the spot, with the server's rule.
    await card.getByTestId('quota-edit').click();
    const form = card.getByTestId('quota-form');
    await fill(form, 'quota-referral', String(total - before.quota.priority + 1));
    expect(await form.getByTestId('quota-public-preview').innerText()).toBe('合计超出 1 个号');
    await form.getByTestId('quota-submit').click();
    expect(await form.getByTestId('quota-error').innerText()).toBe(`该时段共${total}个号，转诊预留与优先号合计不能超过${total}个`);
    await fill(form, 'quota-referral', '');
    expect(await form.getByTestId('quota-public-preview').innerText()).toBe('请填写转诊预留和优先号的数量');
    await form.getByTestId('quota-submit').click();
    expect(await form.getByTestId('quota-error-referral').innerText()).toBe('请输入 0 或正整数');

    // Two more referral places (or one fewer when the session has no room), saved.
    const referral = before.quota.referral + before.quota.priority + 2 <= total ? before.quota.referral + 2 : before.quota.referral - 1;
    expect(referral).toBeGreaterThanOrEqual(0);
    await fill(form, 'quota-referral', String(referral));
    const publicAfter = total - referral - before.quota.priority;
    expect(await form.getByTestId('quota-public-preview').innerText()).toBe(`普通号将为 ${publicAfter} 个`);
    await form.getByTestId('quota-submit').click();
    await card.getByTestId('quota-saved').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await card.getByTestId('quota-form').count()).toBe(0);

    const after = (await sessionsOf(accessToken, ids.doctorId, date)).find((s) => s.id === before.id)!;
    expect(after.quota).toEqual({ public: publicAfter, referral, priority: before.quota.priority });
    await expectCardShows(card, after);
    // A fresh load of 号源管理 shows the same.
    await page.reload({ waitUntil: 'domcontentloaded' });
    const reloaded = page.getByTestId('staff-sessions-page');
    await chooseDay(reloaded, ids, date);
    const fresh = reloaded.locator(`[data-testid="session-card"][data-id="${before.id}"]`);
    await fresh.waitFor({ state: 'visible', timeout: 20_000 });
    await expectCardShows(fresh, after);
    await page.screenshot({ path: join('/tmp/staff-shots', 'staff-quota.png'), fullPage: true });
    await page.close();
  }, 180_000);

  it('the scheduler adds places to a session (加号 +30%): confirmed in a dialog, the new counts on the card and open to patients', async () => {
    const ids = await findDoctor();
    const date = ids.days[ids.days.length - 1]!;
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    const home = await staffSignIn(page, 'scheduler.core');
    const { accessToken } = (await api('POST', '/staff/auth/login', { username: 'scheduler.core', password: demoStaffPassword }, undefined, 200)) as {
      accessToken: string;
    };
    const sessions = await sessionsOf(accessToken, ids.doctorId, date);
    const before = sessions[sessions.length - 1]!;
    const total = before.quota.public + before.quota.referral + before.quota.priority;
    const adds = Math.max(1, Math.ceil((total * 30) / 100));
    const slotsOf = async () =>
      SlotListResponseSchema.parse(await api('GET', `/doctors/${ids.doctorId}/slots?date=${date}`, undefined, undefined, 200)).items.filter(
        (s) => s.period === before.period,
      );
    const offeredBefore = await slotsOf();

    const root = await openDay(page, home, ids, date);
    const card = root.locator(`[data-testid="session-card"][data-id="${before.id}"]`);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    await card.getByTestId('places-open').click();
    const form = card.getByTestId('places-form');
    await form.locator('[data-testid="places-mode"][data-id="percent"]').click();
    await fill(form, 'places-value', '0');
    await form.getByTestId('places-submit').click();
    expect(await form.getByTestId('places-error').innerText()).toBe('请输入加号比例（1–100 的整数）');
    await fill(form, 'places-value', '30');
    expect(await form.getByTestId('places-preview').innerText()).toBe(`将加 ${adds} 个号，加号后共 ${total + adds} 个号`);
    await form.getByTestId('places-submit').click();
    const dialog = page.locator('.taro-modal__content');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.locator('.taro-modal__title').innerText()).toContain(`确认加号：${DOCTOR}`);
    expect(await dialog.locator('.taro-modal__text').innerText()).toContain(`将加 ${adds} 个号（共 ${total} → ${total + adds} 个号）`);
    await page.locator('.taro-model__confirm').filter({ hasText: '确认加号' }).click();

    const done = card.getByTestId('places-added');
    await done.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await done.innerText()).toBe(`已加 ${adds} 个号，现共 ${total + adds} 个号（新号为普通号）。`);
    expect(await card.getByTestId('places-form').count()).toBe(0);
    const after = (await sessionsOf(accessToken, ids.doctorId, date)).find((s) => s.id === before.id)!;
    expect(after.quota).toEqual({ ...before.quota, public: before.quota.public + adds });
    await expectCardShows(card, after);
    expect(Number(await card.getByTestId('session-total').getAttribute('data-total'))).toBe(total + adds);

    // Patients see the new places at once: public and free (bookable, or once the day opens).
    const offeredAfter = await slotsOf();
    expect(offeredAfter).toHaveLength(offeredBefore.length + adds);
    const added = offeredAfter.filter((s) => !offeredBefore.some((b) => b.id === s.id));
    expect(added).toHaveLength(adds);
    expect(added.every((s) => s.channel === 'public' && s.remaining === 1 && (s.bookable || s.reason === 'not_open_yet')), JSON.stringify(added)).toBe(true);
    await page.screenshot({ path: join('/tmp/staff-shots', 'staff-places.png'), fullPage: true });
    await page.close();
  }, 180_000);

  it('the scheduler stops a session a patient booked and paid for: the appointment is cancelled and refunded', async () => {
    const ids = await findDoctor();

    // A patient books the first open place of 陈国华's and pays in the sandbox cashier.
    const { accessToken: patientToken } = (await api('POST', '/auth/wechat/login', { code: 'sandbox:stop-family' }, undefined, 200)) as { accessToken: string };
    const first17 = '11010519620508003';
    const { id: patientId } = (await api(
      'POST',
      '/patients',
      { relationship: 'self', name: '周桂芳', idType: 'resident_id', idNumber: `${first17}${residentIdCheckChar(first17)}` },
      patientToken,
      201,
    )) as { id: string };
    let booked: { slotId: string; date: string; period: 'morning' | 'afternoon'; fee: number } | undefined;
    for (const date of ids.days.slice(0, -1)) {
      const day = SlotListResponseSchema.parse(await api('GET', `/doctors/${ids.doctorId}/slots?date=${date}`, undefined, patientToken, 200));
      const open = day.items.find((s) => s.bookable);
      if (open) {
        booked = { slotId: open.id, date, period: open.period, fee: open.fee };
        break;
      }
    }
    if (!booked) throw new Error(`no bookable slot of ${DOCTOR} in the coming days`);
    const created = AppointmentSchema.parse(await api('POST', '/appointments', { slotId: booked.slotId, patientId }, patientToken, 201));
    expect(created.status).toBe('pending_payment');
    const pay = PaymentParamsSchema.parse(await api('POST', `/appointments/${created.id}/pay`, undefined, patientToken, 200));
    if (!pay.sandboxCashierUrl) throw new Error('the WeChat Pay sandbox gave no cashier page');
    const cashier = await t.browser.newPage({ locale: 'zh-CN' });
    await cashier.goto(pay.sandboxCashierUrl, { waitUntil: 'domcontentloaded' });
    await cashier.getByTestId('sandbox-pay-confirm').click();
    await cashier.close();
    await waitForAppointment(patientToken, created.id, (a) => a.status === 'booked', 'booked');

    // The scheduler finds the session with the booking among its taken places.
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    const home = await staffSignIn(page, 'scheduler.core');
    const { accessToken: staffToken } = (await api('POST', '/staff/auth/login', { username: 'scheduler.core', password: demoStaffPassword }, undefined, 200)) as {
      accessToken: string;
    };
    const session = (await sessionsOf(staffToken, ids.doctorId, booked.date)).find((s) => s.period === booked.period)!;
    const taken = session.taken.public + session.taken.referral + session.taken.priority;
    expect(taken).toBeGreaterThanOrEqual(1);
    const root = await openDay(page, home, ids, booked.date);
    const card = root.locator(`[data-testid="session-card"][data-id="${session.id}"]`);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await card.getAttribute('data-stopped')).toBe('no');
    await expectCardShows(card, session);

    // 停诊 needs a reason; the dialog says what happens to the booked patients.
    await card.getByTestId('stop-open').click();
    const form = card.getByTestId('stop-form');
    await form.getByTestId('stop-submit').click();
    expect(await form.getByTestId('stop-error').innerText()).toBe('请填写停诊原因');
    const reason = '医生临时外出会诊';
    await fill(form, 'stop-reason', reason);
    await form.getByTestId('stop-submit').click();
    // Taro H5's showModal (its class names say "model").
    const dialog = page.locator('.taro-modal__content');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.locator('.taro-modal__title').innerText()).toContain(`确认停诊：${DOCTOR}`);
    const said = await dialog.locator('.taro-modal__text').innerText();
    expect(said).toContain(`已约出 ${taken} 个号`);
    expect(said).toContain('通过 CareLoop 预约的患者将全部被取消预约，已支付的挂号费原路全额退还，并收到停诊通知');
    await page.locator('.taro-model__confirm').filter({ hasText: '确认停诊' }).click();

    // The card: 已停诊 with the reason, and what stopping did.
    await root.locator(`[data-testid="session-card"][data-id="${session.id}"][data-stopped="yes"]`).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await card.getByTestId('session-stopped-badge').innerText()).toBe('已停诊');
    expect(await card.getByTestId('session-stop-reason').innerText()).toBe(`停诊原因：${reason}`);
    const result = card.getByTestId('stop-result');
    expect(await result.innerText()).toBe('已取消 1 个预约，其中 1 个已发起全额退款，患者已收到停诊通知。');
    expect(await card.getByTestId('stop-open').count()).toBe(0);
    expect(await card.getByTestId('quota-edit').count()).toBe(0);
    await page.screenshot({ path: join('/tmp/staff-shots', 'staff-stopped.png'), fullPage: true });

    // The patient's appointment: cancelled for the stop, the fee going back in full.
    const cancelled = await waitForAppointment(patientToken, created.id, (a) => a.status === 'cancelled', 'cancelled');
    expect(cancelled.cancelReasonText).toContain(reason);
    expect(cancelled.refund).toMatchObject({ amount: booked.fee });
    expect(['processing', 'succeeded']).toContain(cancelled.refund?.status);
    const refunded = await waitForAppointment(patientToken, created.id, (a) => a.refund?.status === 'succeeded', 'refunded');
    expect(refunded.refund?.amount).toBe(booked.fee);
    expect(formatFen(refunded.refund!.amount)).toBe(formatFen(booked.fee));

    // The staff API agrees, and the session takes no more bookings.
    const stopped = (await sessionsOf(staffToken, ids.doctorId, booked.date)).find((s) => s.id === session.id)!;
    expect(stopped).toMatchObject({ stopped: true, stopReason: reason });
    for (const channel of ['public', 'referral', 'priority'] as const) {
      expect(await channelRow(card, channel), channel).toEqual([stopped.quota[channel], stopped.taken[channel], 0]);
    }
    const day = SlotListResponseSchema.parse(await api('GET', `/doctors/${ids.doctorId}/slots?date=${booked.date}`, undefined, patientToken, 200));
    expect(day.items.filter((s) => s.period === booked.period).every((s) => !s.bookable && s.reason === 'session_stopped')).toBe(true);
    await page.close();
  }, 240_000);

  it('an institution admin finds 号源管理, 对账 and 审计日志, and opens 对账 on yesterday', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    const home = await staffSignIn(page, 'admin.core');
    expect(await home.getByTestId('staff-role').innerText()).toBe('机构管理员');
    for (const entry of ['staff-sessions-entry', 'staff-reconciliation-entry', 'staff-audit-entry']) {
      expect(await home.getByTestId(entry).isVisible(), entry).toBe(true);
    }
    await home.getByTestId('staff-reconciliation-entry').click();
    let root = page.getByTestId('staff-reconciliation-page');
    const dateSize = async (): Promise<number> =>
      parseFloat(
        await root.getByTestId('reconciliation-date').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize),
      );
    await root.getByTestId('reconciliation-date').waitFor({ state: 'visible', timeout: 20_000 });
    const normalSize = await dateSize();

    // 大字模式 is a setting of the device (我的 → 大字模式); the staff pages follow it too (17 → 22).
    await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('careloop.largeText', JSON.stringify({ data: true })),
    );
    await page.reload({ waitUntil: 'domcontentloaded' });
    root = page.locator('[data-testid="staff-reconciliation-page"][data-large-text="on"]');
    await root.getByTestId('reconciliation-date').waitFor({ state: 'visible', timeout: 20_000 });
    expect((await dateSize()) / normalSize).toBeCloseTo(22 / 17, 2);
    const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    expect(await root.getByTestId('reconciliation-date').getAttribute('data-value')).toBe(yesterday);
    // A fresh alliance: the daily job (10:15 Beijing time) has not compared yesterday, or found nothing to differ.
    const state = root.getByTestId('reconciliation-not-run').or(root.getByTestId('reconciliation-clean'));
    await state.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await state.innerText()).toMatch(/该日尚未对账|无差异/);
    await page.close();
  }, 120_000);
});
