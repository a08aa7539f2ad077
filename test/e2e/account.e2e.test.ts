import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserApp } from '../support/browser-app.js';

// A patient binds a phone in the WeChat sandbox and sees it masked on 我的, then agrees to a
// consent on 隐私与授权 (after reading its text and version) and withdraws it again.

const t = useBrowserApp('e2e_account');

/** Today in Asia/Shanghai as the consents screen writes it, e.g. 2026年1月5日. */
function shanghaiToday(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date());
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return `${part('year')}年${part('month')}月${part('day')}日`;
}

/** Signs in with a demo identity on the login page and waits for 我的. */
async function signIn(page: Page, name: string): Promise<Locator> {
  await page.goto(`${t.app.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('demo-identity').filter({ hasText: name }).click();
  const me = page.getByTestId('page-me');
  await me.locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
  return me;
}

describe('H5 app: 我的 → 手机号 and 隐私与授权', () => {
  it('binds a sandbox phone and shows it masked', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const me = await signIn(page, '王同学');
    expect(await me.getByTestId('profile-phone').innerText()).toBe('未绑定手机号');

    await me.getByTestId('phone-bind-button').click();
    const options = me.getByTestId('sandbox-phone');
    await options.first().waitFor({ state: 'visible', timeout: 10_000 });
    await options.filter({ hasText: '13912345678' }).click();

    await expect.poll(() => me.getByTestId('profile-phone').innerText(), { timeout: 10_000 }).toBe('手机号 139****5678');
    expect(await me.getByTestId('phone-binding').innerText()).toContain('已绑定 139****5678');
    expect(await me.getByTestId('sandbox-phone-list').count()).toBe(0);

    // The server keeps it: a reload reads the account again and shows the same masked phone.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expect.poll(() => page.getByTestId('page-me').getByTestId('profile-phone').innerText(), { timeout: 20_000 }).toBe('手机号 139****5678');
    await page.close();
  }, 120_000);

  it('agrees to health-data processing after reading its text, then withdraws it', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const me = await signIn(page, '李先生');
    await me.getByTestId('consents-entry').click();

    const screen = page.getByTestId('page-consents');
    await screen.getByTestId('consent-list').waitFor({ state: 'visible', timeout: 20_000 });
    const card = screen.locator('[data-testid="consent-card"][data-kind="health_data_processing"][data-patient="self"]');
    expect(await card.getAttribute('data-state')).toBe('none');
    expect(await card.getByTestId('consent-status').innerText()).toBe('未同意');
    // In H5 reminders cannot be switched on: the screen says they need WeChat.
    const subscribe = screen.locator('[data-testid="consent-card"][data-kind="subscribe_message"]');
    expect(await subscribe.getByTestId('subscribe-wechat-only').innerText()).toContain('只能在微信小程序中开启');
    expect(await subscribe.getByTestId('consent-grant').count()).toBe(0);

    await card.getByTestId('consent-grant').click();
    const dialog = page.getByTestId('consent-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await dialog.getAttribute('data-kind')).toBe('health_data_processing');
    expect(await dialog.innerText()).toContain('健康信息属于敏感个人信息');
    expect(await page.getByTestId('consent-dialog-version').innerText()).toBe('版本 2026-01');
    await page.getByTestId('consent-dialog-agree').click();

    const today = shanghaiToday();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('granted');
    expect(await card.getByTestId('consent-status').innerText()).toBe(`已同意（${today}，版本 2026-01）`);
    // Only that consent changed.
    const sharing = screen.locator('[data-testid="consent-card"][data-kind="alliance_sharing"][data-patient="self"]');
    expect(await sharing.getAttribute('data-state')).toBe('none');

    await card.getByTestId('consent-withdraw').click();
    // Taro H5's showModal (its class names say "model") says what stops before anything happens.
    const confirm = page.locator('.taro-model__confirm').filter({ hasText: '撤回' });
    await confirm.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('.taro-modal__text').filter({ visible: true }).innerText()).toBe(
      '撤回后：医生和随访护士将不能再通过 CareLoop 查看或记录该就诊人的健康信息，线上随访和医生的随访提醒会停止。已有的就诊记录仍由医院依法保存。',
    );
    await confirm.click();

    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('withdrawn');
    expect(await card.getByTestId('consent-status').innerText()).toBe(`已撤回（${today}）`);
    expect(await card.getByTestId('consent-grant').innerText()).toBe('重新同意');

    // The server agrees: coming back to the screen shows the same state.
    await page.reload({ waitUntil: 'domcontentloaded' });
    const again = page.getByTestId('page-consents').locator('[data-testid="consent-card"][data-kind="health_data_processing"][data-patient="self"]');
    await again.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await again.getAttribute('data-state')).toBe('withdrawn');
    await page.screenshot({ path: join(t.app.dataDir, 'consents.png') });
    await page.close();
  }, 120_000);
});
