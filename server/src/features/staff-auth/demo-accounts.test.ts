import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoAccountsTable, demoStaffAccounts } from './demo-accounts.js';

describe('demo staff accounts', () => {
  it('DEMO-ACCOUNTS.md lists exactly the seeded accounts', () => {
    const markdown = readFileSync(new URL('./DEMO-ACCOUNTS.md', import.meta.url), 'utf8');
    expect(markdown).toContain(demoAccountsTable());
  });

  it('has one account per role, admins with a base32 TOTP secret and nobody else', () => {
    expect(new Set(demoStaffAccounts.map((account) => account.role)).size).toBe(8);
    for (const account of demoStaffAccounts) {
      const admin = account.role === 'institution_admin' || account.role === 'alliance_admin';
      expect(account.totpSecret === undefined ? null : /^[A-Z2-7]{32}$/.test(account.totpSecret)).toBe(admin ? true : null);
    }
  });
});
