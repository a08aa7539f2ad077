import { ScrollView, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatFen, type ScheduleDay } from '@careloop/shared';
import type { Slot, SlotListResponse, SlotUnavailableReason } from '@careloop/shared/contracts/appointments';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { StaleBanner } from '../../../../components/stale-banner';
import { useRequest } from '../../../../hooks/use-request';
import { useSession } from '../../../../hooks/use-session';
import { directoryApi } from '../../../../services/api';
import { formatLocalDate } from '../../../../services/datetime';
import { accountRoutes } from '../../../../services/routes';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { deadlineText } from '../../../../pages/appointments/visit-time';
import { shanghaiClock } from '../../../../services/datetime';
import { bookingApi } from '../../booking-api';
import { RulesList } from '../../components/rules-list';
import { decodeParam, requiredParam } from '../../../../services/route-params';
import './index.scss';

const PERIODS = [
  { period: 'morning', label: '上午' },
  { period: 'afternoon', label: '下午' },
] as const;

/** A day of the doctor's schedule, both sessions added up. */
interface DayOption {
  date: string;
  available: number;
  total: number;
}

function daysOf(schedule: ScheduleDay[], current: string): DayOption[] {
  const days = new Map<string, DayOption>();
  for (const s of schedule) {
    const day = days.get(s.date) ?? { date: s.date, available: 0, total: 0 };
    day.available += s.available;
    day.total += s.total;
    days.set(s.date, day);
  }
  if (current && !days.has(current)) days.set(current, { date: current, available: 0, total: 0 });
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** A greyed cell's short label; the server's full `reasonText` is shown below the grid and on tap. */
const REASON_LABELS: Record<SlotUnavailableReason, string> = {
  booked_out: '已约满',
  past: '已过时',
  closed: '停止预约',
  not_open_yet: '未放号',
  session_stopped: '停诊',
  referral_reserved: '转诊预留',
  priority_reserved: '优先号',
};

/** Reasons that need no explaining beyond the cell's label. */
const OBVIOUS = new Set<SlotUnavailableReason | undefined>(['booked_out', 'past']);

/** Why a greyed slot cannot be booked, in the server's words (with the opening time when there is one). */
function whyNot(slot: Slot): string {
  if (slot.reasonText) return slot.reasonText;
  const label = slot.reason ? REASON_LABELS[slot.reason] : '该时段暂不可预约';
  return slot.opensAt ? `${label}，${deadlineText(slot.opensAt)} 开放预约` : label;
}

/** The distinct explanations of a day's greyed slots that are not obvious from the label. */
function explanations(items: Slot[]): { label: string; text: string }[] {
  const seen = new Map<string, { label: string; text: string }>();
  for (const slot of items) {
    if (slot.bookable || OBVIOUS.has(slot.reason)) continue;
    const text = whyNot(slot);
    if (!seen.has(text)) seen.set(text, { label: slot.reason ? REASON_LABELS[slot.reason] : '不可约', text });
  }
  return [...seen.values()];
}

/**
 * 选择就诊时段: one doctor's day as a grid of 15-minute slots (上午 / 下午) with places left;
 * slots that cannot be booked are greyed and say why; a full day offers the waitlist (候补).
 * Route: ?doctorId=…&date=YYYY-MM-DD (date optional: the first day with places).
 */
export default function SlotsPage() {
  const { params } = useRouter();
  const doctorId = decodeParam(params.doctorId);
  const [date, setDate] = useState(() => decodeParam(params.date));
  const session = useSession();

  const profile = useRequest(() => directoryApi.doctor(requiredParam(doctorId, '医生')), [doctorId]);
  // Without a date the page waits for the schedule to pick the first day with places.
  const slots = useRequest<SlotListResponse>(
    () => (date ? bookingApi.slots(requiredParam(doctorId, '医生'), date) : new Promise<never>(() => undefined)),
    [doctorId, date],
  );
  const shown = useRef(false);
  useDidShow(() => {
    // Back from a lost race on the confirm page: the counts have changed.
    if (shown.current) slots.reload();
    shown.current = true;
  });

  const doctor = profile.status === 'success' ? profile.data.doctor : null;
  const days = useMemo(() => daysOf(doctor?.scheduleSummary ?? [], date), [doctor, date]);
  useEffect(() => {
    if (date || !doctor) return;
    const first = days.find((d) => d.available > 0) ?? days[0];
    if (first) setDate(first.date);
  }, [date, doctor, days]);
  useEffect(() => {
    if (doctor) void Taro.setNavigationBarTitle({ title: `${doctor.name} · 选择时段` });
  }, [doctor]);

  const needLogin = (): boolean => {
    if (session) return false;
    void Taro.showToast({ title: '请先登录', icon: 'none' });
    void Taro.navigateTo({ url: accountRoutes.login });
    return true;
  };

  const choose = (slot: Slot) => {
    if (!slot.bookable) {
      void Taro.showModal({ title: `${shanghaiClock(slot.start)} 暂不可预约`, content: whyNot(slot), showCancel: false, confirmText: '知道了' });
      return;
    }
    if (needLogin()) return;
    void Taro.navigateTo({ url: bookingRoutes.patient({ mode: 'book', doctorId, date, slotId: slot.id }) });
  };

  const joinWaitlist = () => {
    if (needLogin()) return;
    void Taro.navigateTo({ url: bookingRoutes.patient({ mode: 'waitlist', doctorId, date }) });
  };

  return (
    <PageRoot testId="page-booking-slots">
      {doctor ? (
        <View className="cl-slots__doctor" data-testid="slots-doctor">
          <Text className="cl-slots__doctor-name">{doctor.name}</Text>
          <Text className="cl-slots__doctor-title">{doctor.titleText}</Text>
          <Text className="cl-slots__doctor-fee">挂号费 {formatFen(doctor.consultationFee)}</Text>
        </View>
      ) : null}

      {/* The strip waits for the schedule, so it does not jump from one day to two weeks. */}
      {profile.status !== 'loading' && days.length > 0 ? (
        <ScrollView scrollX className="cl-slots__days" data-testid="date-options">
          {days.map((d) => (
            <View
              key={d.date}
              className={`cl-slots__day${d.date === date ? ' cl-slots__day--on' : ''}${d.available === 0 ? ' cl-slots__day--full' : ''}`}
              data-testid="date-option"
              data-date={d.date}
              data-selected={d.date === date ? 'yes' : 'no'}
              onClick={() => setDate(d.date)}
            >
              <Text className="cl-slots__day-date">{formatLocalDate(d.date).split(' ')[0]}</Text>
              <Text className="cl-slots__day-week">{formatLocalDate(d.date).split(' ')[1] ?? ''}</Text>
              <Text className="cl-slots__day-left">{d.total === 0 ? '—' : d.available > 0 ? `余${d.available}` : '约满'}</Text>
            </View>
          ))}
        </ScrollView>
      ) : profile.status === 'success' ? (
        <Text className="cl-slots__muted" data-testid="schedule-empty">
          近两周暂无出诊安排
        </Text>
      ) : null}

      <RequestView request={slots} isEmpty={(d) => d.items.length === 0} emptyTitle="当天没有出诊" emptyDescription="请选择其他日期" skeletonRows={6}>
        {(data) => <SlotGrid data={data} onChoose={choose} onJoinWaitlist={joinWaitlist} />}
      </RequestView>
    </PageRoot>
  );
}

interface SlotGridProps {
  data: SlotListResponse;
  onChoose: (slot: Slot) => void;
  onJoinWaitlist: () => void;
}

function SlotGrid({ data, onChoose, onJoinWaitlist }: SlotGridProps) {
  const [rulesOpen, setRulesOpen] = useState(false);
  const { rules } = data;
  const notes = explanations(data.items);
  return (
    <View data-testid="slot-grid" data-date={data.date}>
      <StaleBanner stale={data.stale} syncedAt={null} />
      {data.waitlistOpen ? (
        <View className="cl-slots__waitlist" data-testid="waitlist-banner">
          <Text className="cl-slots__waitlist-title">当天号源已约满</Text>
          <Text className="cl-slots__waitlist-text">可加入候补：有人取消时，按候补先后为您保留号源，并通知您在规定时间内支付。</Text>
          <Button type="primary" size="large" block onClick={onJoinWaitlist} data-testid="waitlist-join">
            加入候补
          </Button>
        </View>
      ) : null}

      {PERIODS.map(({ period, label }) => {
        const items = data.items.filter((s) => s.period === period);
        if (items.length === 0) return null;
        const open = items.filter((s) => s.bookable).length;
        return (
          <View key={period} className="cl-slots__period" data-testid="slot-period" data-period={period}>
            <Text className="cl-slots__period-title">
              {label} <Text className="cl-slots__period-count">{open > 0 ? `${open} 个时段可约` : '暂无可约时段'}</Text>
            </Text>
            <View className="cl-slots__grid">
              {items.map((slot) => (
                <View
                  key={slot.id}
                  className={slot.bookable ? 'cl-slot' : 'cl-slot cl-slot--off'}
                  data-testid="slot-item"
                  data-id={slot.id}
                  data-start={slot.start}
                  data-bookable={slot.bookable ? 'yes' : 'no'}
                  data-reason={slot.reason}
                  onClick={() => onChoose(slot)}
                  hoverClass={slot.bookable ? 'cl-slot--pressed' : 'none'}
                >
                  <Text className="cl-slot__time" data-testid="slot-time">
                    {shanghaiClock(slot.start)}
                  </Text>
                  <Text className="cl-slot__left" data-testid="slot-left">
                    {slot.bookable ? `余${slot.remaining}` : slot.reason ? REASON_LABELS[slot.reason] : '不可约'}
                  </Text>
                </View>
              ))}
            </View>
          </View>
        );
      })}

      {notes.length > 0 ? (
        <View className="cl-slots__notes" data-testid="slot-reasons">
          {notes.map((n) => (
            <Text key={n.text} className="cl-slots__note" data-testid="slot-reason">
              <Text className="cl-slots__note-label">{n.label}</Text>
              {n.text}
            </Text>
          ))}
        </View>
      ) : null}

      <View className="cl-slots__rules">
        <Text className="cl-slots__rules-line" data-testid="rules-summary">
          每天 {rules.openTime} 放出未来 {rules.openDaysAhead} 天的号源；预约后请在 {rules.payWithinMinutes} 分钟内支付；就诊前 {rules.cancelCutoffHours} 小时以前可免费取消。
        </Text>
        <Text className="cl-slots__rules-toggle" data-testid="rules-toggle" onClick={() => setRulesOpen((v) => !v)}>
          {rulesOpen ? '收起预约须知' : '查看全部预约须知 ›'}
        </Text>
      </View>
      {rulesOpen ? <RulesList texts={rules.texts} /> : null}
    </View>
  );
}
