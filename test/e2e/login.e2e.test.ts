import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/demo-accounts.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { startBrowserTestApp, useBrowserApp } from '../support/browser-app.js';

// A patient signs in on the H5 app (the WeChat sandbox's demo identities stand in for wx.login),
// sees the account on 我的, and adds a family member whose identity number comes back masked.

const t = useBrowserApp('e2e_login');

/** Types into a Taro <Input> inside the field wrapper `testId` (H5 renders a native input inside). */
async function fill(page: Page, scope: string, testId: string, value: string): Promise<void> {
  const input = page.getByTestId(scope).getByTestId(testId).locator('input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(value);
}

describe('H5 app: 我的 → 登录 → demo identity → 就诊人', () => {
  it('signs in with a demo identity and adds a family member whose ID number is shown masked', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(t.app.url, { waitUntil: 'domcontentloaded' });
    // 首页 is public: it loads without signing in.
    await page.getByTestId('institution-item').first().waitFor({ state: 'visible', timeout: 30_000 });

    await page.locator('.weui-tabbar__item').filter({ hasText: '我的' }).click();
    const me = page.getByTestId('page-me');
    await me.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await me.getByTestId('profile-card').getAttribute('data-signed-in')).toBe('no');
    await me.getByTestId('me-login-button').click();

    const login = page.getByTestId('login-page');
    await login.waitFor({ state: 'visible', timeout: 20_000 });
    const identities = login.getByTestId('demo-identity');
    await identities.first().waitFor({ state: 'visible', timeout: 20_000 });
    expect(await identities.allInnerTexts()).toEqual([
      expect.stringContaining('张阿姨'),
      expect.stringContaining('李先生'),
      expect.stringContaining('王同学'),
    ]);
    await identities.filter({ hasText: '张阿姨' }).click();

    // Back on 我的, signed in as the demo identity.
    const card = me.locator('[data-testid="profile-card"][data-signed-in="yes"]');
    await card.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await me.getByTestId('profile-nickname').innerText()).toBe('张阿姨');
    expect(await me.getByTestId('logout-button').isVisible()).toBe(true);

    // The patients API may not exist yet: 401 (signed out) means it does, 404 means not yet.
    const probe = await fetch(`${t.app.url}/api/v1/patients`);
    if (probe.status !== 401) {
      console.warn(`GET /api/v1/patients answered ${probe.status}: skipping the family-member part`);
      await page.close();
      return;
    }

    await me.getByTestId('patients-entry').click();
    const patients = page.getByTestId('page-patients');
    await patients.getByTestId('empty-state').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await patients.getByTestId('empty-state').innerText()).toContain('还没有就诊人');
    await patients.getByTestId('patient-add-button').click();

    const form = 'page-patient-edit';
    await page.getByTestId(form).getByTestId('patient-form').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId(form).getByTestId('relationship-option').filter({ hasText: '父母' }).click();
    await fill(page, form, 'field-name', '张建国');
    const first17 = '11010519491231002';
    const check = residentIdCheckChar(first17);
    const wrong = check === '1' ? '2' : '1';

    // A wrong check character is refused next to the field, with the shared schema's message.
    await fill(page, form, 'field-idNumber', `${first17}${wrong}`);
    await page.getByTestId(form).getByTestId('patient-submit').click();
    const idError = page.getByTestId(form).getByTestId('field-error-idNumber');
    await idError.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await idError.innerText()).toBe('身份证号校验位不正确，请核对后重新输入');

    await fill(page, form, 'field-idNumber', `${first17}${check}`);
    await fill(page, form, 'field-phone', '13812345678');
    await page.getByTestId(form).getByTestId('patient-submit').click();

    const item = patients.getByTestId('patient-item').filter({ hasText: '张建国' });
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    const idText = await item.getByTestId('patient-item-id').innerText();
    expect(idText).toContain(`110***********${first17.slice(14)}${check}`);
    expect(idText).not.toContain(first17);

    // The same person again: the server's 409 is shown next to the identity number.
    await patients.getByTestId('patient-add-button').click();
    await page.getByTestId(form).getByTestId('relationship-option').filter({ hasText: '父母' }).click();
    await fill(page, form, 'field-name', '张建国');
    await fill(page, form, 'field-idNumber', `${first17}${check}`);
    await page.getByTestId(form).getByTestId('patient-submit').click();
    await idError.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await idError.innerText()).toBe('该就诊人已添加，无需重复添加；请在就诊人列表中查看');
    await page.screenshot({ path: join(t.app.dataDir, 'patients.png') });
    await page.close();
  }, 180_000);
});

