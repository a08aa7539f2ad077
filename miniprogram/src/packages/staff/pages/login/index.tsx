import { Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { PageRoot } from '../../../../components/page-root';
import { toApiError } from '../../../../services/api-error';
import { STAFF_ROLE_LABELS } from '../../role-labels';
import { STAFF_LOGIN_REASON_TEXT, staffApi } from '../../staff-api';
import { staffRoutes } from '../../staff-routes';
import { isStaffSessionLive } from '../../staff-session';
import { useStaffSession } from '../../use-staff-session';
import './index.scss';

type StaffLoginState = { status: 'idle' | 'busy' } | { status: 'error'; message: string; locked: boolean };

/**
 * 工作人员登录 (H5, `/staff`): username and password; admins are then asked for the 6-digit
 * authenticator code (the API answers 401 `totp_required`); a locked account (423) says until when.
 * A successful login stores the staff session and opens the staff home. Sent back here by the
 * app (`?reason=expired|invalid`), it says why; with a live session it offers to go back.
 */
export default function StaffLoginPage() {
  const { params } = useRouter();
  const reason = params.reason === 'expired' || params.reason === 'invalid' ? params.reason : null;
  const session = useStaffSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [state, setState] = useState<StaffLoginState>({ status: 'idle' });

  const submit = async () => {
    if (!username.trim() || !password) {
      setState({ status: 'error', message: '请输入用户名和密码', locked: false });
      return;
    }
    if (needTotp && !/^\d{6}$/.test(totp)) {
      setState({ status: 'error', message: '请输入身份验证器上的 6 位数字验证码', locked: false });
      return;
    }
    setState({ status: 'busy' });
    try {
      await staffApi.login({ username: username.trim(), password, ...(needTotp ? { totp } : {}) });
      setState({ status: 'idle' });
      void Taro.redirectTo({ url: staffRoutes.home });
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'totp_required') setNeedTotp(true);
      setState({ status: 'error', message: apiError.message, locked: apiError.code === 'account_locked' });
    }
  };

  const busy = state.status === 'busy';
  return (
    <PageRoot testId="staff-login-page">
      <View className="cl-staff__card">
        <Text className="cl-staff__title">CareLoop 工作人员登录</Text>
        {reason && state.status !== 'error' ? (
          <Text className="cl-staff__notice" data-testid="staff-login-reason" data-reason={reason}>
            {STAFF_LOGIN_REASON_TEXT[reason]}
          </Text>
        ) : null}
        {isStaffSessionLive(session) ? (
          <View className="cl-staff__signed-in" data-testid="staff-signed-in">
            <Text className="cl-staff__signed-in-text">
              已登录：{session.staff.displayName} · {STAFF_ROLE_LABELS[session.staff.role]}
            </Text>
            <Button size="small" onClick={() => void Taro.redirectTo({ url: staffRoutes.home })} data-testid="staff-go-home">
              进入工作台
            </Button>
          </View>
        ) : null}
        <View className="cl-staff__field" data-testid="staff-username">
          <Text className="cl-staff__label">用户名</Text>
          <Input className="cl-staff__input" value={username} onInput={(e) => setUsername(e.detail.value)} placeholder="请输入用户名" />
        </View>
        <View className="cl-staff__field" data-testid="staff-password">
          <Text className="cl-staff__label">密码</Text>
          <Input className="cl-staff__input" password value={password} onInput={(e) => setPassword(e.detail.value)} placeholder="请输入密码" />
        </View>
        {needTotp ? (
          <View className="cl-staff__field" data-testid="staff-totp">
            <Text className="cl-staff__label">动态验证码</Text>
            <Input className="cl-staff__input" type="number" maxlength={6} value={totp} onInput={(e) => setTotp(e.detail.value)} placeholder="身份验证器上的 6 位数字" />
          </View>
        ) : null}
        {state.status === 'error' ? (
          <Text className="cl-staff__error" data-testid={state.locked ? 'staff-locked' : 'staff-login-error'}>
            {state.message}
          </Text>
        ) : null}
        <View className="cl-staff__actions">
          <Button type="primary" size="large" block loading={busy} disabled={busy} onClick={() => void submit()} data-testid="staff-login-submit">
            登录
          </Button>
        </View>
      </View>
    </PageRoot>
  );
}
