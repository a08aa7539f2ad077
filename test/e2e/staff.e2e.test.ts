import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/demo-accounts.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { useBrowserApp } from '../support/browser-app.js';

// The staff area in H5: an institution admin signs in with password and TOTP, lands on the staff
// home, opens 审计日志 and finds the reads a doctor made of a patient's record (made through the
// API here), filters and pages through them, signs out; an expired session goes back to login.

const t = useBrowserApp('e2e_staff');

/** 李秀英: the hospital simulator's patient index knows her, seen at the core hospital (org-core). */
const LI = '11010519850722442' + residentIdCheckChar('11010519850722442');

/** Types into a Taro <Input> inside the wrapper `testId` (H5 renders a native input inside). */
async function fill(page: Page, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(testId).locator('input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(value);
}

/** JSON request to the app; fails the test on an unexpected status. */
async function api<T>(method: string, path: string, body: unknown, token: string | undefined, status: number): Promise<T> {
  const response = await fetch(`${t.app.url}/api/v1${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${path}`).toBe(status);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** The staff session as the page stored it (Taro's H5 storage wraps values as { data }). */
async function storedStaff(page: Page): Promise<{ accessToken: string; expiresAt: string } | null> {
  // The test tsconfig has no DOM types; the callback runs in the page.
  const raw = await page.evaluate(() =>
    (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.staff'),
  );
  if (!raw) return null;
  const parsed = JSON.parse(raw) as { data?: { accessToken: string; expiresAt: string } | '' };
  return parsed.data ? parsed.data : null;
}

describe('H5 app: staff home and 审计日志', () => {
  it('an institution admin signs in with TOTP, finds a doctor’s reads in the audit log, pages, filters and signs out', async () => {
    // A patient registers 李秀英 and consents to processing; the core hospital's doctor then
    // reads her record 21 times (one more than a page) and asks once for a patient that does not exist.
    const { accessToken: patientToken } = await api<{ accessToken: string }>('POST', '/auth/wechat/login', { code: 'sandbox:audit-family' }, undefined, 200);
    const { id: patientId } = await api<{ id: string }>(
      'POST',
      '/patients',
      { relationship: 'self', name: '李秀英', idType: 'resident_id', idNumber: LI },
      patientToken,
      201,
    );
    await api('POST', '/consents', { kind: 'health_data_processing', version: '2026-01' }, patientToken, 201);
    const { accessToken: doctorToken } = await api<{ accessToken: string }>(
      'POST',
      '/staff/auth/login',
      { username: 'doctor.core', password: demoStaffPassword },
      undefined,
      200,
    );
    for (let i = 0; i < 21; i++) {
      const record = await api<{ name: string; recordsFrom: string }>('GET', `/staff/patients/${patientId}`, undefined, doctorToken, 200);
      expect(record).toMatchObject({ name: '李秀英', recordsFrom: 'own_institution' });
    }
    const unknownId = 'ffffffffffffffffffffffff';
    await api('GET', `/staff/patients/${unknownId}`, undefined, doctorToken, 404);

    const page = await t.browser.newPage({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
    await page.goto(`${t.app.url}/staff`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('staff-login-page').waitFor({ state: 'visible', timeout: 30_000 });
    const admin = demoStaffAccounts.find((a) => a.username === 'admin.core');
    if (!admin?.totpSecret) throw new Error('the demo admin admin.core has no TOTP secret');
    await fill(page, 'staff-username', admin.username);
    await fill(page, 'staff-password', demoStaffPassword);
    await page.getByTestId('staff-login-submit').click();
    await page.getByTestId('staff-totp').waitFor({ state: 'visible', timeout: 10_000 });
    await fill(page, 'staff-totp', totpCode(admin.totpSecret, new Date()));
    await page.getByTestId('staff-login-submit').click();

    // The staff home: who, which role, which institution; the session is stored apart from a patient's.
    const home = page.getByTestId('staff-home-page');
    await home.getByTestId('staff-welcome').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await home.getByTestId('staff-welcome').innerText()).toContain('欢迎，吴志强（市一院系统管理员）');
    expect(await home.getByTestId('staff-role').innerText()).toBe('机构管理员');
    expect(await home.getByTestId('staff-institution').getAttribute('data-institution')).toBe('org-core');
    await expect.poll(() => home.getByTestId('staff-institution').innerText(), { timeout: 10_000 }).not.toBe('org-core');
    expect(await home.getByTestId('staff-session-expiry').innerText()).toContain('本次登录有效至');
    const stored = await storedStaff(page);
    expect(stored?.accessToken).toEqual(expect.any(String));
    // The token works on the staff API and the patient session is untouched.
    await api('GET', '/staff/auth/me', undefined, stored!.accessToken, 200);
    expect(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.auth'))).toBeNull();

    // 审计日志: newest first, 20 to a page; the doctor's reads of 李秀英, allowed, and the refused probe.
    await home.getByTestId('staff-audit-entry').click();
    const audit = page.getByTestId('staff-audit-page');
    const list = audit.getByTestId('audit-list');
    await list.waitFor({ state: 'visible', timeout: 20_000 });
    const items = audit.getByTestId('audit-item');
    expect(await items.count()).toBe(20);
    const newest = items.first();
    expect(await newest.getAttribute('data-patient')).toBe(unknownId);
    expect(await newest.getAttribute('data-outcome')).toBe('denied');
    expect(await newest.getByTestId('audit-item-reason').innerText()).toBe('原因：无关联患者（未在本机构就诊或无此患者）');
    const read = items.nth(1);
    expect(await read.getAttribute('data-patient')).toBe(patientId);
    expect(await read.getByTestId('audit-item-outcome').innerText()).toBe('已允许');
    expect(await read.getByTestId('audit-item-what').innerText()).toBe('查看 · 患者信息');
    expect(await read.getByTestId('audit-item-actor').innerText()).toMatch(/^操作人：staff-doctor-core（医生 · .+）$/);
    expect(await read.getByTestId('audit-item-patient').innerText()).toBe(`就诊人ID：${patientId}`);

    await audit.getByTestId('audit-load-more').click();
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(22);
    expect(await audit.getByTestId('audit-end').innerText()).toBe('已显示全部 22 条记录');
    expect(await audit.getByTestId('audit-load-more').count()).toBe(0);

    // Filters: one patient and 查看 → the 21 reads; 导出 → none.
    await fill(page, 'audit-filter-patient', patientId);
    await audit.locator('[data-testid="audit-filter-action"][data-value="read"]').click();
    await audit.getByTestId('audit-search').click();
    await expect.poll(() => items.first().getAttribute('data-patient'), { timeout: 10_000 }).toBe(patientId);
    expect(await items.count()).toBe(20);
    await audit.getByTestId('audit-load-more').click();
    await expect.poll(() => audit.getByTestId('audit-end').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await audit.getByTestId('audit-end').innerText()).toBe('已显示全部 21 条记录');
    await audit.locator('[data-testid="audit-filter-action"][data-value="export"]').click();
    await audit.getByTestId('audit-search').click();
    await audit.getByTestId('empty-state').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await audit.getByTestId('empty-state').innerText()).toContain('没有符合条件的记录');

    // 退出登录: the server forgets the session, the browser too, and the login page opens.
    await page.goBack();
    await home.getByTestId('staff-logout').click();
    await page.locator('.taro-model__confirm').filter({ hasText: '退出' }).click();
    await page.getByTestId('staff-login-page').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await storedStaff(page)).toBeNull();
    await api('GET', '/staff/auth/me', undefined, stored!.accessToken, 401);
    await page.close();
  }, 180_000);

  it('an expired staff session goes back to the login page, which says so', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
    await page.goto(`${t.app.url}/staff`, { waitUntil: 'domcontentloaded' });
    await fill(page, 'staff-username', 'doctor.core');
    await fill(page, 'staff-password', demoStaffPassword);
    await page.getByTestId('staff-login-submit').click();
    const home = page.getByTestId('staff-home-page');
    await home.getByTestId('staff-welcome').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await home.getByTestId('staff-role').innerText()).toBe('医生');
    // Not an admin: no audit log on the home page.
    expect(await home.getByTestId('staff-audit-entry').count()).toBe(0);
    expect(await home.getByTestId('staff-no-tools').isVisible()).toBe(true);

    // The session runs out (its expiry moved into the past, as 30 minutes later); opening the home again.
    await page.evaluate(() => {
      const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).localStorage;
      const wrapped = JSON.parse(storage.getItem('careloop.staff') ?? '{}') as { data: { expiresAt: string } };
      wrapped.data.expiresAt = new Date(Date.now() - 1_000).toISOString();
      storage.setItem('careloop.staff', JSON.stringify(wrapped));
    });
    await page.goto(`${t.app.url}/packages/staff/pages/home/index`, { waitUntil: 'domcontentloaded' });
    const reason = page.getByTestId('staff-login-page').getByTestId('staff-login-reason');
    await reason.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await reason.innerText()).toBe('登录已过期，请重新登录');
    expect(await storedStaff(page)).toBeNull();
    await page.close();
  }, 120_000);
});
