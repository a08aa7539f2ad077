import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useRef, useState } from 'react';
import type { Notification, NotificationPage } from '@careloop/shared/contracts/notifications';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { toApiError } from '../../../../services/api-error';
import { formatShanghaiDateTime } from '../../../../services/datetime';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { MESSAGE_TAGS } from '../../message-labels';
import { messagesApi } from '../../messages-api';
import './index.scss';

/** What the list shows: the pages loaded so far, merged. */
interface Shown {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

const fromPage = (page: NotificationPage): Shown => ({ items: page.items, nextCursor: page.nextCursor, unreadCount: page.unreadCount });

/**
 * 消息: what CareLoop told the account (booked, refunded, 停诊, 候补到号…), newest first, unread
 * ones marked. Tapping a message marks it read and opens its appointment; 全部已读 clears the rest.
 */
export default function MessagesPage() {
  const request = useRequest(async () => fromPage(await messagesApi.list()), []);
  // Changes after the first load (read marks, more pages) live here over the loaded data.
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seen = useRef(false);

  const reload = () => {
    setShown(null);
    setError(null);
    request.reload();
  };
  useDidShow(() => {
    // Back from an appointment: read again (the message was marked read on the way out).
    if (seen.current) reload();
    seen.current = true;
  });
  usePullDownRefresh(() => {
    reload();
    void Taro.stopPullDownRefresh();
  });

  const current = shown ?? (request.status === 'success' ? request.data : null);

  const open = async (message: Notification) => {
    if (!current) return;
    setError(null);
    if (message.readAt === null) {
      try {
        const { unreadCount } = await messagesApi.markRead([message.id]);
        const readAt = new Date().toISOString();
        setShown({ ...current, unreadCount, items: current.items.map((m) => (m.id === message.id ? { ...m, readAt } : m)) });
      } catch (err) {
        setError(toApiError(err).message);
        return;
      }
    }
    if (message.appointmentId) void Taro.navigateTo({ url: bookingRoutes.detail(message.appointmentId) });
  };

  const readAll = async () => {
    if (!current) return;
    setBusy(true);
    setError(null);
    try {
      await messagesApi.markAllRead();
      const readAt = new Date().toISOString();
      setShown({ ...current, unreadCount: 0, items: current.items.map((m) => (m.readAt === null ? { ...m, readAt } : m)) });
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const more = async () => {
    if (!current?.nextCursor) return;
    setBusy(true);
    setError(null);
    try {
      const page = await messagesApi.list(current.nextCursor);
      setShown({ items: [...current.items, ...page.items], nextCursor: page.nextCursor, unreadCount: page.unreadCount });
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageRoot testId="page-messages">
      <RequestView request={request} isEmpty={(data) => data.items.length === 0} emptyTitle="暂无消息" emptyDescription="预约成功、退款、停诊、候补到号等通知会显示在这里">
        {() =>
          current ? (
            <View data-testid="message-list" data-unread={String(current.unreadCount)}>
              <View className="cl-messages__bar">
                <Text className="cl-messages__summary" data-testid="messages-unread-summary">
                  {current.unreadCount > 0 ? `${current.unreadCount}条未读` : '全部已读'}
                </Text>
                {current.unreadCount > 0 ? (
                  <Button size="small" disabled={busy} onClick={() => void readAll()} data-testid="messages-read-all">
                    全部已读
                  </Button>
                ) : null}
              </View>
              {error ? (
                <Text className="cl-messages__error" data-testid="messages-error">
                  {error}
                </Text>
              ) : null}
              {current.items.map((message) => (
                <MessageCard key={message.id} message={message} onOpen={() => void open(message)} />
              ))}
              {current.nextCursor ? (
                <View className="cl-messages__more">
                  <Button size="large" block disabled={busy} onClick={() => void more()} data-testid="messages-more">
                    加载更多
                  </Button>
                </View>
              ) : null}
            </View>
          ) : null
        }
      </RequestView>
    </PageRoot>
  );
}

/** One message: tag, title, unread dot, time and text; tappable when it leads somewhere. */
function MessageCard({ message, onOpen }: { message: Notification; onOpen: () => void }) {
  const unread = message.readAt === null;
  return (
    <View
      className={unread ? 'cl-message cl-message--unread' : 'cl-message'}
      data-testid="message-item"
      data-id={message.id}
      data-kind={message.kind}
      data-read={unread ? 'no' : 'yes'}
      onClick={onOpen}
      hoverClass="cl-message--pressed"
      role="button"
    >
      <View className="cl-message__head">
        <Text className="cl-message__tag">{MESSAGE_TAGS[message.kind]}</Text>
        <Text className="cl-message__title" data-testid="message-title">
          {message.title}
        </Text>
        {unread ? <Text className="cl-message__dot" data-testid="message-unread-dot" aria-label="未读" /> : null}
      </View>
      <Text className="cl-message__time">{formatShanghaiDateTime(message.createdAt)}</Text>
      <Text className="cl-message__body" data-testid="message-body">
        {message.body}
      </Text>
      {message.appointmentId ? <Text className="cl-message__link">查看预约详情 ›</Text> : null}
    </View>
  );
}
