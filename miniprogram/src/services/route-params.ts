import { ApiError } from './api-error';

/**
 * A page opened without the id it needs (a bad share link, a typo in a URL) shows an error
 * state instead of asking the server for `/undefined`.
 */
export function requiredParam(value: string | undefined, what: string): string {
  if (!value) {
    throw new ApiError({ kind: 'invalid_response', code: 'missing_param', message: `缺少${what}信息，请返回上一页重新选择` });
  }
  return decodeParam(value);
}

/**
 * Route params arrive URL-encoded in the mini-program and decoded on H5; decoding is safe for
 * our ids, names and dates either way, and a stray '%' is kept as it is.
 */
export function decodeParam(value: string | undefined): string {
  if (!value) return '';
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
