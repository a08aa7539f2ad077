import { describe, expect, it } from 'vitest';
import { assignChannels, reservedCounts } from './channels.js';
import { cancelDecision, noShowPausedUntil, opensAtFor, reasonText, referralReleaseAt, slotAvailability, type SlotFacts } from './rules.js';
import { defaultBookingRules, rulesFor } from './settings.js';
import { shanghaiIso } from './shanghai.js';

const rules = defaultBookingRules;
const at = (iso: string) => new Date(iso);

describe('opensAtFor (7 days ahead at 15:00 Shanghai)', () => {
  it.each([
    ['2026-12-02', '2026-11-25T15:00:00+08:00'],
    // Across a month and a year boundary.
    ['2026-12-03', '2026-11-26T15:00:00+08:00'],
    ['2027-01-01', '2026-12-25T15:00:00+08:00'],
    ['2026-03-01', '2026-02-22T15:00:00+08:00'],
  ])('%s opens at %s', (date, expected) => {
    expect(shanghaiIso(opensAtFor(date, rules))).toBe(expected);
  });

  it('follows the institution overrides', () => {
    const core = rulesFor({ defaults: rules, byInstitution: { 'org-core': { openDaysAhead: 14, openTime: '06:30' } } }, 'org-core');
    expect(shanghaiIso(opensAtFor('2026-12-09', core))).toBe('2026-11-25T06:30:00+08:00');
    expect(rulesFor({ defaults: rules, byInstitution: { 'org-core': { openDaysAhead: 14 } } }, 'org-county')).toBe(rules);
  });
});

describe('slotAvailability', () => {
  const base: SlotFacts = {
    start: at('2026-12-02T09:00:00+08:00'),
    channel: 'public',
    capacity: 1,
    taken: 0,
    releaseAt: at('2026-12-01T08:00:00+08:00'),
    opensAt: at('2026-11-25T15:00:00+08:00'),
    stopped: false,
  };
  const now = at('2026-11-26T10:00:00+08:00');

  it.each<[string, Partial<SlotFacts>, string, 'public' | 'referral' | 'priority', unknown]>([
    ['a free public place', {}, now.toISOString(), 'public', { bookable: true, remaining: 1 }],
    ['the session stopped', { stopped: true }, now.toISOString(), 'public', { bookable: false, reason: 'session_stopped', remaining: 0 }],
    ['already started', {}, '2026-12-02T09:00:00+08:00', 'public', { bookable: false, reason: 'past', remaining: 0 }],
    ['30 minutes before: closed', {}, '2026-12-02T08:30:00+08:00', 'public', { bookable: false, reason: 'closed', remaining: 0 }],
    ['31 minutes before: still open', {}, '2026-12-02T08:29:00+08:00', 'public', { bookable: true, remaining: 1 }],
    ['one minute before the release', {}, '2026-11-25T14:59:00+08:00', 'public', { bookable: false, reason: 'not_open_yet', remaining: 1, opensAt: at('2026-11-25T15:00:00+08:00') }],
    ['at the release', {}, '2026-11-25T15:00:00+08:00', 'public', { bookable: true, remaining: 1 }],
    ['taken', { taken: 1 }, now.toISOString(), 'public', { bookable: false, reason: 'booked_out', remaining: 0 }],
    ['taken at the hospital', { capacity: 0 }, now.toISOString(), 'public', { bookable: false, reason: 'booked_out', remaining: 0 }],
    ['a referral place before its release', { channel: 'referral' }, now.toISOString(), 'public', { bookable: false, reason: 'referral_reserved', remaining: 1, opensAt: at('2026-12-01T08:00:00+08:00') }],
    ['a referral place for a referral', { channel: 'referral' }, now.toISOString(), 'referral', { bookable: true, remaining: 1 }],
    ['a referral place after its release', { channel: 'referral' }, '2026-12-01T08:00:00+08:00', 'public', { bookable: true, remaining: 1 }],
    ['a priority place', { channel: 'priority' }, now.toISOString(), 'public', { bookable: false, reason: 'priority_reserved', remaining: 1 }],
    ['a priority place for staff', { channel: 'priority' }, now.toISOString(), 'priority', { bookable: true, remaining: 1 }],
    ['a public place for staff', {}, now.toISOString(), 'priority', { bookable: true, remaining: 1 }],
  ])('%s', (_name, change, nowIso, channel, expected) => {
    expect(slotAvailability({ ...base, ...change }, at(nowIso), rules, channel)).toEqual(expected);
  });

  it('explains the reasons in Chinese, with the opening time', () => {
    expect(reasonText({ bookable: false, reason: 'not_open_yet', remaining: 1, opensAt: at('2026-11-25T15:00:00+08:00') })).toBe('尚未放号，11月25日 15:00开放预约');
    expect(reasonText({ bookable: false, reason: 'referral_reserved', remaining: 1, opensAt: at('2026-12-01T08:00:00+08:00') })).toBe(
      '转诊预留号，12月1日 08:00起未用完的向所有人开放',
    );
    expect(reasonText({ bookable: false, reason: 'booked_out', remaining: 0 })).toBe('已约满');
  });

  it('releases referral places 24 h before the session', () => {
    expect(shanghaiIso(referralReleaseAt(at('2026-12-02T08:00:00+08:00'), rules))).toBe('2026-12-01T08:00:00+08:00');
  });
});

