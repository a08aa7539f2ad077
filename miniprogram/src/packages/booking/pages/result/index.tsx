import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useRef, useState } from 'react';
import { formatFen } from '@careloop/shared';
import type { Appointment } from '@careloop/shared/contracts/appointments';
import { PageRoot } from '../../../../components/page-root';
import { toApiError } from '../../../../services/api-error';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { deadlineText, visitTimeText } from '../../../../pages/appointments/visit-time';
import { bookingApi } from '../../booking-api';
import { InfoCard } from '../../components/info-card';
import { isSettled, RESULT_TEXT, resultState } from '../../result-state';
import { decodeParam } from '../../../../services/route-params';
import '../../components/booking-ui.scss';
import './index.scss';

/** Polls this often while the payment or the registration is being confirmed. */
const POLL_MS = 1_500;
/** After this long still unsettled, stop polling and say where to look later. */
const GIVE_UP_MS = 3 * 60_000;
/** Still unpaid after this long: the person may have cancelled on the cashier; offer to pay again. */
const UNPAID_HINT_MS = 10_000;

type Poll =
  | { status: 'loading' }
  | { status: 'ok'; appointment: Appointment; gaveUp: boolean; elapsedMs: number }
  | { status: 'error'; message: string; appointment: Appointment | null };

/**
 * 预约结果 (the sandbox cashier's `return_url`, and where the mini-program lands after paying):
 * polls `GET /appointments/:id` until it is booked, refunded or expired. Route: ?id=…
 */
export default function ResultPage() {
  const { params } = useRouter();
  const id = decodeParam(params.id);
  const [poll, setPoll] = useState<Poll>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const last = useRef<Appointment | null>(null);

  useEffect(() => {
    if (!id) {
      setPoll({ status: 'error', message: '缺少预约信息，请在「预约」中查看', appointment: null });
      return undefined;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedAt = Date.now();
    const tick = async () => {
      try {
        const appointment = await bookingApi.get(id);
        if (stopped) return;
        last.current = appointment;
        const settled = isSettled(resultState(appointment));
        const elapsedMs = Date.now() - startedAt;
        const gaveUp = !settled && elapsedMs > GIVE_UP_MS;
        setPoll({ status: 'ok', appointment, gaveUp, elapsedMs });
        if (!settled && !gaveUp) timer = setTimeout(() => void tick(), POLL_MS);
      } catch (error) {
        if (stopped) return;
        const e = toApiError(error);
        setPoll({ status: 'error', message: e.message, appointment: last.current });
        // A blip of the network: keep trying; a refusal (404, 401) will not get better.
        if ((e.kind === 'network' || e.kind === 'timeout') && Date.now() - startedAt < GIVE_UP_MS) timer = setTimeout(() => void tick(), POLL_MS * 2);
      }
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, round]);

  const appointment = poll.status === 'ok' ? poll.appointment : poll.status === 'error' ? poll.appointment : null;
  const state = appointment ? resultState(appointment) : null;
  const text = state ? RESULT_TEXT[state] : null;
  const waiting = poll.status === 'loading' || (state !== null && !isSettled(state));

  return (
    <PageRoot testId="page-booking-result">
      <View className={`cl-result cl-result--${state ?? 'loading'}`} data-testid="booking-result" data-state={state ?? 'loading'}>
        <Text className="cl-result__icon">{state === 'booked' ? '✓' : state === 'refunded' || state === 'refunding' || state === 'expired' ? '!' : '…'}</Text>
        <Text className="cl-result__title" data-testid="result-title">
          {text ? text.title : '支付确认中'}
        </Text>
        <Text className="cl-result__text" data-testid="result-text">
          {text ? text.text : '正在查询预约状态，请稍候。'}
        </Text>
        {appointment?.refund ? (
          <Text className="cl-result__text" data-testid="result-refund">
            {appointment.refund.reasonText} · 退款 {formatFen(appointment.refund.amount)}
          </Text>
        ) : null}
        {waiting && poll.status === 'ok' && poll.gaveUp ? (
          <Text className="cl-result__text" data-testid="result-slow">
            确认时间比平时长，结果会显示在「预约」中；如已扣款而挂号失败，将自动全额退款。
          </Text>
        ) : null}
        {state === 'paying' && poll.status === 'ok' && poll.elapsedMs > UNPAID_HINT_MS && appointment ? (
          <Text className="cl-result__text" data-testid="result-unpaid">
            尚未收到支付结果。如您已取消支付，可在 {deadlineText(appointment.payBy)} 前到预约详情中继续支付。
          </Text>
        ) : null}
      </View>

      {poll.status === 'error' ? (
        <View className="cl-bk-error" data-testid="result-error" role="alert">
          <Text className="cl-bk-error__title">查询失败</Text>
          <Text className="cl-bk-error__text">{poll.message}</Text>
        </View>
      ) : null}

      {appointment ? (
        <InfoCard
          rows={[
            { label: '就诊人', value: appointment.patient.name },
            { label: '医生', value: `${appointment.doctor.name} ${appointment.doctor.titleText}` },
            { label: '科室', value: `${appointment.department.name} · ${appointment.institution.name}` },
            { label: '就诊时间', value: visitTimeText(appointment.start, appointment.end), testId: 'result-time' },
            { label: '挂号费', value: formatFen(appointment.amount) },
            ...(appointment.visit ? [{ label: '就诊序号', value: `${appointment.visit.queueNumber} 号`, testId: 'result-queue-number' }] : []),
          ]}
        />
      ) : null}

      <View className="cl-bk-actions">
        {appointment ? (
          <Button type="primary" size="large" block onClick={() => void Taro.redirectTo({ url: bookingRoutes.detail(appointment.id) })} data-testid="result-detail">
            查看预约详情
          </Button>
        ) : null}
        {poll.status === 'error' || (poll.status === 'ok' && poll.gaveUp) ? (
          <View className="cl-bk-actions__second">
            <Button size="large" block onClick={() => setRound((n) => n + 1)} data-testid="result-refresh">
              刷新
            </Button>
          </View>
        ) : null}
        <View className="cl-bk-actions__second">
          <Button size="large" block onClick={() => void Taro.switchTab({ url: bookingRoutes.tab })} data-testid="result-appointments">
            我的预约
          </Button>
        </View>
      </View>
    </PageRoot>
  );
}
