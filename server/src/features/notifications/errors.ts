import { NotFoundError, ValidationError } from '../../http/errors.js';

/** 404: a message that is not the account's (or does not exist: the same answer). */
export function notificationNotFound(): NotFoundError {
  return new NotFoundError('未找到该消息，请刷新消息列表后重试');
}

/** 400: a `cursor` that is not a `nextCursor` this API gave out. */
export function invalidNotificationCursor(): ValidationError {
  return new ValidationError(
    [{ path: 'query.cursor', code: 'invalid_cursor', message: '分页游标无效，请从第一页重新查询' }],
    '分页游标无效（query.cursor），请从第一页重新查询',
  );
}