describe('cancelDecision (free until 24 h before)', () => {
  const start = at('2026-12-02T09:00:00+08:00');
  it.each<[string, 'pending_payment' | 'booked' | 'confirming' | 'cancelled', string, boolean, string | undefined]>([
    ['booked, 25 h before', 'booked', '2026-12-01T08:00:00+08:00', true, undefined],
    ['booked, one minute before the cut-off', 'booked', '2026-12-01T08:59:00+08:00', true, undefined],
    ['booked, at the cut-off', 'booked', '2026-12-01T09:00:00+08:00', false, 'cutoff'],
    ['booked, on the day', 'booked', '2026-12-02T07:00:00+08:00', false, 'cutoff'],
    ['unpaid, an hour before', 'pending_payment', '2026-12-02T08:00:00+08:00', true, undefined],
    ['unpaid, after the start', 'pending_payment', '2026-12-02T09:00:00+08:00', false, 'status'],
    ['being registered', 'confirming', '2026-11-30T09:00:00+08:00', false, 'status'],
    ['already cancelled', 'cancelled', '2026-11-30T09:00:00+08:00', false, 'status'],
  ])('%s', (_name, status, nowIso, allowed, refusal) => {
    const decision = cancelDecision({ status, start }, at(nowIso), rules);
    expect(decision.allowed).toBe(allowed);
    expect(decision.refusal).toBe(refusal);
    expect(shanghaiIso(decision.freeUntil)).toBe('2026-12-01T09:00:00+08:00');
  });

  it('names the rule', () => {
    expect(cancelDecision({ status: 'booked', start }, at('2026-12-01T10:00:00+08:00'), rules).ruleText).toBe(
      '就诊前24小时（12月1日 09:00）前可免费取消并全额退款，之后不能在线取消；如确需取消，请联系医院',
    );
  });
});

describe('noShowPausedUntil (3 in 90 days → 30 days)', () => {
  const now = at('2026-11-26T10:00:00+08:00');
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  it.each<[string, Date[], string | null]>([
    ['none', [], null],
    ['two', [daysAgo(10), daysAgo(20)], null],
    ['three within 90 days, the last 10 days ago', [daysAgo(10), daysAgo(40), daysAgo(80)], '2026-12-16T10:00:00+08:00'],
    // Within 81 days of each other when the third came: that pause (10 days ago) runs its 30 days.
    ['three, the first now 91 days ago', [daysAgo(10), daysAgo(40), daysAgo(91)], '2026-12-16T10:00:00+08:00'],
    ['three, the pause already served', [daysAgo(31), daysAgo(40), daysAgo(80)], null],
    ['three within 88 days, the first now 93 days ago', [daysAgo(5), daysAgo(50), daysAgo(93)], '2026-12-21T10:00:00+08:00'],
    ['three spread over more than 90 days never pause', [daysAgo(5), daysAgo(50), daysAgo(100)], null],
    ['four: the latest trio decides', [daysAgo(2), daysAgo(20), daysAgo(60), daysAgo(85)], '2026-12-24T10:00:00+08:00'],
  ])('%s', (_name, noShows, expected) => {
    const until = noShowPausedUntil(noShows, now, rules);
    expect(until === null ? null : shanghaiIso(until)).toBe(expected);
  });
});

describe('channels', () => {
  it.each<[string, number, { expert: boolean; departmentId: string }, { referral: number; priority: number }]>([
    ['an expert morning of 16', 16, { expert: true, departmentId: 'dept-x' }, { referral: 4, priority: 2 }],
    ['an expert afternoon of 14', 14, { expert: true, departmentId: 'dept-x' }, { referral: 4, priority: 2 }],
    ['an ordinary session', 16, { expert: false, departmentId: 'dept-x' }, { referral: 0, priority: 2 }],
    ['a department at 30%', 16, { expert: true, departmentId: 'dept-cardio' }, { referral: 5, priority: 2 }],
    ['a tiny session', 2, { expert: true, departmentId: 'dept-x' }, { referral: 1, priority: 1 }],
  ])('%s keeps %o', (_name, places, session, expected) => {
    expect(reservedCounts(places, session, { ...rules, referralReserveByDepartment: { 'dept-cardio': 30 } })).toEqual(expected);
  });

  it('spreads the reserves over the session', () => {
    const letters = { public: '.', referral: 'R', priority: 'P' } as const;
    const pattern = (places: number, counts: { referral: number; priority: number }) =>
      assignChannels(places, counts)
        .map((c) => letters[c])
        .join('');
    expect(pattern(16, { referral: 4, priority: 2 })).toBe('..R.P.R...R.P.R.');
    expect(pattern(14, { referral: 4, priority: 2 })).toBe('.R.P.R..R.P.R.');
    expect(pattern(16, { referral: 0, priority: 2 })).toBe('....P.......P...');
    expect(pattern(3, { referral: 5, priority: 2 })).toBe('RRR');
  });
});
