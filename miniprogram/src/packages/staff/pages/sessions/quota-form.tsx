import { Input, Text, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import type { StaffSession } from '@careloop/shared/contracts/sessions';
import { toApiError } from '../../../../services/api-error';
import { checkQuota, publicPlacesLeft, quotaFormOf, quotaServerErrors, type QuotaErrors, type QuotaFormValues } from '../../session-quota';
import { totalPlaces } from '../../session-labels';
import { staffApi } from '../../staff-api';

/** Props of QuotaForm. */
export interface QuotaFormProps {
  session: StaffSession;
  onSaved: (session: StaffSession) => void;
  onCancel: () => void;
}

/**
 * 调整号源分配: how many of the session's places are kept for referrals and for the priority
 * channel; the rest are public, shown as the scheduler types. Checked here first, then by the
 * server, whose refusal (e.g. places already booked in a channel) is shown under the fields.
 */
export function QuotaForm({ session, onSaved, onCancel }: QuotaFormProps) {
  const [values, setValues] = useState<QuotaFormValues>(() => quotaFormOf(session));
  const [errors, setErrors] = useState<QuotaErrors>({});
  const [busy, setBusy] = useState(false);
  const left = publicPlacesLeft(values, session);
  const total = totalPlaces(session.quota);

  const set = (field: keyof QuotaFormValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const save = async () => {
    const checked = checkQuota(values, session);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      onSaved(await staffApi.setQuota(session.id, checked.body));
    } catch (error) {
      setErrors(quotaServerErrors(toApiError(error)));
      setBusy(false);
    }
  };

  return (
    <View className="cl-session__form" data-testid="quota-form">
      <Text className="cl-session__form-title">调整号源分配（共 {total} 个号）</Text>
      <View className="cl-session__field" data-testid="quota-referral">
        <Text className="cl-session__label">转诊预留（个）</Text>
        <Input className="cl-session__input" type="number" maxlength={4} value={values.referral} onInput={(e) => set('referral', e.detail.value)} />
        {errors.referral ? (
          <Text className="cl-session__error" data-testid="quota-error-referral">
            {errors.referral}
          </Text>
        ) : null}
      </View>
      <View className="cl-session__field" data-testid="quota-priority">
        <Text className="cl-session__label">优先号（个）</Text>
        <Input className="cl-session__input" type="number" maxlength={4} value={values.priority} onInput={(e) => set('priority', e.detail.value)} />
        {errors.priority ? (
          <Text className="cl-session__error" data-testid="quota-error-priority">
            {errors.priority}
          </Text>
        ) : null}
      </View>
      {errors.form ? (
        <Text className="cl-session__error" data-testid="quota-error">
          {errors.form}
        </Text>
      ) : null}
      <Text className="cl-session__hint" data-testid="quota-public-preview">
        {left === null ? '请填写转诊预留和优先号的数量' : left >= 0 ? `普通号将为 ${left} 个` : `合计超出 ${-left} 个号`}
      </Text>
      <Text className="cl-session__hint">已被预约的号保留原渠道；只调整尚未预约的号。</Text>
      <View className="cl-session__buttons">
        <Button size="normal" disabled={busy} onClick={onCancel} data-testid="quota-cancel">
          取消
        </Button>
        <Button type="primary" size="normal" loading={busy} disabled={busy} onClick={() => void save()} data-testid="quota-submit">
          保存
        </Button>
      </View>
    </View>
  );
}
