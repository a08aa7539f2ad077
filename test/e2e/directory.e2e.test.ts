import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserApp } from '../support/browser-app.js';

// The whole path a patient takes: the H5 app served by the BFF → API → MongoDB cache → the
// hospital (simulator, through the FHIR adapter) → the screen. Debian's Chromium, headless.

const t = useBrowserApp('e2e');

async function tapItem(page: Page, testId: string, text: string): Promise<void> {
  const item = page.getByTestId(testId).filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  await item.click();
}

describe('H5 app: 首页 → institution → department → doctor', () => {
  it('shows the alliance, then the departments, doctors and a doctor profile from the hospital system', async () => {
    const page = await t.browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(t.app.url, { waitUntil: 'domcontentloaded' });

    const institutions = page.getByTestId('institution-item');
    await institutions.first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await institutions.allInnerTexts()).toEqual([
      expect.stringContaining('滨江市第一人民医院'),
      expect.stringContaining('清溪县人民医院'),
      expect.stringContaining('滨江市江东街道社区卫生服务中心'),
      expect.stringContaining('滨江市城西街道社区卫生服务中心'),
    ]);

    await tapItem(page, 'institution-item', '滨江市第一人民医院');
    await tapItem(page, 'department-item', '心血管内科');
    const doctors = page.getByTestId('doctor-item');
    await doctors.first().waitFor({ state: 'visible', timeout: 20_000 });
    const names = await doctors.allInnerTexts();
    expect(names.some((t) => t.includes('陈国华'))).toBe(true);
    expect(names.some((t) => t.includes('刘慧敏'))).toBe(true);

    await tapItem(page, 'doctor-item', '陈国华');
    const name = page.getByTestId('doctor-name');
    await name.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await name.innerText()).toContain('陈国华');
    expect(await page.locator('body').innerText()).toContain('主任医师');
    await page.screenshot({ path: join(t.app.dataDir, 'doctor.png') });
    await page.close();
  }, 120_000);
});
