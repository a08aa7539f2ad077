import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatFen } from '../../shared/src/domain/money.js';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { SlotListResponseSchema, type Slot, type SlotListResponse } from '../../shared/src/contracts/appointments.js';
import { useBrowserApp } from '../support/browser-app.js';

// The booking loop on the H5 app, end to end: a demo patient picks a doctor's 15-minute slot,
// confirms with the fee and rules shown, pays on the WeChat Pay sandbox's cashier page (whose
// signed notify the BFF verifies), lands on 预约成功, finds the visit under 预约, cancels it and
// sees the fee go back (退款中 → 已退款). Also: a slot taken by someone else while the patient
// reads the confirm page (409 slot_unavailable, back to a picker that greys it), and a full day's
// waitlist (候补) whose released place is offered to the waiting patient and paid from 预约.

const t = useBrowserApp('e2e_booking');

const HOSPITAL = '滨江市第一人民医院';
const DEPARTMENT = '心血管内科';
const DOCTOR = '陈国华';

/** The signed-in session the app keeps in localStorage (Taro wraps values as { data }). */
async function storedAccessToken(page: Page): Promise<string> {
  // The test tsconfig has no DOM types; the callback runs in the page.
  const raw = await page.evaluate(() =>
    (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.auth'),
  );
  const parsed = raw ? (JSON.parse(raw) as { data?: { accessToken?: string } }) : {};
  if (!parsed.data?.accessToken) throw new Error('not signed in: careloop.auth holds no access token');
  return parsed.data.accessToken;
}

async function signIn(page: Page, name: string): Promise<void> {
  await page.goto(`${t.app.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('demo-identity').filter({ hasText: name }).click();
  await page.getByTestId('page-me').locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
}

async function tapItem(page: Page, testId: string, text: string): Promise<void> {
  const item = page.getByTestId(testId).filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  await item.click();
}

/** Adds a 就诊人 through the API (the form has its own e2e test); returns its id. */
async function addPatient(token: string, name: string, first17: string): Promise<string> {
  const res = await fetch(`${t.app.url}/api/v1/patients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ relationship: 'self', name, idType: 'resident_id', idNumber: `${first17}${residentIdCheckChar(first17)}` }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** 首页 → hospital → department → doctor → 预约挂号; returns the doctor's id. */
async function openSlotPicker(page: Page): Promise<string> {
  await page.goto(t.app.url, { waitUntil: 'domcontentloaded' });
  await tapItem(page, 'institution-item', HOSPITAL);
  await tapItem(page, 'department-item', DEPARTMENT);
  await tapItem(page, 'doctor-item', DOCTOR);
  const profile = page.getByTestId('page-doctor').getByTestId('doctor-profile');
  await profile.waitFor({ state: 'visible', timeout: 20_000 });
  const doctorId = await profile.getAttribute('data-id');
  if (!doctorId) throw new Error('the doctor profile carries no data-id');
  await profile.getByTestId('book-button').click();
  return doctorId;
}

/** Signs an account in through the WeChat sandbox's API (any `sandbox:<name>` is an account). */
async function apiSignIn(name: string): Promise<string> {
  const res = await fetch(`${t.app.url}/api/v1/auth/wechat/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: `sandbox:${name}` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Holds one place of a slot for a fresh account and patient, as someone else would; returns the hold. */
async function holdAsSomeoneElse(n: number, slotId: string): Promise<{ token: string; appointmentId: string }> {
  const token = await apiSignIn(`rival-${n}`);
  const patientId = await addPatient(token, `李${'一二三四五六七八九十'[n % 10]}`, `11010519800110${String(n).padStart(3, '0')}`);
  const res = await fetch(`${t.app.url}/api/v1/appointments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ slotId, patientId }),
  });
  expect(res.status).toBe(201);
  return { token, appointmentId: ((await res.json()) as { id: string }).id };
}

