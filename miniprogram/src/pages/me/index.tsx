import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Switch } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { NavCard } from '../../components/nav-card';
import { PageRoot } from '../../components/page-root';
import { useLargeText } from '../../hooks/use-large-text';
import { useSession } from '../../hooks/use-session';
import { authApi } from '../../services/api';
import { toApiError } from '../../services/api-error';
import { accountRoutes } from '../../services/routes';
import { accountPages } from '../../packages/account/account-routes';
import { messagesApi } from '../../packages/messages/messages-api';
import { messagesPages } from '../../packages/messages/messages-routes';
import { PhoneBinding } from './phone-binding';
import './index.scss';

/**
 * 我的 tab: the account (login, profile, phone, family members, consents, logout) and the
 * 大字模式 setting.
 */
export default function MePage() {
  const session = useSession();
  const [largeText, setLargeText] = useLargeText();
  const [settingError, setSettingError] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);

  // Refresh the profile each time the tab shows (nickname or phone may have changed elsewhere);
  // a failure keeps the stored copy, and a dead session is handled by the request wrapper.
  // The unread count of 消息 is read again too (a failure keeps the last count).
  useDidShow(() => {
    if (session) authApi.me().catch(() => undefined);
    if (session) messagesApi.unreadCount().then(setUnread, () => undefined);
  });

  const changeLargeText = (value: boolean) => {
    setLargeText(value);
    setSettingError(null);
    if (!session) return;
    authApi.updateMe({ largeText: value }).catch((error: unknown) => {
      setSettingError(`已在本机生效，但未能同步到账户：${toApiError(error).message}`);
    });
  };

  const logout = async () => {
    const { confirm } = await Taro.showModal({ title: '退出登录', content: '确定要退出当前账户吗？', confirmText: '退出' });
    if (confirm) await authApi.logout();
  };

  const account = session?.account;
  return (
    <PageRoot testId="page-me">
      {account ? (
        <View className="cl-me__profile" data-testid="profile-card" data-signed-in="yes">
          <Text className="cl-me__name" data-testid="profile-nickname">
            {account.nickname ?? '微信用户'}
          </Text>
          <Text className="cl-me__phone" data-testid="profile-phone">
            {account.phoneMasked ? `手机号 ${account.phoneMasked}` : '未绑定手机号'}
          </Text>
        </View>
      ) : (
        <View className="cl-me__profile" data-testid="profile-card" data-signed-in="no">
          <Text className="cl-me__name">未登录</Text>
          <Text className="cl-me__phone">登录后可管理就诊人、预约挂号、查看报告</Text>
          <View className="cl-me__login">
            <Button type="primary" size="large" block onClick={() => void Taro.navigateTo({ url: accountRoutes.login })} data-testid="me-login-button">
              登录
            </Button>
          </View>
        </View>
      )}

      {account ? <PhoneBinding phoneMasked={account.phoneMasked} /> : null}

      {account ? (
        <NavCard
          testId="messages-entry"
          titleTestId="messages-entry-title"
          id="messages"
          title="消息"
          lines={[
            unread > 0 ? (
              <Text className="cl-me__unread" data-testid="messages-unread" data-count={String(unread)}>
                {unread > 99 ? '99+' : unread}条未读
              </Text>
            ) : (
              '预约成功、退款、停诊、候补到号等通知'
            ),
          ]}
          onClick={() => void Taro.navigateTo({ url: messagesPages.list })}
        />
      ) : null}

      {account ? (
        <NavCard
          testId="patients-entry"
          titleTestId="patients-entry-title"
          id="patients"
          title="就诊人管理"
          lines={['添加家人，一人绑卡全家用']}
          onClick={() => void Taro.navigateTo({ url: accountRoutes.patients })}
        />
      ) : null}

      {account ? (
        <NavCard
          testId="consents-entry"
          titleTestId="consents-entry-title"
          id="consents"
          title="隐私与授权"
          lines={['健康信息处理、医联体共享、消息提醒，可随时撤回']}
          onClick={() => void Taro.navigateTo({ url: accountPages.consents })}
        />
      ) : null}

      {account ? (
        <NavCard
          testId="proxy-accept-entry"
          titleTestId="proxy-accept-entry-title"
          id="proxy-accept"
          title="接受家人邀请"
          lines={['输入家人给的邀请码，帮家人挂号、看报告']}
          onClick={() => void Taro.navigateTo({ url: accountPages.proxyAccept })}
        />
      ) : null}

      <Text className="cl-section-title">设置</Text>
      <View className="cl-me__row" data-testid="large-text-setting">
        <View className="cl-me__row-text">
          <Text className="cl-me__row-title">大字模式</Text>
          <Text className="cl-me__row-desc">{account ? '放大全部文字，方便长辈阅读；同步到您的账户' : '放大全部文字，方便长辈阅读'}</Text>
        </View>
        <Switch checked={largeText} onChange={(value: boolean) => changeLargeText(value)} data-testid="large-text-switch" />
      </View>
      {settingError ? (
        <Text className="cl-me__error" data-testid="large-text-sync-error">
          {settingError}
        </Text>
      ) : null}

      {account ? (
        <View className="cl-me__logout">
          <Button size="large" block onClick={() => void logout()} data-testid="logout-button">
            退出登录
          </Button>
        </View>
      ) : null}
    </PageRoot>
  );
}
