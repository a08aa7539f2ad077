import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readJson } from '../support/app.js';
import { BOOKING_NOW, listSlots, startBookingWorld, type BookingWorld } from '../support/booking.js';

// The slot list: the hospital's slots of a doctor's day, answered from the inventory in MongoDB,
// each non-bookable one with the reason the screen shows. 陈国华 (pract-core-cardio-1) is a chief
// physician (知名专家, ¥100), so a quarter of his places are kept for referrals; every session keeps 2 priority places.

let world: BookingWorld;
beforeAll(async () => {
  world = await startBookingWorld();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(() => {
  world.clock.set(BOOKING_NOW);
  world.hospital.faults.clear();
});

const short = (items: Array<{ start: string; channel: string; bookable: boolean; reason?: string }>) =>
  items.map((s) => `${s.start.slice(11, 16)} ${s.channel} ${s.bookable ? 'bookable' : s.reason}`);

describe('GET /doctors/:id/slots', () => {
  it('lists an expert’s open day with channels, fees and reasons', async () => {
    const body = await listSlots(world.app, 'pract-core-cardio-1', '2030-03-12');
    expect(body.doctorId).toBe('pract-core-cardio-1');
    expect(body.date).toBe('2030-03-12');
    expect(body.stale).toBe(false);
    expect(body.waitlistOpen).toBe(false);
    expect(body.items).toHaveLength(30);
    expect(short(body.items.slice(0, 16))).toEqual([
      '08:00 public booked_out',
      '08:15 public booked_out',
      '08:30 referral referral_reserved',
      '08:45 public bookable',
      '09:00 priority priority_reserved',
      '09:15 public booked_out',
      '09:30 referral referral_reserved',
      '09:45 public booked_out',
      '10:00 public bookable',
      '10:15 public booked_out',
      '10:30 referral booked_out',
      '10:45 public booked_out',
      '11:00 priority booked_out',
      '11:15 public booked_out',
      '11:30 referral referral_reserved',
      '11:45 public bookable',
    ]);
    expect(body.items[3]).toEqual({
      id: 'slot-pract-core-cardio-1-20300312-0845',
      start: '2030-03-12T08:45:00+08:00',
      end: '2030-03-12T09:00:00+08:00',
      fee: 10000,
      remaining: 1,
      bookable: true,
      channel: 'public',
      period: 'morning',
    });
    expect(body.items[2]).toEqual({
      id: 'slot-pract-core-cardio-1-20300312-0830',
      start: '2030-03-12T08:30:00+08:00',
      end: '2030-03-12T08:45:00+08:00',
      fee: 10000,
      remaining: 1,
      bookable: false,
      channel: 'referral',
      period: 'morning',
      reason: 'referral_reserved',
      reasonText: '转诊预留号，3月11日 08:00起未用完的向所有人开放',
      opensAt: '2030-03-11T08:00:00+08:00',
    });
    expect(body.items[4]).toMatchObject({ reason: 'priority_reserved', reasonText: '优先通道号（老年人、残障人士，请电话或现场预约）' });
    expect(body.items[0]).toMatchObject({ remaining: 0, reason: 'booked_out', reasonText: '已约满' });
    expect(body.rules).toEqual({
      openDaysAhead: 7,
      openTime: '15:00',
      payWithinMinutes: 15,
      cancelCutoffHours: 24,
      closeMinutesBefore: 30,
      maxActivePerPatient: 5,
      onePerDoctorPerDay: true,
      attemptsPerMinute: 5,
      noShow: { threshold: 3, windowDays: 90, pauseDays: 30 },
      texts: [
        '可预约未来7天内的号源，每天15:00放出新一天的号',
        '预约后请在15分钟内完成支付，超时未支付号源自动释放',
        '同一就诊人同一医生同一天只能预约1个号',
        '同一就诊人最多同时有5个未就诊的预约',
        '就诊前24小时前可免费取消并全额退款，之后不能在线取消',
        '就诊前30分钟停止在线预约',
        '每个账号、每位就诊人每分钟最多提交5次预约',
        '90天内爽约3次，将暂停在线预约30天',
        '副主任及以上医师的号源预留25%给医联体转诊患者，就诊前24小时未用完的向所有人开放',
        '每个出诊时段保留2个优先号给65岁以上老人和残障人士，请电话或到院由工作人员预约',
        '约满后可登记候补，有号释放时按登记先后通知，须在30分钟内支付',
      ],
    });
  });

  it('shows a day not released yet with the time it opens', async () => {
    const body = await listSlots(world.app, 'pract-core-cardio-3', '2030-03-13');
    expect(body.items.every((s: { reason?: string }) => s.reason === 'not_open_yet')).toBe(true);
    expect(body.items[0]).toMatchObject({ bookable: false, reasonText: '尚未放号，3月6日 15:00开放预约', opensAt: '2030-03-06T15:00:00+08:00' });
    world.clock.set('2030-03-06T15:00:00+08:00');
    const opened = await listSlots(world.app, 'pract-core-cardio-3', '2030-03-13');
    expect(opened.items.some((s: { bookable: boolean }) => s.bookable)).toBe(true);
  });

  it('shows today’s started slots as past and the next ones as closed (30 minutes before)', async () => {
    const body = await listSlots(world.app, 'pract-core-cardio-3', '2030-03-06');
    expect(short(body.items.slice(4, 8))).toEqual(['09:00 priority past', '09:15 public closed', '09:30 public closed', '09:45 public booked_out']);
    expect(body.items[5]).toMatchObject({ reasonText: '已停止在线预约' });
  });

  it('answers from the stored day while the hospital is down, marked stale once a refresh failed', async () => {
    await listSlots(world.app, 'pract-core-cardio-3', '2030-03-11');
    world.hospital.faults.set({ errorRate: 1 });
    world.clock.advance(61_000);
    const first = await listSlots(world.app, 'pract-core-cardio-3', '2030-03-11');
    expect(first.items).toHaveLength(30);
    await world.app.booking!.idle();
    const second = await listSlots(world.app, 'pract-core-cardio-3', '2030-03-11');
    expect(second.stale).toBe(true);
    expect(second.items).toEqual(first.items);
  });

  it('answers 503 for a day never synced while the hospital is down', async () => {
    world.hospital.faults.set({ errorRate: 1 });
    const response = await world.app.fetch('/api/v1/doctors/pract-core-endo-3/slots?date=2030-03-11');
    expect(response.status).toBe(503);
    expect(await readJson(response)).toEqual({ error: { code: 'hospital_unavailable', message: '医院系统暂时无法访问，请稍后再试' } });
  });

  it('answers 404 for an unknown doctor and 400 naming a bad date', async () => {
    const unknown = await world.app.fetch('/api/v1/doctors/pract-nobody/slots?date=2030-03-11');
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toEqual({ error: { code: 'not_found', message: '未找到该医生，请返回医生列表重新选择' } });
    const bad = await world.app.fetch('/api/v1/doctors/pract-core-cardio-3/slots?date=2026-11-31x');
    expect(bad.status).toBe(400);
    const body = await readJson(bad);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details).toEqual([{ path: 'query.date', code: 'invalid_format', message: '日期格式应为 YYYY-MM-DD' }]);
  });
});
