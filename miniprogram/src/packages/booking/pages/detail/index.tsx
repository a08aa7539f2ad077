import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useRef, useState } from 'react';
import { formatFen } from '@careloop/shared';
import type { Appointment } from '@careloop/shared/contracts/appointments';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { formatShanghaiDateTime } from '../../../../services/datetime';
import { toApiError } from '../../../../services/api-error';
import { REFUND_STATUS_TEXT, STATUS_TONE } from '../../../../pages/appointments/appointment-labels';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { deadlineText, visitTimeText } from '../../../../pages/appointments/visit-time';
import { bookingApi } from '../../booking-api';
import { InfoCard } from '../../components/info-card';
import { payAppointment } from '../../pay';
import { useLiveAppointment } from '../../use-live-appointment';
import { countdownText, useNow } from '../../use-now';
import '../../components/booking-ui.scss';
import './index.scss';

/** Statuses a patient may still cancel from (the server decides whether it is allowed now). */
const CANCELLABLE = new Set<Appointment['status']>(['pending_payment', 'confirming', 'booked']);
/** Statuses whose visit details (queue number, code, instructions) are still valid. */
const VISIT_STATUSES = new Set<Appointment['status']>(['booked', 'completed', 'no_show']);

/**
 * 预约详情: time, place, queue number and visit code, instructions, payment and refund, and the
 * cancel button with the rule that applies. Route: ?id=…
 */
export default function AppointmentDetailPage() {
  const { params } = useRouter();
  const { request, appointment, replace } = useLiveAppointment(params.id);
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) request.reload();
    shown.current = true;
  });

  return (
    <PageRoot testId="page-appointment-detail">
      <RequestView request={request} isEmpty={() => false} emptyTitle="" skeletonRows={8}>
        {() => (appointment ? <Detail appointment={appointment} onChange={replace} onStale={request.reload} /> : null)}
      </RequestView>
    </PageRoot>
  );
}

interface DetailProps {
  appointment: Appointment;
  onChange: (a: Appointment) => void;
  onStale: () => void;
}

