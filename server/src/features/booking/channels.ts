import type { BookingChannel } from '@careloop/shared/contracts/appointments';
import type { BookingRuleSettings } from './settings.js';

/**
 * How a session's places are split between the channels: the referral reserve (a share of an
 * expert's places, per department), the priority channel (a few places per session), the rest
 * public. Pure, so the split is table-tested and the same session always splits the same way.
 */

/** Titles whose sessions are "expert" (专家号): the referral reserve applies to them. */
export const expertTitles: readonly string[] = ['associate_chief', 'chief'];

/** How many places of each reserved channel a session of `places` slots keeps. */
export function reservedCounts(
  places: number,
  session: { expert: boolean; departmentId: string },
  rules: Pick<BookingRuleSettings, 'referralReservePercent' | 'referralReserveByDepartment' | 'prioritySlotsPerSession'>,
): { referral: number; priority: number } {
  const percent = rules.referralReserveByDepartment[session.departmentId] ?? rules.referralReservePercent;
  const referral = session.expert ? Math.min(places, Math.round((places * percent) / 100)) : 0;
  const priority = Math.min(places - referral, rules.prioritySlotsPerSession);
  return { referral, priority };
}

/** `count` positions spread evenly over `positions` (the middle of each equal share). */
function spread<T>(positions: readonly T[], count: number): T[] {
  const picked: T[] = [];
  for (let j = 0; j < count; j++) picked.push(positions[Math.floor(((j + 0.5) * positions.length) / count)]!);
  return picked;
}

/**
 * The channel of each of a session's `places` slots (in start order): the referral places spread
 * evenly over the session (patients travelling from community centres get morning and late
 * times alike), then the priority places spread over what is left, the rest public.
 */
export function assignChannels(places: number, counts: { referral: number; priority: number }): BookingChannel[] {
  const channels: BookingChannel[] = Array.from({ length: places }, () => 'public');
  const referral = Math.min(places, counts.referral);
  for (const i of spread([...channels.keys()], referral)) channels[i] = 'referral';
  const rest = [...channels.keys()].filter((i) => channels[i] === 'public');
  for (const i of spread(rest, Math.min(rest.length, counts.priority))) channels[i] = 'priority';
  return channels;
}
