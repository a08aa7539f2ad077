import { Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { formatFen, type DoctorProfile } from '@careloop/shared';
import type { Appointment, BookingRules, Slot } from '@careloop/shared/contracts/appointments';
import type { Patient } from '@careloop/shared/contracts/patients';
import { PageRoot } from '../../../../components/page-root';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { directoryApi } from '../../../../services/api';
import { ApiError, toApiError } from '../../../../services/api-error';
import { bookingRoutes } from '../../../../pages/appointments/booking-routes';
import { deadlineText, visitTimeText } from '../../../../pages/appointments/visit-time';
import { backToSlots } from '../../back-to-slots';
import { bookingApi } from '../../booking-api';
import { bookingFailure, type BookingFailure } from '../../booking-errors';
import { cancelRuleText } from '../../cancel-rule';
import { InfoCard } from '../../components/info-card';
import { RulesList } from '../../components/rules-list';
import { payAppointment } from '../../pay';
import { requiredParam } from '../../../../services/route-params';
import '../../components/booking-ui.scss';

interface Booking {
  doctor: DoctorProfile;
  slot: Slot;
  rules: BookingRules;
  patient: Patient;
}

/**
 * 确认预约: doctor, time (Asia/Shanghai), fee and every rule up front; then books (holds the
 * slot) and pays. Route: ?doctorId=…&date=…&slotId=…&patientId=…
 */
export default function ConfirmPage() {
  const { params } = useRouter();
  const request = useRequest(async (): Promise<Booking> => {
    const doctorId = requiredParam(params.doctorId, '医生');
    const date = requiredParam(params.date, '就诊日期');
    const slotId = requiredParam(params.slotId, '就诊时段');
    const patientId = requiredParam(params.patientId, '就诊人');
    const [doctor, day, patients] = await Promise.all([directoryApi.doctor(doctorId), bookingApi.slots(doctorId, date), bookingApi.patients()]);
    const slot = day.items.find((s) => s.id === slotId);
    const patient = patients.items.find((p) => p.id === patientId);
    if (!slot) throw new ApiError({ kind: 'http', code: 'slot_not_found', message: '该时段已不在医生的排班中，请重新选择' });
    if (!patient) throw new ApiError({ kind: 'http', code: 'patient_not_found', message: '未找到该就诊人，请返回重新选择' });
    return { doctor: doctor.doctor, slot, rules: day.rules, patient };
  }, [params.doctorId, params.date, params.slotId, params.patientId]);

  return (
    <PageRoot testId="page-booking-confirm">
      <RequestView request={request} isEmpty={() => false} emptyTitle="" skeletonRows={8}>
        {(booking) => <ConfirmForm booking={booking} doctorId={params.doctorId ?? ''} date={params.date ?? ''} />}
      </RequestView>
    </PageRoot>
  );
}

function ConfirmForm({ booking, doctorId, date }: { booking: Booking; doctorId: string; date: string }) {
  const { doctor, slot, rules, patient } = booking;
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Appointment | null>(null);
  const [failure, setFailure] = useState<BookingFailure | null>(null);
  const [payError, setPayError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setFailure(null);
    setPayError(null);
    // A second tap after a failed payment pays the same hold instead of booking again.
    let appointment = created;
    if (!appointment) {
      try {
        appointment = await bookingApi.create({ slotId: slot.id, patientId: patient.id });
        setCreated(appointment);
      } catch (error) {
        setFailure(bookingFailure(toApiError(error)));
        setBusy(false);
        // The refusal shows under the booking summary, above the long list of rules.
        void Taro.pageScrollTo({ scrollTop: 0, duration: 200 });
        return;
      }
    }
    try {
      const outcome = await payAppointment(appointment.id);
      if (outcome === 'left') return; // H5: the window is going to the cashier; stay busy.
      const url = outcome === 'paid' ? bookingRoutes.result(appointment.id) : bookingRoutes.detail(appointment.id);
      void Taro.redirectTo({ url });
    } catch (error) {
      setPayError(toApiError(error).message);
      void Taro.pageScrollTo({ scrollTop: 0, duration: 200 });
    }
    setBusy(false);
  };

  const unavailable = !slot.bookable && !created;
  const slotsButton = (
    <Button size="large" block onClick={() => backToSlots(doctorId, date)} data-testid="back-to-slots">
      重新选择时段
    </Button>
  );
  const appointmentsButton = (
    <Button size="large" block type={failure?.remedy === 'appointments' ? 'primary' : 'default'} onClick={() => void Taro.switchTab({ url: bookingRoutes.tab })} data-testid="go-appointments">
      查看我的预约
    </Button>
  );
  const actions = (
    <View className="cl-bk-actions">
      {unavailable || failure?.remedy === 'pick' ? (
        <>
          <Button type="primary" size="large" block onClick={() => backToSlots(doctorId, date)} data-testid="back-to-slots">
            重新选择时段
          </Button>
          <View className="cl-bk-actions__second">{appointmentsButton}</View>
        </>
      ) : failure?.remedy === 'appointments' ? (
        <>
          {appointmentsButton}
          <View className="cl-bk-actions__second">{slotsButton}</View>
        </>
      ) : (
        <>
          <Button type="primary" size="large" block loading={busy} disabled={busy} onClick={() => void submit()} data-testid="booking-submit">
            {created ? `继续支付 ${formatFen(created.amount)}` : failure ? '重新提交' : `确认预约并支付 ${formatFen(slot.fee)}`}
          </Button>
          {failure ? <View className="cl-bk-actions__second">{slotsButton}</View> : null}
        </>
      )}
      {created ? (
        <View className="cl-bk-actions__second">
          <Button size="large" block onClick={() => void Taro.redirectTo({ url: bookingRoutes.detail(created.id) })} data-testid="go-detail">
            查看预约（{deadlineText(created.payBy)} 前支付）
          </Button>
        </View>
      ) : null}
    </View>
  );
  // After a refusal the way out sits right under the explanation, above the long list of rules.
  const refused = unavailable || failure !== null || payError !== null;
  return (
    <View data-testid="booking-confirm" data-slot-id={slot.id}>
      <InfoCard
        title="预约信息"
        rows={[
          { label: '就诊人', value: patient.name, testId: 'confirm-patient' },
          { label: '医生', value: `${doctor.name} ${doctor.titleText}`, testId: 'confirm-doctor' },
          { label: '就诊时间', value: visitTimeText(slot.start, slot.end), testId: 'confirm-time' },
          { label: '挂号费', value: formatFen(slot.fee), testId: 'confirm-fee' },
        ]}
      />
      {unavailable ? (
        <View className="cl-bk-error" data-testid="booking-error" data-code={slot.reason ?? 'not_bookable'} role="alert">
          <Text className="cl-bk-error__title">该时段已不可预约</Text>
          <Text className="cl-bk-error__text">{slot.reasonText ?? '请重新选择时段'}</Text>
        </View>
      ) : null}
      {failure ? (
        <View className="cl-bk-error" data-testid="booking-error" data-code={failure.code} role="alert">
          <Text className="cl-bk-error__title">{failure.title}</Text>
          <Text className="cl-bk-error__text">{failure.message}</Text>
        </View>
      ) : null}
      {payError ? (
        <View className="cl-bk-error" data-testid="pay-error" role="alert">
          <Text className="cl-bk-error__title">号源已为您保留，但支付未完成</Text>
          <Text className="cl-bk-error__text">{payError}</Text>
        </View>
      ) : null}
      {refused ? actions : null}
      <RulesList
        texts={rules.texts}
        lead={[
          { text: cancelRuleText(slot, rules), testId: 'confirm-cancel-rule' },
          { text: `提交后请在 ${rules.payWithinMinutes} 分钟内完成支付，逾期未支付号源将自动释放。`, testId: 'confirm-pay-rule' },
        ]}
      />

      {refused ? null : actions}
    </View>
  );
}
