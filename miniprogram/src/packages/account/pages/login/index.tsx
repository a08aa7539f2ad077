import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { authApi } from '../../../../services/api';
import { toApiError } from '../../../../services/api-error';
import { isLargeText, setLargeText } from '../../../../services/large-text';
import { leaveLogin } from '../../after-login';
import { DEMO_IDENTITIES } from '../../demo-identities';
import './index.scss';

type LoginState = { status: 'idle' } | { status: 'busy'; code?: string } | { status: 'error'; message: string };

const IN_WECHAT = process.env.TARO_ENV === 'weapp';

/**
 * 登录: in the mini-program, WeChat one-tap (wx.login → code → BFF). In the H5 app there is no
 * wx.login; the sandbox offers demo identities instead, otherwise we ask to open it in WeChat.
 */
export default function LoginPage() {
  const config = useRequest(() => authApi.config(), []);
  const [state, setState] = useState<LoginState>({ status: 'idle' });

  const signIn = async (getCode: () => Promise<string>, demo?: { code: string; name: string }) => {
    setState({ status: 'busy', code: demo?.code });
    try {
      const code = await getCode();
      const { account } = await authApi.wechatLogin(code);
      // A demo identity is known by its name; give a fresh demo account that nickname (best effort).
      if (demo && !account.nickname) await authApi.updateMe({ nickname: demo.name }).catch(() => undefined);
      // Large text set on this device before login stays on; the account's choice applies too.
      if (account.largeText && !isLargeText()) setLargeText(true);
      setState({ status: 'idle' });
      void Taro.showToast({ title: '登录成功', icon: 'success' });
      leaveLogin();
    } catch (error) {
      setState({ status: 'error', message: toApiError(error).message });
    }
  };

  const wechatCode = async (): Promise<string> => {
    try {
      const { code } = await Taro.login();
      if (!code) throw new Error('no code');
      return code;
    } catch {
      throw new Error('微信登录失败，请稍后重试');
    }
  };

  const busy = state.status === 'busy';
  return (
    <PageRoot testId="login-page">
      <View className="cl-login__hero">
        <Text className="cl-login__title">CareLoop 医联体</Text>
        <Text className="cl-login__subtitle">登录后可管理就诊人、预约挂号、查看报告</Text>
      </View>
      <RequestView request={config} isEmpty={() => false} emptyTitle="" skeletonRows={3}>
        {({ sandbox }) => (
          <View className="cl-login__body">
            {IN_WECHAT ? (
              <Button
                type="primary"
                size="large"
                block
                loading={busy}
                disabled={busy}
                onClick={() => void signIn(wechatCode)}
                data-testid="wechat-login-button"
              >
                微信一键登录
              </Button>
            ) : sandbox ? (
              <View data-testid="demo-identity-list">
                <Text className="cl-section-title">演示环境：选择一个演示身份登录</Text>
                {DEMO_IDENTITIES.map((identity) => (
                  <View
                    key={identity.code}
                    className={busy && state.code === identity.code ? 'cl-login__demo cl-login__demo--busy' : 'cl-login__demo'}
                    data-testid="demo-identity"
                    data-code={identity.code}
                    onClick={() => {
                      if (!busy) void signIn(() => Promise.resolve(identity.code), identity);
                    }}
                  >
                    <Text className="cl-login__demo-name">{identity.name}</Text>
                    <Text className="cl-login__demo-desc">
                      {busy && state.code === identity.code ? '正在登录…' : identity.description}
                    </Text>
                  </View>
                ))}
              </View>
            ) : (
              <View className="cl-login__notice" data-testid="open-in-wechat">
                <Text className="cl-login__notice-title">请在微信中打开</Text>
                <Text className="cl-login__notice-desc">登录需要微信身份，请在微信中搜索“CareLoop 医联体”小程序后登录。</Text>
              </View>
            )}
            {state.status === 'error' ? (
              <Text className="cl-login__error" data-testid="login-error">
                {state.message}
              </Text>
            ) : null}
          </View>
        )}
      </RequestView>
    </PageRoot>
  );
}
