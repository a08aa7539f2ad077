import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useRef, useState } from 'react';
import type { AppointmentView, WaitlistEntry } from '@careloop/shared/contracts/appointments';
import { PageRoot } from '../../components/page-root';
import { RequestView } from '../../components/request-view';
import { useRequest } from '../../hooks/use-request';
import { useSession } from '../../hooks/use-session';
import { accountRoutes } from '../../services/routes';
import { AppointmentCard } from './appointment-card';
import { VIEW_LABELS } from './appointment-labels';
import { appointmentsApi } from './appointments-api';
import { bookingRoutes } from './booking-routes';
import { deadlineText } from './visit-time';
import './index.scss';

const VIEWS = Object.keys(VIEW_LABELS) as AppointmentView[];

const EMPTY_TEXT: Record<AppointmentView, { title: string; description: string }> = {
  upcoming: { title: '暂无待就诊的预约', description: '在首页选择医院、科室和医生即可预约挂号' },
  past: { title: '暂无历史预约', description: '就诊结束后的预约会显示在这里' },
  cancelled: { title: '暂无已取消的预约', description: '取消或超时未支付的预约会显示在这里' },
};

/** 预约 tab: the account's appointments (待就诊 / 历史 / 已取消) and any 候补 offer to pay for. */
export default function AppointmentsPage() {
  const session = useSession();
  return (
    <PageRoot testId="page-appointments">
      {session ? (
        <AppointmentLists accountId={session.account.id} />
      ) : (
        <View className="cl-appts__signin" data-testid="appointments-signed-out">
          <Text className="cl-appts__signin-title">登录后查看预约</Text>
          <Text className="cl-appts__signin-text">登录并添加就诊人后，即可分时段预约挂号、在线支付和取消退款。</Text>
          <Button type="primary" size="large" block onClick={() => void Taro.navigateTo({ url: accountRoutes.login })} data-testid="appointments-login-button">
            登录
          </Button>
        </View>
      )}
    </PageRoot>
  );
}

function AppointmentLists({ accountId }: { accountId: string }) {
  const [view, setView] = useState<AppointmentView>('upcoming');
  const list = useRequest(() => appointmentsApi.list(view), [view, accountId]);
  // The waitlist is secondary: if it cannot load, the appointments still show.
  const offers = useRequest(
    () => appointmentsApi.waitlist().then((items) => items.filter((e) => e.status === 'offered' && e.offer)).catch(() => [] as WaitlistEntry[]),
    [accountId],
  );
  const shown = useRef(false);

  // Back from booking, paying or cancelling: the lists have changed.
  useDidShow(() => {
    if (shown.current) {
      list.reload();
      offers.reload();
    }
    shown.current = true;
  });
  usePullDownRefresh(() => {
    list.reload();
    offers.reload();
  });
  useEffect(() => {
    if (list.status !== 'loading') Taro.stopPullDownRefresh();
  }, [list.status]);

  const open = (id: string) => void Taro.navigateTo({ url: bookingRoutes.detail(id) });
  const empty = list.status === 'success' && list.data.items.length === 0;

  return (
    <View>
      {offers.status === 'success'
        ? offers.data.map((entry) => (
            <View key={entry.id} className="cl-appts__offer" data-testid="waitlist-offer" data-id={entry.id} onClick={() => entry.offer && open(entry.offer.appointmentId)}>
              <Text className="cl-appts__offer-title">候补成功，已为{entry.patient.name}保留号源</Text>
              <Text className="cl-appts__offer-text">请在 {entry.offer ? deadlineText(entry.offer.payBy) : ''} 前完成支付，逾期将顺延给下一位候补患者 ›</Text>
            </View>
          ))
        : null}

      <View className="cl-appts__tabs" role="tablist">
        {VIEWS.map((v) => (
          <View
            key={v}
            className={v === view ? 'cl-appts__tab cl-appts__tab--on' : 'cl-appts__tab'}
            data-testid="appointment-view-tab"
            data-value={v}
            data-selected={v === view ? 'yes' : 'no'}
            role="tab"
            onClick={() => setView(v)}
          >
            <Text>{VIEW_LABELS[v]}</Text>
          </View>
        ))}
      </View>

      <RequestView request={list} isEmpty={(d) => d.items.length === 0} emptyTitle={EMPTY_TEXT[view].title} emptyDescription={EMPTY_TEXT[view].description}>
        {(data) => (
          <View data-testid="appointment-list" data-view={view}>
            {data.items.map((a) => (
              <AppointmentCard key={a.id} appointment={a} onClick={() => open(a.id)} />
            ))}
          </View>
        )}
      </RequestView>

      {empty && view === 'upcoming' ? (
        <View className="cl-appts__book">
          <Button type="primary" size="large" block onClick={() => void Taro.switchTab({ url: bookingRoutes.home })} data-testid="book-entry">
            去预约挂号
          </Button>
        </View>
      ) : null}
      <View className="cl-appts__links">
        <Text className="cl-appts__link" data-testid="waitlist-entry" onClick={() => void Taro.navigateTo({ url: bookingRoutes.waitlist })}>
          我的候补 ›
        </Text>
      </View>
    </View>
  );
}
