import { Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { SessionPaths, SessionPlacesResultSchema, type SessionPlacesResult, type StaffSession } from '@careloop/shared/contracts/sessions';
import { toApiError } from '../../../../services/api-error';
import { totalPlaces } from '../../session-labels';
import { staffRequest } from '../../staff-api';
import { ChoiceChips } from './choice-chips';
import { checkPlaces, PLACES_MODES, placesConfirmText, type PlacesMode } from './places-input';

/** Props of PlacesForm. */
export interface PlacesFormProps {
  session: StaffSession;
  /** e.g. 赵鹏 3月11日 上午 — named in the confirm dialog. */
  sessionName: string;
  onAdded: (result: SessionPlacesResult) => void;
  onCancel: () => void;
}

/**
 * 加号: a number of places or a share of the session (+30%), a preview of the count afterwards,
 * a confirm dialog, then the hospital adds the places and they are public at once.
 */
export function PlacesForm({ session, sessionName, onAdded, onCancel }: PlacesFormProps) {
  const [mode, setMode] = useState<PlacesMode>('count');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const total = totalPlaces(session.quota);
  const preview = value.trim() === '' ? null : checkPlaces(mode, value, total);

  const submit = async () => {
    const checked = checkPlaces(mode, value, total);
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    setError(null);
    const { confirm } = await Taro.showModal({
      title: `确认加号：${sessionName}`,
      content: placesConfirmText(checked.adds, total),
      confirmText: '确认加号',
      cancelText: '再想想',
    });
    if (!confirm) return;
    setBusy(true);
    try {
      onAdded(await staffRequest('POST', SessionPaths.places(session.id), SessionPlacesResultSchema, { body: checked.body }));
    } catch (caught) {
      setError(toApiError(caught).message);
      setBusy(false);
    }
  };

  return (
    <View className="cl-session__form" data-testid="places-form">
      <Text className="cl-session__form-title">加号（现有 {total} 个号）</Text>
      <ChoiceChips
        testId="places-mode"
        choices={PLACES_MODES}
        selected={mode}
        onSelect={(id) => {
          setMode(id as PlacesMode);
          setError(null);
        }}
      />
      <View className="cl-session__field" data-testid="places-value">
        <Text className="cl-session__label">{mode === 'count' ? '加号数量（个）' : '加号比例（%）'}</Text>
        <Input
          className="cl-session__input"
          type="number"
          maxlength={4}
          value={value}
          placeholder={mode === 'count' ? '例如 5' : '例如 30'}
          onInput={(e) => {
            setValue(e.detail.value);
            setError(null);
          }}
        />
      </View>
      {error ? (
        <Text className="cl-session__error" data-testid="places-error">
          {error}
        </Text>
      ) : null}
      <Text className="cl-session__hint" data-testid="places-preview">
        {preview?.ok ? `将加 ${preview.adds} 个号，加号后共 ${total + preview.adds} 个号` : '请填写加号数量或比例'}
      </Text>
      <Text className="cl-session__hint">新增的号为普通号，排在该时段原有号之后，与该日其他号源同时开放预约。</Text>
      <View className="cl-session__buttons">
        <Button size="normal" disabled={busy} onClick={onCancel} data-testid="places-cancel">
          取消
        </Button>
        <Button type="primary" size="normal" loading={busy} disabled={busy} onClick={() => void submit()} data-testid="places-submit">
          加号
        </Button>
      </View>
    </View>
  );
}
