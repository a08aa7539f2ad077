import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useRef, useState } from 'react';
import type { WaitlistEntry } from '@careloop/shared/contracts/appointments';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { toApiError } from '../../../../services/api-error';
import { formatLocalDate } from '../../../../services/datetime';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { deadlineText } from '../../../../pages/appointments/visit-time';
import { bookingApi } from '../../booking-api';
import { countdownText, useNow } from '../../use-now';
import '../../components/booking-ui.scss';
import './index.scss';

interface WaitlistView {
  items: WaitlistEntry[];
  /** Doctor names by id, best effort (the entry itself carries only the id). */
  doctorNames: Record<string, string>;
}

async function loadWaitlist(): Promise<WaitlistView> {
  const items = await bookingApi.waitlist();
  const ids = [...new Set(items.map((e) => e.doctorId).filter((id): id is string => !!id))];
  const doctorNames: Record<string, string> = {};
  await Promise.all(
    ids.map((id) =>
      directoryApi.doctor(id).then(
        (d) => {
          doctorNames[id] = `${d.doctor.name} ${d.doctor.titleText}`;
        },
        () => undefined,
      ),
    ),
  );
  return { items, doctorNames };
}

/**
 * 我的候补: the days the account waits for, its place in the queue, and an offer (a held slot)
 * to pay for before `payBy`, after which it passes to the next person.
 */
export default function WaitlistPage() {
  const request = useRequest(loadWaitlist, []);
  const shown = useRef(false);
  useDidShow(() => {
    if (shown.current) request.reload();
    shown.current = true;
  });
  const offered = request.status === 'success' && request.data.items.some((e) => e.status === 'offered');
  const now = useNow(offered);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const leave = async (entry: WaitlistEntry) => {
    const { confirm } = await Taro.showModal({ title: '取消候补', content: '取消后将失去当前的候补顺序。确定取消吗？', confirmText: '确定取消', cancelText: '再想想' });
    if (!confirm) return;
    setBusy(entry.id);
    setError(null);
    try {
      await bookingApi.leaveWaitlist(entry.id);
      request.reload();
    } catch (e) {
      setError(toApiError(e).message);
    }
    setBusy(null);
  };

  return (
    <PageRoot testId="page-waitlist">
      {error ? (
        <View className="cl-bk-error" data-testid="waitlist-error" role="alert">
          <Text className="cl-bk-error__text">{error}</Text>
        </View>
      ) : null}
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="暂无候补" emptyDescription="医生当天约满时，可在选择时段页加入候补">
        {({ items, doctorNames }) => (
          <View data-testid="waitlist-list">
            {items.map((entry) => (
              <View key={entry.id} className="cl-bk-card cl-wait" data-testid="waitlist-item" data-id={entry.id} data-status={entry.status}>
                <View className="cl-wait__head">
                  <Text className="cl-wait__date">{formatLocalDate(entry.date)}</Text>
                  <Text className="cl-wait__status" data-testid="waitlist-status">
                    {entry.statusText}
                  </Text>
                </View>
                <Text className="cl-wait__line">
                  {entry.doctorId ? (doctorNames[entry.doctorId] ?? '指定医生') : '本科室任一医生'} · 就诊人 {entry.patient.name}
                </Text>
                {entry.status === 'waiting' && entry.position ? (
                  <Text className="cl-wait__line" data-testid="waitlist-position">
                    当前排第 {entry.position} 位
                  </Text>
                ) : null}
                {entry.status === 'offered' && entry.offer ? (
                  <View className="cl-wait__offer" data-testid="waitlist-offer-detail">
                    <Text className="cl-wait__offer-text">
                      已为您保留号源，请在 {deadlineText(entry.offer.payBy)} 前支付（剩余 {countdownText(Date.parse(entry.offer.payBy) - now)}），逾期将顺延给下一位。
                    </Text>
                    <Button
                      type="primary"
                      size="large"
                      block
                      onClick={() => entry.offer && void Taro.navigateTo({ url: bookingRoutes.detail(entry.offer.appointmentId) })}
                      data-testid="waitlist-pay"
                    >
                      查看并支付
                    </Button>
                  </View>
                ) : null}
                {entry.status === 'waiting' ? (
                  <View className="cl-wait__actions">
                    <Button size="small" loading={busy === entry.id} disabled={busy !== null} onClick={() => void leave(entry)} data-testid="waitlist-leave">
                      取消候补
                    </Button>
                  </View>
                ) : null}
              </View>
            ))}
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
