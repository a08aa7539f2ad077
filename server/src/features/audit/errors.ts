import { AppError, ValidationError, type AppErrorOptions } from '../../http/errors.js';

/**
 * 503: the audit event of a staff access could not be written, so the access is refused — no
 * patient data leaves without its audit entry.
 */
export class AuditUnavailableError extends AppError {
  override readonly name = 'AuditUnavailableError';
  constructor(options?: AppErrorOptions) {
    super('audit_unavailable', 503, '访问记录暂时无法保存，为保护患者隐私本次访问已取消，请稍后重试', options);
  }
}

/** 400: a `cursor` that is not a `nextCursor` this API gave out. */
export function invalidCursor(): ValidationError {
  return new ValidationError(
    [{ path: 'query.cursor', code: 'invalid_cursor', message: '分页游标无效，请从第一页重新查询' }],
    '分页游标无效（query.cursor），请从第一页重新查询',
  );
}
