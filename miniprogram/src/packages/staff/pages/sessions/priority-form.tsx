import { Input, Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { Button } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import { formatFen } from '@careloop/shared';
import { BookingPaths, SlotListResponseSchema } from '@careloop/shared/contracts/appointments';
import {
  SessionPaths,
  StaffAppointmentCreateSchema,
  StaffAppointmentSchema,
  type PriorityReason,
  type StaffAppointment,
  type StaffSession,
} from '@careloop/shared/contracts/sessions';
import { maskIdNumber } from '@careloop/shared/domain/masking';
import { RequestView } from '../../../../components/request-view';
import { useRequest } from '../../../../hooks/use-request';
import { API_V1, requestJson } from '../../../../services/api';
import { toApiError } from '../../../../services/api-error';
import { shanghaiClock } from '../../../../services/datetime';
import { staffRequest } from '../../staff-api';
import { ChoiceChips } from './choice-chips';
import { firstIssue, PRIORITY_REASONS, priorityErrorText } from './priority-input';

/** Props of PriorityForm. */
export interface PriorityFormProps {
  session: StaffSession;
  /** e.g. 陈国华 3月12日 上午 — named in the confirm dialog. */
  sessionName: string;
  onBooked: (appointment: StaffAppointment) => void;
  onCancel: () => void;
}

/**
 * The session's priority slots still free (the public slot list, counted for the priority
 * channel), and why none is when none is (e.g. 尚未放号, with when the day opens).
 */
async function freePrioritySlots(session: StaffSession) {
  const day = await requestJson(
    'GET',
    `${API_V1}${BookingPaths.slots(session.doctor.id)}?date=${encodeURIComponent(session.date)}&channel=priority`,
    SlotListResponseSchema,
    { auth: 'none' },
  );
  const priority = day.items.filter((s) => s.period === session.period && s.channel === 'priority');
  const free = priority.filter((s) => s.bookable);
  const blocked = priority.find((s) => !s.bookable && s.reason !== 'booked_out');
  return { free, why: free.length > 0 ? null : (blocked?.reasonText ?? '该时段优先号已约满') };
}

/**
 * 优先预约: a priority place (优先号) for an elderly (65+ on the visit date) or disabled patient
 * who phones or comes to the desk — the time, 姓名, 身份证号 (checked as typed), 手机 (optional),
 * 原因 and 备注 (the 残疾证 seen), a confirm dialog, then the booking is confirmed at the hospital
 * and the queue number shown. The fee is paid at the hospital window.
 */
export function PriorityForm({ session, sessionName, onBooked, onCancel }: PriorityFormProps) {
  const [reload, setReload] = useState(0);
  const slots = useRequest(() => freePrioritySlots(session), [session.id, reload]);
  const [slotId, setSlotId] = useState('');
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [reason, setReason] = useState<PriorityReason>('elderly');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = (set: (value: string) => void) => (e: { detail: { value: string } }) => {
    set(e.detail.value);
    setError(null);
  };

  const submit = async () => {
    if (!slotId) {
      setError('请选择就诊时间');
      return;
    }
    const checked = StaffAppointmentCreateSchema.safeParse({
      slotId,
      patient: { name, idType: 'resident_id', idNumber, ...(phone.trim() ? { phone } : {}) },
      reason,
      ...(note.trim() ? { note } : {}),
    });
    if (!checked.success) {
      setError(firstIssue(checked.error.issues));
      return;
    }
    setError(null);
    const slot = slots.data?.free.find((s) => s.id === slotId);
    const { confirm } = await Taro.showModal({
      title: `确认优先预约：${sessionName}`,
      content: `为 ${checked.data.patient.name}（${maskIdNumber(checked.data.patient.idNumber)}）预约 ${slot ? shanghaiClock(slot.start) : ''} 的优先号（${
        PRIORITY_REASONS.find((r) => r.id === reason)?.label ?? ''
      }）。挂号费 ${formatFen(session.fee)} 由患者到医院窗口缴纳。`,
      confirmText: '确认预约',
      cancelText: '再想想',
    });
    if (!confirm) return;
    setBusy(true);
    try {
      onBooked(await staffRequest('POST', SessionPaths.appointments, StaffAppointmentSchema, { body: checked.data }));
    } catch (caught) {
      const apiError = toApiError(caught);
      setError(priorityErrorText(apiError));
      if (apiError.code === 'slot_unavailable') {
        setSlotId('');
        setReload((n) => n + 1);
      }
      setBusy(false);
    }
  };

  return (
    <View className="cl-session__form" data-testid="priority-form">
      <Text className="cl-session__form-title">优先预约（老年人、残疾人）</Text>
      <View className="cl-session__field" data-testid="priority-slots">
        <Text className="cl-session__label">就诊时间</Text>
        <RequestView request={slots} isEmpty={() => false} emptyTitle="" skeletonRows={1}>
          {({ free, why }) =>
            why !== null ? (
              <Text className="cl-session__hint" data-testid="priority-none">
                {why}，暂不能预约优先号
              </Text>
            ) : (
              <ChoiceChips
                testId="priority-slot-option"
                choices={free.map((s) => ({ id: s.id, label: `${shanghaiClock(s.start)}–${shanghaiClock(s.end)}` }))}
                selected={slotId}
                onSelect={(id) => {
                  setSlotId(id);
                  setError(null);
                }}
              />
            )
          }
        </RequestView>
      </View>
      <View className="cl-session__field" data-testid="priority-name">
        <Text className="cl-session__label">姓名</Text>
        <Input className="cl-session__input" maxlength={30} value={name} placeholder="与身份证一致" onInput={edit(setName)} />
      </View>
      <View className="cl-session__field" data-testid="priority-id-number">
        <Text className="cl-session__label">身份证号</Text>
        <Input className="cl-session__input" type="idcard" maxlength={18} value={idNumber} placeholder="18位居民身份证号" onInput={edit(setIdNumber)} />
      </View>
      <View className="cl-session__field" data-testid="priority-phone">
        <Text className="cl-session__label">手机（选填）</Text>
        <Input className="cl-session__input" type="number" maxlength={11} value={phone} placeholder="便于医院联系患者" onInput={edit(setPhone)} />
      </View>
      <View className="cl-session__field" data-testid="priority-reason">
        <Text className="cl-session__label">原因</Text>
        <ChoiceChips
          testId="priority-reason-option"
          choices={PRIORITY_REASONS}
          selected={reason}
          onSelect={(id) => {
            setReason(id as PriorityReason);
            setError(null);
          }}
        />
      </View>
      <View className="cl-session__field" data-testid="priority-note">
        <Text className="cl-session__label">{reason === 'disabled' ? '备注（必填：已查验残疾证）' : '备注（选填）'}</Text>
        <Textarea
          className="cl-session__textarea"
          value={note}
          maxlength={200}
          placeholder={reason === 'disabled' ? '例如：已查验残疾证' : '例如：家属电话预约'}
          onInput={edit(setNote)}
        />
      </View>
      {error ? (
        <Text className="cl-session__error" data-testid="priority-error">
          {error}
        </Text>
      ) : null}
      <Text className="cl-session__hint">老年人优先号限就诊当日年满65周岁（按身份证出生日期计算）；挂号费由患者到医院窗口缴纳。</Text>
      <View className="cl-session__buttons">
        <Button size="normal" disabled={busy} onClick={onCancel} data-testid="priority-cancel">
          取消
        </Button>
        <Button type="primary" size="normal" loading={busy} disabled={busy} onClick={() => void submit()} data-testid="priority-submit">
          预约
        </Button>
      </View>
    </View>
  );
}
