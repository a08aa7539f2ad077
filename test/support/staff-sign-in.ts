import { expect } from 'vitest';
import { demoStaffAccounts, demoStaffPassword } from '../../server/src/features/staff-auth/index.js';
import { totpCode } from '../../server/src/features/staff-auth/totp.js';
import { readJson, type TestApp } from './app.js';

/**
 * Signs a seeded demo staff member in (DEMO-ACCOUNTS.md: the demo password, and for admins the
 * TOTP code of the fixed demo secret at `now`, the app's clock) and returns the access token.
 */
export async function signInDemoStaff(app: Pick<TestApp, 'fetch'>, now: Date, username: string): Promise<string> {
  const account = demoStaffAccounts.find((a) => a.username === username);
  if (!account) throw new Error(`no demo staff account ${username}`);
  const totp = account.totpSecret ? { totp: totpCode(account.totpSecret, now) } : {};
  const response = await app.fetch('/api/v1/staff/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: demoStaffPassword, ...totp }),
  });
  expect(response.status).toBe(200);
  return (await readJson(response)).accessToken;
}

/** A request as a staff member: the bearer token, and a JSON body when there is one. */
export function asStaff(token: string, method = 'GET', body?: unknown): RequestInit {
  return {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
