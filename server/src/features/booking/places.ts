import type { SessionPlacesAdd } from '@careloop/shared/contracts/sessions';
import { AppError, ConflictError } from '../../http/errors.js';

/**
 * 加号 (adding places to a session): how many places a request asks for, and the refusals.
 * The places themselves are made by the hospital (`HospitalSystem.addSlots`) and reach the
 * inventory through a sync of the session's day, so they are public and bookable at once.
 */

/**
 * The places to add: `count` as given, or `percent` of the session's current places rounded up
 * (at least one), e.g. +30% of 16 → 5.
 */
export function placesToAdd(request: SessionPlacesAdd, currentPlaces: number): number {
  if (request.count !== undefined) return request.count;
  return Math.max(1, Math.ceil((currentPlaces * (request.percent ?? 0)) / 100));
}

/** 409: the session is stopped (停诊): nobody can be seen, so no place is added. */
export function sessionStoppedForPlaces(): AppError {
  return new ConflictError('该时段已停诊，不能加号', { code: 'session_stopped' });
}

/** 409: the session has begun or ended: places are added before it starts. */
export function sessionStartedForPlaces(): AppError {
  return new ConflictError('该时段已开始或已结束，不能再加号，请在医院窗口现场加号', { code: 'session_started' });
}

/** 409: the hospital system CareLoop talks to cannot add slots; 加号 is done in the HIS. */
export function placesNotSupported(): AppError {
  return new ConflictError('对接的医院系统不支持线上加号，请在医院HIS中加号，新号源将随下次同步出现', { code: 'places_not_supported' });
}
