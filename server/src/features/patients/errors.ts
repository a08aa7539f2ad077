import { AppError, ConflictError, NotFoundError } from '../../http/errors.js';
import type { PatientAccessDecision } from '../../policy/patient-access.js';

/** 404 for a patient that does not exist or that the account may not know of (same message). */
export function patientNotFound(): NotFoundError {
  return new NotFoundError('未找到该就诊人，请刷新列表后重试');
}

/** 409: the account already has this person (same identity number). */
export function patientExists(): ConflictError {
  return new ConflictError('该就诊人已添加，无需重复添加；请在就诊人列表中查看', { code: 'patient_exists' });
}

/** Most patients an account may manage. */
export const MAX_PATIENTS_PER_ACCOUNT = 10;

/** 409: the account already manages the most patients allowed. */
export function patientLimit(): ConflictError {
  return new ConflictError(`每个账号最多添加${MAX_PATIENTS_PER_ACCOUNT}位就诊人，请先删除不再需要的就诊人`, {
    code: 'patient_limit',
  });
}

/** 409: the account already has a `self` patient. */
export function selfExists(): ConflictError {
  return new ConflictError('您已添加过本人，每个账号只能有一位“本人”就诊人；请修改与本人的关系后重试', {
    code: 'patient_self_exists',
  });
}

const denialMessages: Record<string, string> = {
  action_not_permitted: '您没有权限进行此操作',
  consent_withdrawn: '就诊人已撤回授权，无法进行此操作',
  consent_required: '需要就诊人授权后才能进行此操作',
};

/** The AppError for a denied policy decision: its status, with its reason as the code. */
export function accessDenied(decision: Extract<PatientAccessDecision, { allowed: false }>): AppError {
  if (decision.status === 404) return patientNotFound();
  return new AppError(decision.reason, decision.status, denialMessages[decision.reason] ?? '您没有权限进行此操作');
}

/** 404: no invitation has this code (mistyped, or never issued). */
export function invitationNotFound(): AppError {
  return new AppError('invitation_not_found', 404, '邀请码不存在，请核对后重新输入，或请家人重新生成邀请码');
}

/** 410: the invitation's 10 minutes are over. */
export function invitationExpired(): AppError {
  return new AppError('invitation_expired', 410, '邀请码已过期（有效期10分钟），请家人重新生成邀请码');
}

/** 409: the invitation was already accepted (each code works once). */
export function invitationUsed(): ConflictError {
  return new ConflictError('该邀请码已被使用，每个邀请码只能使用一次；请家人重新生成邀请码', { code: 'invitation_used' });
}

/** 409: the owner tried to accept an invitation for their own patient. */
export function proxyIsOwner(): ConflictError {
  return new ConflictError('这是您自己添加的就诊人，无需接受邀请；请将邀请码发给需要代办的家人', { code: 'proxy_is_owner' });
}

/** 404: the account does not act for this patient (never did, or was already removed). */
export function proxyNotFound(): NotFoundError {
  return new NotFoundError('该家人未在代办此就诊人，请刷新列表后重试');
}
