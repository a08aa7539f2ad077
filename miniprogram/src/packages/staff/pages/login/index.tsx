import { Input, Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import type { StaffProfile } from '@careloop/shared/contracts/staff';
import { PageRoot } from '../../../../components/page-root';
import { toApiError } from '../../../../services/api-error';
import { STAFF_ROLE_LABELS } from '../../role-labels';
import { staffApi } from '../../staff-api';
import './index.scss';

type StaffLoginState =
  | { status: 'idle' | 'busy' }
  | { status: 'error'; message: string; locked: boolean }
  | { status: 'done'; staff: StaffProfile };

/**
 * 工作人员登录 (H5, `/staff`): username and password; admins are then asked for the 6-digit
 * authenticator code (the API answers 401 `totp_required`); a locked account (423) says until when.
 */
export default function StaffLoginPage() {
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
      const { staff } = await staffApi.login({ username: username.trim(), password, ...(needTotp ? { totp } : {}) });
      setState({ status: 'done', staff });
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === 'totp_required') setNeedTotp(true);
      setState({ status: 'error', message: apiError.message, locked: apiError.code === 'account_locked' });
    }
  };

  if (state.status === 'done') {
    return (
      <PageRoot testId="staff-login-page">
        <View className="cl-staff__card" data-testid="staff-welcome">
          <Text className="cl-staff__title">欢迎，{state.staff.displayName}</Text>
          <Text className="cl-staff__desc" data-testid="staff-role" data-role={state.staff.role}>
            {STAFF_ROLE_LABELS[state.staff.role]}
          </Text>
        </View>
      </PageRoot>
    );
  }

  const busy = state.status === 'busy';
  return (
    <PageRoot testId="staff-login-page">
      <View className="cl-staff__card">
        <Text className="cl-staff__title">CareLoop 工作人员登录</Text>
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