function Detail({ appointment: a, onChange, onStale }: DetailProps) {
  const [busy, setBusy] = useState<'pay' | 'cancel' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const unpaid = a.status === 'pending_payment';
  const now = useNow(unpaid);
  const msLeft = Date.parse(a.payBy) - now;
  // A cancelled appointment's queue number and code are void: do not show them to scan.
  const visit = a.visit && VISIT_STATUSES.has(a.status) ? a.visit : null;

  const pay = async () => {
    setBusy('pay');
    setError(null);
    try {
      const outcome = await payAppointment(a.id);
      if (outcome === 'left') return;
      if (outcome === 'paid') void Taro.redirectTo({ url: bookingRoutes.result(a.id) });
    } catch (e) {
      setError(toApiError(e).message);
    }
    setBusy(null);
  };

  const cancel = async () => {
    const paid = a.payment.status === 'paid';
    const { confirm } = await Taro.showModal({
      title: '取消预约',
      content: paid ? `取消后挂号费 ${formatFen(a.amount)} 将原路退回，号源将让给候补的患者。确定取消吗？` : '取消后号源将释放。确定取消吗？',
      confirmText: '确定取消',
      cancelText: '再想想',
    });
    if (!confirm) return;
    setBusy('cancel');
    setError(null);
    try {
      onChange(await bookingApi.cancel(a.id));
      void Taro.showToast({ title: '已取消', icon: 'success' });
    } catch (e) {
      setError(toApiError(e).message);
      onStale();
    }
    setBusy(null);
  };

  return (
    <View data-testid="appointment-detail" data-id={a.id} data-status={a.status}>
      <View className={`cl-detail__status cl-detail__status--${STATUS_TONE[a.status]}`}>
        <Text className="cl-detail__status-text" data-testid="detail-status">
          {a.statusText}
        </Text>
        {a.cancelReasonText ? (
          <Text className="cl-detail__status-sub" data-testid="detail-cancel-reason">
            {a.cancelReasonText}
          </Text>
        ) : null}
        {unpaid ? (
          <Text className="cl-detail__status-sub" data-testid="pay-countdown">
            {msLeft > 0 ? `请在 ${deadlineText(a.payBy)} 前支付，剩余 ${countdownText(msLeft)}，逾期号源自动释放` : '支付时间已过，号源已释放'}
          </Text>
        ) : null}
      </View>

      {visit ? (
        <View className="cl-bk-card cl-detail__visit" data-testid="detail-visit">
          <View className="cl-detail__visit-row">
            <View className="cl-detail__visit-cell">
              <Text className="cl-detail__visit-label">就诊序号</Text>
              <Text className="cl-detail__visit-big" data-testid="detail-queue-number">
                {visit.queueNumber}
              </Text>
            </View>
            <View className="cl-detail__visit-cell">
              <Text className="cl-detail__visit-label">就诊码</Text>
              <Text className="cl-detail__visit-code" data-testid="detail-visit-code">
                {visit.visitCode}
              </Text>
            </View>
          </View>
          <Text className="cl-detail__visit-hint">到院后在自助机或分诊台出示就诊码签到</Text>
        </View>
      ) : null}

      <InfoCard
        title="预约信息"
        rows={[
          { label: '就诊时间', value: visitTimeText(a.start, a.end), testId: 'detail-time' },
          { label: '就诊人', value: a.patient.name, testId: 'detail-patient' },
          { label: '医生', value: `${a.doctor.name} ${a.doctor.titleText}`, testId: 'detail-doctor' },
          { label: '科室', value: a.department.name },
          { label: '医院', value: a.institution.name },
          { label: '就诊地点', value: a.visit?.location ?? a.institution.address, testId: 'detail-location' },
          { label: '挂号费', value: formatFen(a.amount), testId: 'detail-amount' },
          {
            label: '支付',
            value: a.payment.status === 'paid' ? `已支付${a.payment.paidAt ? `（${formatShanghaiDateTime(a.payment.paidAt) ?? ''}）` : ''}` : a.payment.status === 'closed' ? '订单已关闭' : '未支付',
            testId: 'detail-payment',
          },
        ]}
      />

      {a.refund ? (
        <View className="cl-bk-card" data-testid="detail-refund" data-refund-status={a.refund.status}>
          <Text className="cl-bk-card__title">退款</Text>
          <Text className={`cl-detail__refund cl-detail__refund--${a.refund.status}`} data-testid="detail-refund-status">
            {REFUND_STATUS_TEXT[a.refund.status]} {formatFen(a.refund.amount)}
          </Text>
          <Text className="cl-detail__muted">{a.refund.reasonText}</Text>
          <Text className="cl-detail__muted">
            {a.refund.succeededAt
              ? `已于 ${formatShanghaiDateTime(a.refund.succeededAt) ?? ''} 原路退回`
              : `${formatShanghaiDateTime(a.refund.requestedAt) ?? ''} 申请退款，原路退回，一般即时到账`}
          </Text>
        </View>
      ) : null}

      {visit && visit.instructions.length > 0 ? (
        <View className="cl-bk-card" data-testid="detail-instructions">
          <Text className="cl-bk-card__title">就诊须知</Text>
          {visit.instructions.map((line, i) => (
            <Text key={i} className="cl-bk-rules__item">
              {i + 1}. {line}
            </Text>
          ))}
        </View>
      ) : null}

      {error ? (
        <View className="cl-bk-error" data-testid="detail-error" role="alert">
          <Text className="cl-bk-error__text">{error}</Text>
        </View>
      ) : null}

      <View className="cl-bk-actions">
        {unpaid && msLeft > 0 ? (
          <Button type="primary" size="large" block loading={busy === 'pay'} disabled={busy !== null} onClick={() => void pay()} data-testid="pay-button">
            去支付 {formatFen(a.amount)}
          </Button>
        ) : null}
        {CANCELLABLE.has(a.status) ? (
          <View className="cl-bk-actions__second">
            <Text className="cl-detail__rule" data-testid="cancel-rule">
              {a.cancel.ruleText}
            </Text>
            <Button
              size="large"
              block
              loading={busy === 'cancel'}
              disabled={!a.cancel.allowed || busy !== null}
              onClick={() => void cancel()}
              data-testid="cancel-button"
            >
              {a.cancel.allowed ? '取消预约' : '已过免费取消时间'}
            </Button>
          </View>
        ) : null}
      </View>
    </View>
  );
}
