import type { BookingChannel } from '@careloop/shared/contracts/appointments';
import type { ChannelCounts, StaffSession } from '@careloop/shared/contracts/sessions';

/** The channels in the order the session card lists them, with what each means to a scheduler. */
export const CHANNELS: readonly { channel: BookingChannel; label: string; hint: string }[] = [
  { channel: 'public', label: '普通号', hint: '所有患者在线预约' },
  { channel: 'referral', label: '转诊预留', hint: '医联体基层转诊患者' },
  { channel: 'priority', label: '优先号', hint: '老年人、残障人士，由工作人员电话或现场预约' },
];

/** 上午 / 下午. */
export const PERIOD_LABELS: Record<StaffSession['period'], string> = {
  morning: '上午',
  afternoon: '下午',
};

/** All places of a session (every channel). */
export function totalPlaces(counts: ChannelCounts): number {
  return counts.public + counts.referral + counts.priority;
}
