import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { ProxyCodeSchema, type Patient } from '@careloop/shared/contracts/patients';
import { PageRoot } from '../../../../components/page-root';
import { toApiError } from '../../../../services/api-error';
import { accountRoutes } from '../../../../services/routes';
import { proxiesApi } from '../../proxies-api';
import './index.scss';

type AcceptState = { status: 'idle' | 'busy' } | { status: 'error'; message: string } | { status: 'done'; patient: Patient };

/**
 * 接受家人邀请: a family member generated a code on a 就诊人's page; entering it here lets this
 * account book and read for that person (家人代办). The shared schema checks the code first
 * (8 letters or digits; case, spaces and dashes do not matter).
 */
export default function ProxyAcceptPage() {
  const [code, setCode] = useState('');
  const [state, setState] = useState<AcceptState>({ status: 'idle' });

  const submit = async () => {
    const parsed = ProxyCodeSchema.safeParse(code);
    if (!parsed.success) {
      setState({ status: 'error', message: parsed.error.issues[0]?.message ?? '邀请码格式不正确' });
      return;
    }
    setState({ status: 'busy' });
    try {
      setState({ status: 'done', patient: await proxiesApi.accept(parsed.data) });
    } catch (error) {
      setState({ status: 'error', message: toApiError(error).message });
    }
  };

  if (state.status === 'done') {
    return (
      <PageRoot testId="page-proxy-accept">
        <View className="cl-accept__card" data-testid="proxy-accepted" data-patient={state.patient.id}>
          <Text className="cl-accept__title">已成为“{state.patient.name}”的代办人</Text>
          <Text className="cl-accept__desc">现在可以为 TA 预约挂号、查看报告；TA 会出现在您的就诊人列表中，标记为“代办”。</Text>
          <View className="cl-accept__actions">
            <Button type="primary" size="large" block onClick={() => void Taro.redirectTo({ url: accountRoutes.patients })} data-testid="proxy-accepted-patients">
              查看就诊人
            </Button>
          </View>
        </View>
      </PageRoot>
    );
  }

  const busy = state.status === 'busy';
  return (
    <PageRoot testId="page-proxy-accept">
      <View className="cl-accept__card">
        <Text className="cl-accept__title">输入家人给您的邀请码</Text>
        <Text className="cl-accept__desc">家人在“我的 → 就诊人管理 → 选择就诊人 → 家人代办”中生成邀请码，10分钟内有效，只能使用一次。</Text>
        <View className="cl-accept__field" data-testid="proxy-code">
          <Input
            className="cl-accept__input"
            value={code}
            maxlength={12}
            placeholder="8位邀请码，如 ABCD EFGH"
            onInput={(e) => {
              setCode(e.detail.value);
              if (state.status === 'error') setState({ status: 'idle' });
            }}
          />
        </View>
        {state.status === 'error' ? (
          <Text className="cl-accept__error" data-testid="proxy-accept-error">
            {state.message}
          </Text>
        ) : null}
        <View className="cl-accept__actions">
          <Button type="primary" size="large" block loading={busy} disabled={busy} onClick={() => void submit()} data-testid="proxy-accept-submit">
            确认接受
          </Button>
        </View>
      </View>
    </PageRoot>
  );
}
