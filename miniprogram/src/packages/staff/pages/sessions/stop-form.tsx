import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { SessionStopSchema, type SessionStopResult, type StaffSession } from '@careloop/shared/contracts/sessions';
import { toApiError } from '../../../../services/api-error';
import { totalPlaces } from '../../session-labels';
import { staffApi } from '../../staff-api';

/** Props of StopForm. */
export interface StopFormProps {
  session: StaffSession;
  /** e.g. 陈国华 12月8日 上午 — named in the confirm dialog. */
  sessionName: string;
  onStopped: (result: SessionStopResult) => void;
  onCancel: () => void;
}

/**
 * What the confirm dialog says stopping will do. The staff API counts places taken per channel,
 * including places the hospital gave at its own window; the patients who booked through CareLoop
 * are among them, and those are the ones cancelled, refunded and told here.
 */
export function stopConsequences(session: StaffSession): string {
  const taken = totalPlaces(session.taken);
  if (taken === 0) return '该时段目前没有已预约的患者。停诊后该时段不再接受预约，且不能撤销。';
  return `该时段已约出 ${taken} 个号（含医院窗口挂号）。停诊后，通过 CareLoop 预约的患者将全部被取消预约，已支付的挂号费原路全额退还，并收到停诊通知；该时段不再接受预约，且不能撤销。`;
}

/**
 * 停诊: a required reason (patients are told it), then a confirm dialog saying what happens to the
 * booked patients; the result says how many appointments were cancelled and refunded.
 */
export function StopForm({ session, sessionName, onStopped, onCancel }: StopFormProps) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const checked = SessionStopSchema.safeParse({ reason });
    if (!checked.success) {
      setError(checked.error.issues[0]?.message ?? '请填写停诊原因');
      return;
    }
    setError(null);
    const { confirm } = await Taro.showModal({
      title: `确认停诊：${sessionName}`,
      content: stopConsequences(session),
      confirmText: '确认停诊',
      confirmColor: '#d4380d',
      cancelText: '再想想',
    });
    if (!confirm) return;
    setBusy(true);
    try {
      onStopped(await staffApi.stopSession(session.id, checked.data.reason));
    } catch (caught) {
      setError(toApiError(caught).message);
      setBusy(false);
    }
  };

  return (
    <View className="cl-session__form cl-session__form--stop" data-testid="stop-form">
      <Text className="cl-session__form-title">停诊</Text>
      <View className="cl-session__field" data-testid="stop-reason">
        <Text className="cl-session__label">停诊原因（将通知已预约的患者）</Text>
        <Textarea
          className="cl-session__textarea"
          value={reason}
          maxlength={200}
          placeholder="例如：医生临时外出会诊"
          onInput={(e) => {
            setReason(e.detail.value);
            setError(null);
          }}
        />
      </View>
      {error ? (
        <Text className="cl-session__error" data-testid="stop-error">
          {error}
        </Text>
      ) : null}
      <View className="cl-session__buttons">
        <Button size="normal" disabled={busy} onClick={onCancel} data-testid="stop-cancel">
          取消
        </Button>
        <Button type="danger" size="normal" loading={busy} disabled={busy} onClick={() => void submit()} data-testid="stop-submit">
          停诊
        </Button>
      </View>
    </View>
  );
}
