import type { Consent, ConsentKind, SubscribeTemplate } from '@careloop/shared/contracts/consents';
import { shanghaiWallClock } from '../../services/datetime';

/** Where one consent stands for one person: in force, withdrawn, or never given. */
export type ConsentStatus =
  | { state: 'granted'; grantedAt: string; version: string; templates: SubscribeTemplate[] }
  | { state: 'withdrawn'; withdrawnAt: string }
  | { state: 'none' };

/**
 * Reads the status of `kind` for one person (`patientId` null: the account holder) from the
 * account's consent records. Several records may be in force at once (a re-grant, or the
 * templates left after withdrawing some); the newest grant dates the consent and their
 * templates add up.
 */
export function consentStatus(records: readonly Consent[], kind: ConsentKind, patientId: string | null): ConsentStatus {
  const mine = records.filter((r) => r.kind === kind && r.patientId === patientId);
  const inForce = mine.filter((r) => r.withdrawnAt === null);
  if (inForce.length > 0) {
    const newest = inForce.reduce((a, b) => (Date.parse(b.grantedAt) > Date.parse(a.grantedAt) ? b : a));
    const templates = new Map<string, SubscribeTemplate>();
    for (const record of inForce) for (const t of record.templateIds) templates.set(t.id, t);
    return { state: 'granted', grantedAt: newest.grantedAt, version: newest.version, templates: [...templates.values()] };
  }
  const withdrawn = mine.flatMap((r) => (r.withdrawnAt === null ? [] : [r.withdrawnAt]));
  if (withdrawn.length > 0) {
    return { state: 'withdrawn', withdrawnAt: withdrawn.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) };
  }
  return { state: 'none' };
}

/** "2026-01-05T02:00:00Z" → "2026年1月5日" in Asia/Shanghai (consents are dated to the day, with the year). */
export function formatConsentDate(iso: string): string {
  const d = shanghaiWallClock(iso);
  if (!d) return iso;
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
