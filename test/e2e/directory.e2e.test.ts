import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestMongo, uniqueDbName, type TestMongo } from '../support/mongo.js';

// The whole path a patient takes: the H5 app served by the BFF → API → MongoDB cache → the
// hospital (simulator, through the FHIR adapter) → the screen. Debian's Chromium, headless.

const repoRoot = join(import.meta.dirname, '..', '..');
const h5Dir = join(repoRoot, 'miniprogram', 'dist-h5');

let mongo: TestMongo;
let app: { url: string; stop(): Promise<void> };
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error('the H5 app is not built: run `node scripts/build.mjs` (npm test does) before the browser tests');
  }
  mongo = await useTestMongo();
  dataDir = mkdtempSync(join(tmpdir(), 'careloop-e2e-'));
  const { loadConfig } = await import('../../server/src/config.js');
  const { startCareLoop } = await import('../../server/src/main.js');
  const config = loadConfig({
    PORT: '0',
    CARELOOP_DATA_DIR: dataDir,
    MONGODB_URI: mongo.uri,
    MONGODB_DB: uniqueDbName('e2e'),
    H5_DIR: h5Dir,
    LOG_LEVEL: 'silent',
  });
  app = await startCareLoop(config);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await mongo?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function tapItem(page: Page, testId: string, text: string): Promise<void> {
  const item = page.getByTestId(testId).filter({ hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  await item.click();
}

describe('H5 app: 首页 → institution → department → doctor', () => {
  it('shows the alliance, then the departments, doctors and a doctor profile from the hospital system', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await page.goto(app.url, { waitUntil: 'domcontentloaded' });

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
    await page.screenshot({ path: join(dataDir, 'doctor.png') });
    await page.close();
  }, 120_000);
});
