import { Text, View } from '@tarojs/components';
import type { BaseEventOrig, ButtonProps } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { useRequest } from '../../hooks/use-request';
import { authApi } from '../../services/api';
import { toApiError } from '../../services/api-error';

const IN_WECHAT = process.env.TARO_ENV === 'weapp';

/**
 * Phone codes the WeChat sandbox accepts (`sandbox-phone:<digits>` → that number); invented
 * numbers for the H5 demo, where there is no getPhoneNumber button.
 */
const SANDBOX_PHONES = ['13800138000', '13912345678', '18600001111'] as const;

type BindState = { status: 'idle' } | { status: 'busy'; code?: string } | { status: 'error'; message: string };

/** Props of PhoneBinding. */
export interface PhoneBindingProps {
  /** The bound phone, masked, if any. */
  phoneMasked?: string;
}

/**
 * 绑定手机号 on 我的. In WeChat the getPhoneNumber button (it needs the user's tap) hands us a
 * one-time code; the BFF exchanges it and keeps the phone encrypted, answering only the masked
 * number. In H5 the sandbox offers a few demo numbers instead, and only when sandbox mode is on.
 */
export function PhoneBinding({ phoneMasked }: PhoneBindingProps) {
  const [state, setState] = useState<BindState>({ status: 'idle' });
  const [picking, setPicking] = useState(false);
  // H5 asks the BFF whether the sandbox is on (as the login page does); WeChat never needs it.
  const config = useRequest(() => (IN_WECHAT ? Promise.resolve({ sandbox: false }) : authApi.config()), []);

  const bind = async (code: string, demo?: string) => {
    setState({ status: 'busy', code: demo });
    try {
      await authApi.bindPhone(code);
      setState({ status: 'idle' });
      setPicking(false);
      void Taro.showToast({ title: '手机号已绑定', icon: 'success' });
    } catch (error) {
      setState({ status: 'error', message: toApiError(error).message });
    }
  };

  const onWechatPhone = (event: BaseEventOrig<ButtonProps.onGetPhoneNumberEventDetail>) => {
    const { code, errMsg } = event.detail;
    if (code) void bind(code);
    // The user closed the WeChat sheet: nothing to say. Anything else is worth a line.
    else if (!/deny|cancel/i.test(errMsg ?? '')) setState({ status: 'error', message: '未能获取手机号，请稍后重试' });
  };

  const busy = state.status === 'busy';
  const label = phoneMasked ? '更换手机号' : '绑定手机号';
  const sandbox = config.status === 'success' && config.data.sandbox;
  if (!IN_WECHAT && !sandbox) return null;

  return (
    <View className="cl-me__row cl-me__row--column" data-testid="phone-binding">
      <View className="cl-me__row-inner">
        <View className="cl-me__row-text">
          <Text className="cl-me__row-title">手机号</Text>
          <Text className="cl-me__row-desc">{phoneMasked ? `已绑定 ${phoneMasked}` : '绑定后可接收就诊短信，找回账户'}</Text>
        </View>
        {IN_WECHAT ? (
          <Button size="small" type="primary" openType="getPhoneNumber" onGetPhoneNumber={onWechatPhone} loading={busy} disabled={busy} data-testid="phone-bind-button">
            {label}
          </Button>
        ) : (
          <Button size="small" type="primary" disabled={busy} onClick={() => setPicking((v) => !v)} data-testid="phone-bind-button">
            {label}
          </Button>
        )}
      </View>
      {!IN_WECHAT && picking ? (
        <View className="cl-me__phone-picker" data-testid="sandbox-phone-list">
          <Text className="cl-me__row-desc">演示环境：选择一个演示手机号（在微信中为“手机号快速验证”）</Text>
          {SANDBOX_PHONES.map((digits) => (
            <View
              key={digits}
              className="cl-me__phone-option"
              data-testid="sandbox-phone"
              data-phone={digits}
              onClick={() => {
                if (!busy) void bind(`sandbox-phone:${digits}`, digits);
              }}
            >
              <Text>{busy && state.code === digits ? '正在绑定…' : digits}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {state.status === 'error' ? (
        <Text className="cl-me__error" data-testid="phone-bind-error">
          {state.message}
        </Text>
      ) : null}
    </View>
  );
}
