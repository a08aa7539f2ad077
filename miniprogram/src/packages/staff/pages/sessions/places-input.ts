import { MAX_ADDED_PLACES, SessionPlacesAddSchema, type SessionPlacesAdd } from '@careloop/shared/contracts/sessions';

/**
 * The 加号 form's input: a number of places, or a share of the session's places (+30%), checked
 * before it is sent and turned into what the scheduler is asked to confirm.
 */

/** How the scheduler states the places to add. */
export type PlacesMode = 'count' | 'percent';

/** The choices of the mode chips. */
export const PLACES_MODES: ReadonlyArray<{ id: PlacesMode; label: string }> = [
  { id: 'count', label: '按数量' },
  { id: 'percent', label: '按比例' },
];

/** A checked request: the body to send and how many places it adds to a session of `total`. */
export type PlacesCheck = { ok: true; body: SessionPlacesAdd; adds: number } | { ok: false; error: string };

/**
 * Checks the typed value: a whole number from 1 (at most 100 places, or 100%). A share is
 * rounded up as the server does (+30% of 16 → 5 places, at least one).
 */
export function checkPlaces(mode: PlacesMode, text: string, total: number): PlacesCheck {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed) || Number(trimmed) < 1) {
    return { ok: false, error: mode === 'count' ? '请输入要加的号数（正整数）' : '请输入加号比例（1–100 的整数）' };
  }
  const value = Number(trimmed);
  const parsed = SessionPlacesAddSchema.safeParse(mode === 'count' ? { count: value } : { percent: value });
  if (!parsed.success) return { ok: false, error: mode === 'count' ? `一次最多加${MAX_ADDED_PLACES}个号` : '加号比例不能超过100%' };
  const adds = mode === 'count' ? value : Math.max(1, Math.ceil((total * value) / 100));
  return { ok: true, body: parsed.data, adds };
}

/** What the confirm dialog says: how many places, the count afterwards, and who can book them. */
export function placesConfirmText(adds: number, total: number): string {
  return `将加 ${adds} 个号（共 ${total} → ${total + adds} 个号），加号由医院系统生成，分布在该时段的各个时间点，作为普通号向所有患者开放，且不能撤销。`;
}
