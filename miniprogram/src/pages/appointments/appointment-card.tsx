import { Text, View } from '@tarojs/components';
import { formatFen } from '@careloop/shared';
import type { Appointment } from '@careloop/shared/contracts/appointments';
import { REFUND_STATUS_TEXT, STATUS_TONE } from './appointment-labels';
import { visitTimeText } from './visit-time';

/** Props of AppointmentCard. */
export interface AppointmentCardProps {
  appointment: Appointment;
  onClick: () => void;
}

/** One appointment in the 预约 tab: who, with whom, when, and where it stands. */
export function AppointmentCard({ appointment: a, onClick }: AppointmentCardProps) {
  return (
    <View className="cl-appt" data-testid="appointment-item" data-id={a.id} data-status={a.status} onClick={onClick} hoverClass="cl-appt--pressed" role="button">
      <View className="cl-appt__head">
        <Text className="cl-appt__doctor" data-testid="appointment-doctor">
          {a.doctor.name}
        </Text>
        <Text className="cl-appt__title">{a.doctor.titleText}</Text>
        <Text className={`cl-appt__status cl-appt__status--${STATUS_TONE[a.status]}`} data-testid="appointment-status">
          {a.statusText}
        </Text>
      </View>
      <Text className="cl-appt__line">
        {a.department.name} · {a.institution.name}
      </Text>
      <Text className="cl-appt__line cl-appt__time" data-testid="appointment-time">
        {visitTimeText(a.start, a.end)}
      </Text>
      <View className="cl-appt__foot">
        <Text className="cl-appt__patient">就诊人 {a.patient.name}</Text>
        <Text className="cl-appt__amount">
          {a.refund ? `${REFUND_STATUS_TEXT[a.refund.status]} ${formatFen(a.refund.amount)}` : formatFen(a.amount)}
        </Text>
      </View>
    </View>
  );
}
