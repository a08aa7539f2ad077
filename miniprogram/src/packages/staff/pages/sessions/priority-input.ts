import type { PriorityReason } from '@careloop/shared/contracts/sessions';
import type { StaffRole } from '@careloop/shared/contracts/staff';
import type { ApiError } from '../../../../services/api-error';

/**
 * The 优先预约 form's pieces: who may book priority places, the reason chips, the first problem
 * of a request the shared schema refused, and what to say for the server's refusals.
 */

/** Roles that book priority places (the server's `priorityBookers`): schedulers and institution admins. */
const PRIORITY_ROLES: readonly StaffRole[] = ['scheduler', 'institution_admin'];

/** Whether this staff member books priority places for a session of `institutionId`. */
export function canBookPriority(staff: { role: StaffRole; institutionId: string }, institutionId: string): boolean {
  return PRIORITY_ROLES.includes(staff.role) && staff.institutionId === institutionId;
}

/** The reason chips. */
export const PRIORITY_REASONS: ReadonlyArray<{ id: PriorityReason; label: string; note: string }> = [
  { id: 'elderly', label: '老年人', note: '就诊当日年满65周岁' },
  { id: 'disabled', label: '残疾人', note: '已查验残疾证' },
];

/** The message of the first issue (the schema's messages are Chinese and name the field's rule). */
export function firstIssue(issues: ReadonlyArray<{ message: string }>): string {
  return issues[0]?.message ?? '请检查填写的内容';
}

/** What the form says for a refusal: the server's message, with the next step for a lost place. */
export function priorityErrorText(error: Pick<ApiError, 'code' | 'message' | 'status'>): string {
  switch (error.code) {
    case 'slot_unavailable':
      return '该优先号已被约走，请重新选择就诊时间';
    case 'slot_not_found':
      return '未找到该号源（可能不属于本机构），请刷新后重试';
    default:
      return error.message;
  }
}
