import { ApiError } from '../../services/api-error';

/**
 * Route params arrive URL-encoded in the mini-program and decoded on H5; decoding is safe for
 * our ids and dates either way, and a stray '%' is kept as it is.
 */
export function decodeParam(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * A page opened without the id it needs (a bad share link, a typo) shows an error state
 * instead of asking the server for `/undefined`. Call it inside a loader.
 */
export function requiredParam(value: string | undefined, what: string): string {
  const decoded = decodeParam(value);
  if (!decoded) {
    throw new ApiError({ kind: 'invalid_response', code: 'missing_param', message: `缺少${what}信息，请返回上一页重新选择` });
  }
  return decoded;
}
