import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useRef, useState } from 'react';
import type { Patient } from '@careloop/shared/contracts/patients';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { toApiError } from '../../../../services/api-error';
import { formatLocalDate } from '../../../../services/datetime';
import { accountRoutes } from '../../../../services/routes';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { bookingApi } from '../../booking-api';
import { decodeParam } from '../../../../services/route-params';
import '../../components/booking-ui.scss';
import './index.scss';

const RELATIONSHIP_TEXT: Record<Patient['relationship'], string> = {
  self: '本人',
  spouse: '配偶',
  parent: '父母',
  child: '子女',
  other: '其他',
};

/**
 * 选择就诊人: who the slot is for (`mode=book` → confirm page), or who waits for a full day
 * (`mode=waitlist` → joins the waitlist). Route: ?mode=…&doctorId=…&date=…[&slotId=…]
 */
export default function PatientPickPage() {
  const { params } = useRouter();
  const mode = params.mode === 'waitlist' ? 'waitlist' : 'book';
  const doctorId = decodeParam(params.doctorId);
  const date = decodeParam(params.date);
  const slotId = decodeParam(params.slotId);

  const request = useRequest(() => bookingApi.patients(), []);
  const [picked, setPicked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef(false);

  // Back from adding a 就诊人: show the new person.
  useDidShow(() => {
    if (shown.current) request.reload();
    shown.current = true;
  });

  const patients = request.status === 'success' ? request.data.items : [];
  // Until the person taps one, the account holder (本人) or the only person is chosen.
  const chosen = picked ?? (patients.find((p) => p.relationship === 'self') ?? patients[0])?.id ?? null;

  const add = () => void Taro.navigateTo({ url: accountRoutes.patientEdit() });

  const next = async () => {
    if (!chosen) return;
    setError(null);
    if (mode === 'book') {
      void Taro.navigateTo({ url: bookingRoutes.confirm({ doctorId, date, slotId, patientId: chosen }) });
      return;
    }
    setBusy(true);
    try {
      await bookingApi.joinWaitlist({ patientId: chosen, date, doctorId });
      void Taro.showToast({ title: '已加入候补', icon: 'success' });
      void Taro.redirectTo({ url: bookingRoutes.waitlist });
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PageRoot testId="page-booking-patient">
      <Text className="cl-bk-hint">
        {mode === 'waitlist' ? `为谁候补 ${date ? formatLocalDate(date) : ''} 的号源？` : '请选择本次就诊的人，挂号为实名制，就诊时请携带其证件。'}
      </Text>
      <RequestView request={request} isEmpty={(d) => d.items.length === 0} emptyTitle="还没有就诊人" emptyDescription="添加本人或家人后即可预约挂号">
        {(data) => (
          <View data-testid="patient-options">
            {data.items.map((p) => (
              <View
                key={p.id}
                className={p.id === chosen ? 'cl-pick cl-pick--on' : 'cl-pick'}
                data-testid="patient-option"
                data-id={p.id}
                data-selected={p.id === chosen ? 'yes' : 'no'}
                onClick={() => setPicked(p.id)}
                role="radio"
                aria-checked={p.id === chosen}
              >
                <View className="cl-pick__mark">{p.id === chosen ? '✓' : ''}</View>
                <View className="cl-pick__text">
                  <Text className="cl-pick__name">
                    {p.name} <Text className="cl-pick__rel">{RELATIONSHIP_TEXT[p.relationship]}</Text>
                  </Text>
                  <Text className="cl-pick__id">{p.idNumberMasked}</Text>
                </View>
              </View>
            ))}
          </View>
        )}
      </RequestView>
      <View className="cl-pick__add">
        <Text className="cl-pick__add-link" data-testid="patient-add-link" onClick={add}>
          + 添加就诊人
        </Text>
      </View>
      {error ? (
        <View className="cl-bk-error" data-testid="waitlist-error" role="alert">
          <Text className="cl-bk-error__title">未能加入候补</Text>
          <Text className="cl-bk-error__text">{error}</Text>
        </View>
      ) : null}
      <View className="cl-bk-actions">
        <Button
          type="primary"
          size="large"
          block
          disabled={!chosen || busy}
          loading={busy}
          onClick={() => void next()}
          data-testid={mode === 'waitlist' ? 'waitlist-submit' : 'patient-next'}
        >
          {mode === 'waitlist' ? '加入候补' : '下一步'}
        </Button>
      </View>
    </PageRoot>
  );
}
