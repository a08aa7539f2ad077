import type { AuditAction, AuditOutcome, AuditReason, AuditRule } from '@careloop/shared/contracts/audit';

/** Chinese names of the audited actions, in the order the filter offers them. */
export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  read: '查看',
  write: '修改',
  export: '导出',
};

/** How an access ended. */
export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = {
  allowed: '已允许',
  denied: '已拒绝',
  failed: '未完成',
};

/** Why access was refused or could not be decided. */
export const AUDIT_REASON_LABELS: Record<AuditReason, string> = {
  not_found: '无关联患者（未在本机构就诊或无此患者）',
  action_not_permitted: '角色无此操作权限',
  consent_withdrawn: '患者已撤回授权',
  consent_required: '患者未授权',
  facts_unavailable: '医院系统不可用，无法判断',
};

/** The policy rule that decided. */
export const AUDIT_RULE_LABELS: Record<AuditRule, string> = {
  owner: '本人',
  proxy: '家人代办',
  alliance_admin: '医联体管理员（患者已同意共享）',
  institution_staff: '本机构工作人员（患者在本机构就诊）',
  no_relation: '无关联',
};

/** What was accessed, for the resources known today; others show their code. */
export function auditResourceLabel(resource: string): string {
  switch (resource) {
    case 'patient':
      return '患者信息';
    case 'patient.export':
      return '患者数据导出';
    default:
      return resource;
  }
}