describe('H5 app: staff login', () => {
  it('signs a doctor in with a password, and asks an admin for the authenticator code first', async () => {
    const page = await t.browser.newPage({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
    // `/staff` is the address staff are given; the app rewrites it to the staff login page.
    await page.goto(`${t.app.url}/staff`, { waitUntil: 'domcontentloaded' });
    const root = 'staff-login-page';
    await page.getByTestId(root).waitFor({ state: 'visible', timeout: 30_000 });

    await fill(page, root, 'staff-username', 'doctor.core');
    await fill(page, root, 'staff-password', 'not-the-password');
    await page.getByTestId('staff-login-submit').click();
    await page.getByTestId('staff-login-error').waitFor({ state: 'visible', timeout: 10_000 });

    await fill(page, root, 'staff-password', demoStaffPassword);
    await page.getByTestId('staff-login-submit').click();
    const welcome = page.getByTestId('staff-welcome');
    await welcome.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await welcome.innerText()).toContain('欢迎，陈国华（心内科主任医师）');
    expect(await page.getByTestId('staff-role').innerText()).toBe('医生');

    // An admin: the API answers 401 totp_required, the code field appears, the code signs in.
    const admin = demoStaffAccounts.find((a) => a.username === 'admin.core');
    if (!admin?.totpSecret) throw new Error('the demo admin admin.core has no TOTP secret');
    await page.goto(`${t.app.url}/packages/staff/pages/login/index`, { waitUntil: 'domcontentloaded' });
    await fill(page, root, 'staff-username', admin.username);
    await fill(page, root, 'staff-password', demoStaffPassword);
    await page.getByTestId('staff-login-submit').click();
    await page.getByTestId('staff-totp').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('staff-login-error').innerText()).toContain('动态验证码');
    await fill(page, root, 'staff-totp', totpCode(admin.totpSecret, new Date()));
    await page.getByTestId('staff-login-submit').click();
    await page.getByTestId('staff-welcome').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('staff-role').innerText()).toBe('机构管理员');
    await page.close();
  }, 120_000);
});

describe('H5 app: an expired access token', () => {
  it('is refreshed once behind the scenes, and 退出登录 signs out', async () => {
    // A second app whose access tokens live four seconds, on its own database. (Not one: a JWT's
    // exp is whole seconds from a floored iat, so a 1 s token can be dead within milliseconds of
    // being issued, and a slow machine would then see the refreshed token expire as well.)
    const shortLived = await startBrowserTestApp(t.mongo.uri, 'e2e_refresh', { ACCESS_TOKEN_TTL_SECONDS: '4' });
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      const stored = async (): Promise<{ accessToken: string; refreshToken: string } | null> => {
        // The test tsconfig has no DOM types; the callback runs in the page.
        const raw = await page.evaluate(() =>
          (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.auth'),
        );
        if (!raw) return null;
        // Taro's H5 storage wraps values as { data: value }.
        const parsed = JSON.parse(raw) as { data?: { accessToken: string; refreshToken: string } | '' };
        return parsed.data ? parsed.data : null;
      };
      await page.goto(`${shortLived.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('demo-identity').filter({ hasText: '李先生' }).click();
      const me = page.getByTestId('page-me');
      await me.locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
      expect(await me.getByTestId('profile-nickname').innerText()).toBe('李先生');
      const before = await stored();
      expect(before).not.toBeNull();

      await page.waitForTimeout(5_000);
      // Showing 我的 again reloads the profile with the now expired token: refreshed, still signed in.
      await page.locator('.weui-tabbar__item').filter({ hasText: '首页' }).click();
      await page.locator('.weui-tabbar__item').filter({ hasText: '我的' }).click();
      await expect.poll(async () => (await stored())?.refreshToken, { timeout: 10_000 }).not.toBe(before?.refreshToken);
      expect(await page.getByTestId('login-page').count()).toBe(0);
      expect(await me.getByTestId('profile-card').getAttribute('data-signed-in')).toBe('yes');

      await me.getByTestId('logout-button').click();
      // Taro H5's showModal (its class names say "model").
      await page.locator('.taro-model__confirm').filter({ hasText: '退出' }).click();
      await me.locator('[data-testid="profile-card"][data-signed-in="no"]').waitFor({ state: 'visible', timeout: 10_000 });
      expect(await stored()).toBeNull();
    } finally {
      await page.close();
      await shortLived.stop();
    }
  }, 120_000);
});
