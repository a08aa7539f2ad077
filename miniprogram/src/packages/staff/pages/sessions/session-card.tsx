import { Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { formatFen } from '@careloop/shared';
import type { SessionPlacesResult, SessionStopResult, StaffAppointment, StaffSession } from '@careloop/shared/contracts/sessions';
import { formatLocalDate, formatShanghaiDateTime } from '../../../../services/datetime';
import { deadlineText } from '../../../../pages/appointments/visit-time';
import { shanghaiClock } from '../../../../services/datetime';
import { CHANNELS, PERIOD_LABELS, totalPlaces } from '../../session-labels';
import { PlacesForm } from './places-form';
import { PriorityForm } from './priority-form';
import { QuotaForm } from './quota-form';
import { StopForm } from './stop-form';

type Mode = 'view' | 'quota' | 'stop' | 'places' | 'priority';

/** Props of SessionCard. */
export interface SessionCardProps {
  session: StaffSession;
  /** The latest state after a change made here (quota saved, session stopped). */
  onChanged: (session: StaffSession) => void;
  now: number;
  /** Whether this staff member books the session's priority places (优先预约). */
  canBookPriority?: boolean;
}

/**
 * One half-day session: places, taken and left per channel, when the unused referral reserve
 * opens to everyone, 已停诊 with the reason; and the actions, 调整号源分配, 加号 and 停诊.
 */
export function SessionCard({ session, onChanged, now, canBookPriority = false }: SessionCardProps) {
  const [mode, setMode] = useState<Mode>('view');
  const [saved, setSaved] = useState(false);
  const [stopResult, setStopResult] = useState<SessionStopResult | null>(null);
  const [placesResult, setPlacesResult] = useState<SessionPlacesResult | null>(null);
  const [priorityResult, setPriorityResult] = useState<StaffAppointment | null>(null);
  const total = totalPlaces(session.quota);
  const taken = totalPlaces(session.taken);
  const ended = Date.parse(session.end) <= now;
  const name = `${session.doctor.name} ${formatLocalDate(session.date)} ${PERIOD_LABELS[session.period]}`;
  // A stopped session has nothing left to book, whatever places were free when it stopped.
  const left = (places: number, used: number): number => (session.stopped ? 0 : Math.max(0, places - used));

  return (
    <View
      className={session.stopped ? 'cl-session cl-session--stopped' : 'cl-session'}
      data-testid="session-card"
      data-id={session.id}
      data-period={session.period}
      data-stopped={session.stopped ? 'yes' : 'no'}
    >
      <View className="cl-session__head">
        <Text className="cl-session__period" data-testid="session-time">
          {PERIOD_LABELS[session.period]} {shanghaiClock(session.start)}–{shanghaiClock(session.end)}
        </Text>
        <Text className="cl-session__fee">挂号费 {formatFen(session.fee)}</Text>
        {session.stopped ? (
          <Text className="cl-session__badge cl-session__badge--stopped" data-testid="session-stopped-badge">
            已停诊
          </Text>
        ) : ended ? (
          <Text className="cl-session__badge">已结束</Text>
        ) : null}
      </View>

      <View className="cl-session__table">
        <View className="cl-session__row cl-session__row--head">
          <Text className="cl-session__cell cl-session__cell--name">渠道</Text>
          <Text className="cl-session__cell">号源</Text>
          <Text className="cl-session__cell">已约</Text>
          <Text className="cl-session__cell">剩余</Text>
        </View>
        {CHANNELS.map(({ channel, label, hint }) => (
          <View key={channel} className="cl-session__row" data-testid="session-channel" data-channel={channel}>
            <View className="cl-session__cell cl-session__cell--name">
              <Text className="cl-session__channel">{label}</Text>
              <Text className="cl-session__channel-hint">{hint}</Text>
            </View>
            <Text className="cl-session__cell" data-testid="session-channel-quota">
              {session.quota[channel]}
            </Text>
            <Text className="cl-session__cell" data-testid="session-channel-taken">
              {session.taken[channel]}
            </Text>
            <Text className="cl-session__cell" data-testid="session-channel-left">
              {left(session.quota[channel], session.taken[channel])}
            </Text>
          </View>
        ))}
        <View className="cl-session__row cl-session__row--total" data-testid="session-total" data-total={total} data-taken={taken}>
          <Text className="cl-session__cell cl-session__cell--name">合计</Text>
          <Text className="cl-session__cell">{total}</Text>
          <Text className="cl-session__cell">{taken}</Text>
          <Text className="cl-session__cell">{left(total, taken)}</Text>
        </View>
      </View>
      <Text className="cl-session__note">“已约”含通过 CareLoop 预约（含待支付）和在医院窗口挂出的号。</Text>
      {session.quota.referral > 0 && !session.stopped ? (
        <Text className="cl-session__note" data-testid="session-release">
          {Date.parse(session.referralReleaseAt) <= now
            ? `转诊预留号未约出的，已于 ${deadlineText(session.referralReleaseAt)} 起向所有患者开放（北京时间）`
            : `转诊预留号未约出的，${deadlineText(session.referralReleaseAt)} 起向所有患者开放（北京时间）`}
        </Text>
      ) : null}

      {session.stopped ? (
        <View className="cl-session__stopped" data-testid="session-stopped">
          <Text className="cl-session__stopped-title">已停诊</Text>
          <Text className="cl-session__stopped-line" data-testid="session-stop-reason">
            停诊原因：{session.stopReason ?? '未填写'}
          </Text>
          {session.stoppedAt ? <Text className="cl-session__stopped-line">停诊时间：{formatShanghaiDateTime(session.stoppedAt) ?? session.stoppedAt}（北京时间）</Text> : null}
        </View>
      ) : null}
      {stopResult ? (
        <Text className="cl-session__done" data-testid="stop-result" data-cancelled={stopResult.cancelled} data-refunds={stopResult.refunds}>
          {stopResult.cancelled > 0
            ? `已取消 ${stopResult.cancelled} 个预约，其中 ${stopResult.refunds} 个已发起全额退款，患者已收到停诊通知。`
            : '该时段没有需要取消的预约。'}
        </Text>
      ) : null}
      {placesResult && mode === 'view' ? (
        <Text className="cl-session__done" data-testid="places-added" data-added={placesResult.added} data-total={totalPlaces(placesResult.session.quota)}>
          已加 {placesResult.added} 个号，现共 {totalPlaces(placesResult.session.quota)} 个号（新号为普通号）。
        </Text>
      ) : null}
      {priorityResult && mode === 'view' ? (
        <View className="cl-session__done" data-testid="priority-result" data-queue={priorityResult.queueNumber} data-id={priorityResult.id}>
          <Text>
            已为 {priorityResult.patient.name}（{priorityResult.patient.idNumberMasked}）预约 {shanghaiClock(priorityResult.start)}，就诊序号 {priorityResult.queueNumber}
            ，医院已确认挂号。挂号费 {formatFen(priorityResult.amount)} 请患者到医院窗口缴纳，就诊前30分钟到院签到。
          </Text>
        </View>
      ) : null}
      {saved && mode === 'view' ? (
        <Text className="cl-session__done" data-testid="quota-saved">
          号源分配已保存
        </Text>
      ) : null}

      {mode === 'quota' ? (
        <QuotaForm
          session={session}
          onCancel={() => setMode('view')}
          onSaved={(next) => {
            setSaved(true);
            setMode('view');
            onChanged(next);
          }}
        />
      ) : mode === 'places' ? (
        <PlacesForm
          session={session}
          sessionName={name}
          onCancel={() => setMode('view')}
          onAdded={(result) => {
            setPlacesResult(result);
            setSaved(false);
            setMode('view');
            onChanged(result.session);
          }}
        />
      ) : mode === 'priority' ? (
        <PriorityForm
          session={session}
          sessionName={name}
          onCancel={() => setMode('view')}
          onBooked={(appointment) => {
            setPriorityResult(appointment);
            setSaved(false);
            setPlacesResult(null);
            setMode('view');
            onChanged({ ...session, taken: { ...session.taken, priority: session.taken.priority + 1 } });
          }}
        />
      ) : mode === 'stop' ? (
        <StopForm
          session={session}
          sessionName={name}
          onCancel={() => setMode('view')}
          onStopped={(result) => {
            setStopResult(result);
            setSaved(false);
            setMode('view');
            onChanged(result.session);
          }}
        />
      ) : !session.stopped && !ended ? (
        <View className="cl-session__buttons">
          <Button
            size="normal"
            onClick={() => {
              setSaved(false);
              setPlacesResult(null);
              setMode('quota');
            }}
            data-testid="quota-edit"
          >
            调整号源分配
          </Button>
          <Button
            size="normal"
            onClick={() => {
              setSaved(false);
              setPlacesResult(null);
              setMode('places');
            }}
            data-testid="places-open"
          >
            加号
          </Button>
          {canBookPriority && left(session.quota.priority, session.taken.priority) > 0 ? (
            <Button
              size="normal"
              onClick={() => {
                setSaved(false);
                setPlacesResult(null);
                setPriorityResult(null);
                setMode('priority');
              }}
              data-testid="priority-open"
            >
              优先预约
            </Button>
          ) : null}
          <Button type="danger" fill="outline" size="normal" onClick={() => setMode('stop')} data-testid="stop-open">
            停诊
          </Button>
        </View>
      ) : null}
    </View>
  );
}