/** The API's view of a day, to compare the screen with exact values. */
async function slotsOf(token: string, doctorId: string, date: string): Promise<SlotListResponse> {
  const res = await fetch(`${t.app.url}/api/v1/doctors/${encodeURIComponent(doctorId)}/slots?date=${date}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return SlotListResponseSchema.parse(await res.json());
}

/**
 * Walks the picker's days until one has a bookable slot starting after `notBefore` (so that it
 * can still be cancelled free of charge); returns that slot's cell.
 */
async function firstBookableSlot(slots: Locator, notBefore: number): Promise<Locator> {
  // The day strip shows once the doctor's schedule has loaded.
  await slots.getByTestId('slots-doctor').waitFor({ state: 'visible', timeout: 20_000 });
  const days = slots.getByTestId('date-option');
  await days.first().waitFor({ state: 'visible', timeout: 20_000 });
  const dates: string[] = [];
  for (const option of await days.all()) dates.push((await option.getAttribute('data-date')) ?? '');
  for (const date of dates) {
    await slots.locator(`[data-testid="date-option"][data-date="${date}"]`).click();
    const grid = slots.locator(`[data-testid="slot-grid"][data-date="${date}"]`);
    const empty = slots.getByTestId('empty-state');
    await grid.or(empty).first().waitFor({ state: 'visible', timeout: 20_000 });
    for (const cell of await grid.locator('[data-testid="slot-item"][data-bookable="yes"]').all()) {
      if (Date.parse((await cell.getAttribute('data-start')) ?? '') > notBefore) return cell;
    }
  }
  throw new Error(`no bookable slot in ${dates.length} days of ${DOCTOR}'s schedule`);
}

describe('H5 app: 预约挂号 (slots → confirm → sandbox cashier → 预约 → cancel, lost races, 候补)', () => {
  it('a demo patient books a slot, pays, sees it under 预约, cancels it and sees the refund', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await signIn(page, '张阿姨');
    const token = await storedAccessToken(page);

    await addPatient(token, '张秀兰', '11010519580315002');
    const doctorId = await openSlotPicker(page);

    // The slot picker: a 15-minute grid; the screen agrees with the API to the minute and the fen.
    const slots = page.getByTestId('page-booking-slots');
    // Free cancellation ends BOOKING_CANCEL_CUTOFF_HOURS (24 by default) before the visit: book later than that.
    const cell = await firstBookableSlot(slots, Date.now() + 26 * 3_600_000);
    const slotId = await cell.getAttribute('data-id');
    const date = await slots.locator('[data-testid="date-option"][data-selected="yes"]').getAttribute('data-date');
    if (!slotId || !date) throw new Error('the slot cell carries no data-id, or no day is selected');
    const day = await slotsOf(token, doctorId, date);
    const slot = day.items.find((s) => s.id === slotId) as Slot;
    expect(slot.bookable).toBe(true);
    expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(15 * 60_000);
    const shanghai = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16);
    expect(await cell.getByTestId('slot-time').innerText()).toBe(shanghai(slot.start));
    expect(await cell.getByTestId('slot-left').innerText()).toBe(`余${slot.remaining}`);
    // Greyed slots say why: the day's explanations are the server's own words.
    const explained = [...new Set(day.items.filter((s) => !s.bookable && s.reason !== 'booked_out' && s.reason !== 'past').map((s) => s.reasonText))];
    expect(await slots.getByTestId('slot-reason').allInnerTexts()).toEqual(explained.map((text) => expect.stringContaining(text ?? '')));
    await cell.click();

    // 就诊人: the one person is chosen already.
    const patient = page.getByTestId('page-booking-patient');
    await patient.locator('[data-testid="patient-option"][data-selected="yes"]').filter({ hasText: '张秀兰' }).waitFor({ state: 'visible', timeout: 20_000 });
    await patient.getByTestId('patient-next').click();

    // Confirm: who, when (Shanghai), the fee, and the rules before anything is paid.
    const confirm = page.getByTestId('page-booking-confirm');
    await confirm.getByTestId('booking-confirm').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await confirm.getByTestId('confirm-patient').innerText()).toBe('张秀兰');
    expect(await confirm.getByTestId('confirm-doctor').innerText()).toContain(DOCTOR);
    expect(await confirm.getByTestId('confirm-time').innerText()).toContain(`${shanghai(slot.start)}–${shanghai(slot.end)}`);
    expect(await confirm.getByTestId('confirm-fee').innerText()).toBe(formatFen(slot.fee));
    expect(await confirm.getByTestId('rule-text').allInnerTexts()).toEqual(day.rules.texts.map((text, i) => `${i + 1}. ${text}`));
    expect(await confirm.getByTestId('confirm-cancel-rule').innerText()).toContain('前可在线取消');
    expect(await confirm.getByTestId('confirm-pay-rule').innerText()).toContain(`${day.rules.payWithinMinutes} 分钟内完成支付`);
    await confirm.getByTestId('booking-submit').click();

    // The sandbox cashier (H5 has no WeChat Pay): the amount is the fee; confirming sends the
    // signed notify to the BFF and returns to the result page.
    const amount = page.getByTestId('sandbox-pay-amount');
    await amount.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await amount.innerText()).toBe(formatFen(slot.fee));
    await page.getByTestId('sandbox-pay-confirm').click();

    const result = page.getByTestId('page-booking-result').locator('[data-testid="booking-result"][data-state="booked"]');
    await result.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await result.getByTestId('result-title').innerText()).toBe('预约成功');
    expect(new URL(page.url()).pathname).toBe('/packages/booking/pages/result/index');
    await page.screenshot({ path: join(t.app.dataDir, 'booking-result.png') });

    // 预约 tab, 待就诊: the visit is there.
    await page.getByTestId('page-booking-result').getByTestId('result-appointments').click();
    const tab = page.getByTestId('page-appointments');
    const item = tab.locator('[data-testid="appointment-item"][data-status="booked"]');
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await item.count()).toBe(1);
    expect(await item.getByTestId('appointment-doctor').innerText()).toBe(DOCTOR);
    expect(await item.getByTestId('appointment-time').innerText()).toContain(`${shanghai(slot.start)}–${shanghai(slot.end)}`);
    const appointmentId = await item.getAttribute('data-id');
    await item.click();

    // Detail: queue number and visit code, the rule next to the cancel button; cancel → refund.
    const detail = page.getByTestId('page-appointment-detail');
    const card = detail.getByTestId('appointment-detail');
    await card.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await card.getAttribute('data-id')).toBe(appointmentId);
    expect(await card.getAttribute('data-status')).toBe('booked');
    expect(Number(await detail.getByTestId('detail-queue-number').innerText())).toBeGreaterThan(0);
    expect((await detail.getByTestId('detail-visit-code').innerText()).length).toBeGreaterThan(0);
    expect(await detail.getByTestId('detail-amount').innerText()).toBe(formatFen(slot.fee));
    const seen = await fetch(`${t.app.url}/api/v1/appointments/${appointmentId}`, { headers: { Authorization: `Bearer ${token}` } });
    const { cancel } = (await seen.json()) as { cancel: { allowed: boolean; ruleText: string } };
    expect(cancel.allowed).toBe(true);
    expect(await detail.getByTestId('cancel-rule').innerText()).toBe(cancel.ruleText);
    await detail.getByTestId('cancel-button').click();
    // Taro H5's showModal (its class names say "model").
    await page.locator('.taro-model__confirm').filter({ hasText: '确定取消' }).click();

    await detail.locator('[data-testid="appointment-detail"][data-status="cancelled"]').waitFor({ state: 'visible', timeout: 20_000 });
    const refund = detail.getByTestId('detail-refund');
    await refund.waitFor({ state: 'visible', timeout: 20_000 });
    expect(['processing', 'succeeded']).toContain(await refund.getAttribute('data-refund-status'));
    // The sandbox settles the refund and the page follows it to 已退款 without a reload.
    await detail.locator('[data-testid="detail-refund"][data-refund-status="succeeded"]').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await detail.getByTestId('detail-refund-status').innerText()).toBe(`已退款 ${formatFen(slot.fee)}`);
    expect(await detail.getByTestId('cancel-button').count()).toBe(0);
    await page.screenshot({ path: join(t.app.dataDir, 'booking-refunded.png') });

    // 预约 tab: gone from 待就诊, listed under 已取消 with the refund.
    await page.goto(`${t.app.url}/pages/appointments/index`, { waitUntil: 'domcontentloaded' });
    const lists = page.getByTestId('page-appointments');
    await lists.getByTestId('empty-state').waitFor({ state: 'visible', timeout: 20_000 });
    await lists.locator('[data-testid="appointment-view-tab"][data-value="cancelled"]').click();
    const cancelled = lists.locator(`[data-testid="appointment-item"][data-id="${appointmentId}"]`);
    await cancelled.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await cancelled.getAttribute('data-status')).toBe('cancelled');
    expect(await cancelled.innerText()).toContain(`已退款 ${formatFen(slot.fee)}`);

    // The slot went back: the API counts it as free again.
    const after = await slotsOf(token, doctorId, date);
    expect(after.items.find((s) => s.id === slotId)?.remaining).toBe(slot.remaining);
    await page.close();
  }, 240_000);

  it('a slot taken while the patient reads the confirm page: 409 slot_unavailable is shown, and the picker greys it', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await signIn(page, '王同学');
    await addPatient(await storedAccessToken(page), '王小明', '11010520000101001');
    const doctorId = await openSlotPicker(page);
    const slots = page.getByTestId('page-booking-slots');
    const cell = await firstBookableSlot(slots, Date.now());
    const slotId = await cell.getAttribute('data-id');
    const date = await slots.locator('[data-testid="date-option"][data-selected="yes"]').getAttribute('data-date');
    if (!slotId || !date) throw new Error('the slot cell carries no data-id, or no day is selected');
    await cell.click();
    await page.getByTestId('page-booking-patient').getByTestId('patient-next').click();
    const confirm = page.getByTestId('page-booking-confirm');
    await confirm.getByTestId('booking-submit').waitFor({ state: 'visible', timeout: 20_000 });

    // Meanwhile someone else (other accounts, through the API) takes every place of that slot.
    const { items } = await slotsOf(await storedAccessToken(page), doctorId, date);
    const places = items.find((s) => s.id === slotId)?.remaining ?? 0;
    expect(places).toBeGreaterThan(0);
    for (let i = 0; i < places; i++) await holdAsSomeoneElse(100 + i, slotId);

    await confirm.getByTestId('booking-submit').click();
    const refusal = confirm.getByTestId('booking-error');
    await refusal.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await refusal.getAttribute('data-code')).toBe('slot_unavailable');
    expect(await refusal.innerText()).toContain('该时段已被约满');
    expect(await confirm.getByTestId('booking-submit').count()).toBe(0);

    // 重新选择时段 goes back to the picker, which reloads: the slot is greyed now.
    await confirm.getByTestId('back-to-slots').click();
    const taken = slots.locator(`[data-testid="slot-item"][data-id="${slotId}"]`);
    await expect.poll(() => taken.getAttribute('data-bookable'), { timeout: 20_000 }).toBe('no');
    expect(await taken.getByTestId('slot-left').innerText()).toBe('已约满');
    await page.close();
  }, 180_000);

  it('a full day offers 候补; a released place is offered to the waiting patient, who pays for it from the 预约 tab', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await signIn(page, '李先生');
    const token = await storedAccessToken(page);
    await addPatient(token, '赵候补', '11010519700101001');
    const doctorId = await openSlotPicker(page);
    const slots = page.getByTestId('page-booking-slots');
    await slots.getByTestId('slots-doctor').waitFor({ state: 'visible', timeout: 20_000 });

    // The day with the fewest places left (but some): other accounts take them all.
    const dates: string[] = [];
    for (const option of await slots.getByTestId('date-option').all()) dates.push((await option.getAttribute('data-date')) ?? '');
    let chosen: { date: string; open: Slot[] } | null = null;
    for (const date of dates) {
      const open = (await slotsOf(token, doctorId, date)).items.filter((s) => s.bookable);
      if (open.length > 0 && (!chosen || open.length < chosen.open.length)) chosen = { date, open };
    }
    if (!chosen) throw new Error(`no bookable slot in ${dates.length} days of ${DOCTOR}'s schedule`);
    const holds: { token: string; appointmentId: string }[] = [];
    for (const slot of chosen.open) {
      for (let i = 0; i < slot.remaining; i++) holds.push(await holdAsSomeoneElse(holds.length, slot.id));
    }
    expect((await slotsOf(token, doctorId, chosen.date)).waitlistOpen).toBe(true);

    // The picker: every slot greyed, and 加入候补.
    await slots.locator(`[data-testid="date-option"][data-date="${chosen.date}"]`).click();
    const banner = slots.getByTestId('waitlist-banner');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await slots.locator('[data-testid="slot-item"][data-bookable="yes"]').count()).toBe(0);
    await banner.getByTestId('waitlist-join').click();
    const patient = page.getByTestId('page-booking-patient');
    await patient.locator('[data-testid="patient-option"][data-selected="yes"]').filter({ hasText: '赵候补' }).waitFor({ state: 'visible', timeout: 20_000 });
    await patient.getByTestId('waitlist-submit').click();

    const waitlist = page.getByTestId('page-waitlist');
    const entry = waitlist.locator('[data-testid="waitlist-item"][data-status="waiting"]');
    await entry.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await entry.getByTestId('waitlist-position').innerText()).toBe('当前排第 1 位');
    expect(await entry.innerText()).toContain(DOCTOR);

    // Someone cancels their hold: the place is offered to the first waiting patient.
    const released = holds[0];
    if (!released) throw new Error('no hold to release');
    const cancelled = await fetch(`${t.app.url}/api/v1/appointments/${released.appointmentId}/cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${released.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(cancelled.status).toBe(200);

    // 预约 tab: the offer banner, then the held appointment with its pay-by countdown.
    await page.goto(`${t.app.url}/pages/appointments/index`, { waitUntil: 'domcontentloaded' });
    const tab = page.getByTestId('page-appointments');
    const offer = tab.getByTestId('waitlist-offer');
    await expect.poll(async () => { if ((await offer.count()) === 0) await page.reload({ waitUntil: 'domcontentloaded' }); return offer.count(); }, { timeout: 30_000, interval: 1_000 }).toBe(1);
    expect(await offer.innerText()).toContain('候补成功，已为赵候补保留号源');
    await offer.click();
    const detail = page.getByTestId('page-appointment-detail');
    await detail.locator('[data-testid="appointment-detail"][data-status="pending_payment"]').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await detail.getByTestId('pay-countdown').innerText()).toMatch(/^请在 .+ 前支付，剩余 \d{2}:\d{2}，逾期号源自动释放$/);
    await detail.getByTestId('pay-button').click();
    await page.getByTestId('sandbox-pay-confirm').click();
    await page.locator('[data-testid="booking-result"][data-state="booked"]').waitFor({ state: 'visible', timeout: 60_000 });

    // 我的候补: the entry is fulfilled.
    await page.goto(`${t.app.url}/packages/booking/pages/waitlist/index`, { waitUntil: 'domcontentloaded' });
    const done = page.getByTestId('page-waitlist').getByTestId('waitlist-item');
    await done.first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await done.first().getAttribute('data-status')).toBe('booked');
    await page.close();
  }, 240_000);
});
