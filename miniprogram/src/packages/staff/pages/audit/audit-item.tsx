import { Text, View } from '@tarojs/components';
import type { AuditEvent } from '@careloop/shared/contracts/audit';
import { AUDIT_ACTION_LABELS, AUDIT_OUTCOME_LABELS, AUDIT_REASON_LABELS, AUDIT_RULE_LABELS, auditResourceLabel } from '../../audit-labels';
import { STAFF_ROLE_LABELS } from '../../role-labels';
import { pad, shanghaiWallClock } from '../../../../services/datetime';


/** "2026-03-09T06:05:32Z" → "2026-03-09 14:05:32" (Beijing time, to the second: audits are read side by side with logs). */
export function auditTime(iso: string): string {
  const d = shanghaiWallClock(iso);
  if (!d) return iso;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** One audit event: when, who (staff id, role, institution), what (action on resource of a patient), how it ended and why. */
export function AuditItem({ event, institution }: { event: AuditEvent; institution: string }) {
  return (
    <View className="cl-audit__item" data-testid="audit-item" data-id={event.id} data-action={event.action} data-outcome={event.outcome} data-patient={event.patientId}>
      <View className="cl-audit__row">
        <Text className="cl-audit__time" data-testid="audit-item-time">
          {auditTime(event.at)}
        </Text>
        <Text className={`cl-audit__outcome cl-audit__outcome--${event.outcome}`} data-testid="audit-item-outcome">
          {AUDIT_OUTCOME_LABELS[event.outcome]}
        </Text>
      </View>
      <Text className="cl-audit__what" data-testid="audit-item-what">
        {AUDIT_ACTION_LABELS[event.action]} · {auditResourceLabel(event.resource)}
      </Text>
      <Text className="cl-audit__line" data-testid="audit-item-actor">
        操作人：{event.staffId}（{STAFF_ROLE_LABELS[event.role]} · {institution}）
      </Text>
      <Text className="cl-audit__line" data-testid="audit-item-patient">
        就诊人ID：{event.patientId}
      </Text>
      {event.rule ? <Text className="cl-audit__line">依据：{AUDIT_RULE_LABELS[event.rule]}</Text> : null}
      {event.reason ? (
        <Text className="cl-audit__line" data-testid="audit-item-reason">
          原因：{AUDIT_REASON_LABELS[event.reason]}
        </Text>
      ) : null}
      <Text className="cl-audit__request">请求ID：{event.requestId}</Text>
    </View>
  );
}
