import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../shared/src/domain/id-card.js';
import { useBrowserApp } from '../support/browser-app.js';

// A patient binds a phone in the WeChat sandbox and sees it masked on 我的, then agrees to a
// consent on 隐私与授权 (after reading its text and version) and withdraws it again. 家人代办:
// an owner invites a family member's account with a code, which accepts it and sees the patient
// marked 代办 until the owner removes it.

const t = useBrowserApp('e2e_account');

/** Today in Asia/Shanghai as the consents screen writes it, e.g. 2026年1月5日. */
function shanghaiToday(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(new Date());
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return `${part('year')}年${part('month')}月${part('day')}日`;
}

/** The patient session the page stored (Taro's H5 storage wraps values as { data }). */
async function storedAccessToken(page: Page): Promise<string> {
  // The test tsconfig has no DOM types; the callback runs in the page.
  const raw = await page.evaluate(() =>
    (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem('careloop.auth'),
  );
  const token = raw ? (JSON.parse(raw) as { data?: { accessToken?: string } }).data?.accessToken : undefined;
  if (!token) throw new Error('no patient session stored');
  return token;
}

/** Signs in with a demo identity on the login page and waits for 我的. */
async function signIn(page: Page, name: string): Promise<Locator> {
  await page.goto(`${t.app.url}/packages/account/pages/login/index`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('demo-identity').filter({ hasText: name }).click();
  const me = page.getByTestId('page-me');
  await me.locator('[data-testid="profile-card"][data-signed-in="yes"]').waitFor({ state: 'visible', timeout: 20_000 });
  return me;
}

describe('H5 app: 我的 → 手机号, 隐私与授权, 家人代办', () => {
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

  it('家人代办: the owner invites with a code, a family member accepts it and sees the patient marked 代办, the owner removes them', async () => {
    // The owner (张阿姨) adds her father through the API with the session the page signed in.
    const owner = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const ownerMe = await signIn(owner, '张阿姨');
    const first17 = '11010519420315003';
    const added = await fetch(`${t.app.url}/api/v1/patients`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await storedAccessToken(owner)}` },
      body: JSON.stringify({ relationship: 'parent', name: '张德福', idType: 'resident_id', idNumber: `${first17}${residentIdCheckChar(first17)}` }),
    });
    expect(added.status).toBe(201);
    const patientId = ((await added.json()) as { id: string }).id;

    await ownerMe.getByTestId('patients-entry').click();
    await owner.getByTestId('page-patients').locator(`[data-testid="patient-item"][data-id="${patientId}"]`).click();
    const section = owner.getByTestId('page-patient-edit').getByTestId('proxy-section');
    await section.waitFor({ state: 'visible', timeout: 20_000 });
    await section.getByTestId('empty-state').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await section.getByTestId('empty-state').innerText()).toContain('还没有家人代办');
    await section.getByTestId('proxy-invite').click();
    const invitation = section.getByTestId('proxy-invitation');
    await invitation.waitFor({ state: 'visible', timeout: 10_000 });
    const code = (await invitation.getAttribute('data-code')) ?? '';
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/);
    expect(await section.getByTestId('proxy-invitation-code').innerText()).toBe(`${code.slice(0, 4)} ${code.slice(4)}`);
    expect(await section.getByTestId('proxy-invitation-expiry').innerText()).toMatch(/^10分钟内有效，至 \d+月\d+日 \d\d:\d\d（剩余 (10:00|9:[0-5]\d)），只能使用一次$/);

    // The family member (王同学), in a browser of their own: 我的 → 接受家人邀请, a mistyped code first.
    const family = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const familyMe = await signIn(family, '王同学');
    await familyMe.getByTestId('proxy-accept-entry').click();
    const accept = family.getByTestId('page-proxy-accept');
    await accept.getByTestId('proxy-code').locator('input').fill('ABC');
    await accept.getByTestId('proxy-accept-submit').click();
    expect(await accept.getByTestId('proxy-accept-error').innerText()).toBe('邀请码应为8位字母或数字，请核对后重新输入');
    // Read aloud and typed in lower case with a space: still the code.
    await accept.getByTestId('proxy-code').locator('input').fill(`${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`);
    await accept.getByTestId('proxy-accept-submit').click();
    const done = accept.getByTestId('proxy-accepted');
    await done.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await done.innerText()).toContain('已成为“张德福”的代办人');
    await accept.getByTestId('proxy-accepted-patients').click();
    const proxied = family.getByTestId('page-patients').locator(`[data-testid="patient-item"][data-id="${patientId}"]`);
    await proxied.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await proxied.getByTestId('patient-item-name').innerText()).toBe('张德福');
    expect(await proxied.innerText()).toContain('代办');
    expect(await proxied.getByTestId('patient-item-proxy').innerText()).toBe('家人授权您代办');
    // A proxy edits but cannot delete the patient or invite others.
    await proxied.click();
    const proxyForm = family.getByTestId('page-patient-edit');
    await proxyForm.getByTestId('patient-proxy-note').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await proxyForm.getByTestId('patient-delete').count()).toBe(0);
    expect(await proxyForm.getByTestId('proxy-section').count()).toBe(0);

    // The owner sees the family member and removes them after being told what that means.
    await section.getByTestId('proxy-refresh').click();
    const item = section.getByTestId('proxy-item');
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await item.getByTestId('proxy-item-name').innerText()).toBe('王同学');
    await item.getByTestId('proxy-revoke').click();
    const confirm = owner.locator('.taro-model__confirm').filter({ hasText: '移除' });
    await confirm.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await owner.locator('.taro-modal__text').filter({ visible: true }).innerText()).toBe(
      '移除后，王同学将不能再查看或代办“张德福”的挂号、报告等事务。',
    );
    await confirm.click();
    await section.getByTestId('empty-state').waitFor({ state: 'visible', timeout: 10_000 });

    // The family member's list no longer has the patient; the used code cannot be accepted again.
    await family.goto(`${t.app.url}/packages/account/pages/patients/index`, { waitUntil: 'domcontentloaded' });
    await family.getByTestId('page-patients').getByTestId('empty-state').waitFor({ state: 'visible', timeout: 20_000 });
    await family.goto(`${t.app.url}/packages/account/pages/proxy-accept/index`, { waitUntil: 'domcontentloaded' });
    await family.getByTestId('proxy-code').locator('input').fill(code);
    await family.getByTestId('proxy-accept-submit').click();
    const used = family.getByTestId('proxy-accept-error');
    await used.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await used.innerText()).toBe('该邀请码已被使用，每个邀请码只能使用一次；请家人重新生成邀请码');
    await owner.close();
    await family.close();
  }, 180_000);
});
