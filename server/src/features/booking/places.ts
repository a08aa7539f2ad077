import type { SessionPlacesAdd } from '@careloop/shared/contracts/sessions';
import { AppError, ConflictError } from '../../http/errors.js';
import type { BookingContext } from './context.js';
import { holdPlace, releasePlace } from './holds.js';
import { rulesFor } from './settings.js';

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

/**
 * Patients waiting (候补) for the doctor's day get the new places first, in their order: each
 * place is taken, then handed to the first waiting patient as an offer (as a released place
 * is); the first place nobody takes goes back to everyone and the rest stay public. Returns how
 * many places were offered.
 */
export async function offerAddedPlacesToWaitlist(ctx: BookingContext, slotIds: readonly string[], institutionId: string): Promise<number> {
  const rules = rulesFor(ctx.settings, institutionId);
  let offered = 0;
  for (const slotId of slotIds) {
    const held = await holdPlace(ctx.models, slotId, 'public', ctx.clock.now(), rules.closeMinutesBefore);
    // Not bookable now (the day is not open yet, or a patient was quicker): nothing to hand over.
    if (!held) continue;
    const handedOver = await ctx.waitlist.offerReleasedPlace(slotId).catch((error: unknown) => {
      ctx.logger.error({ err: error, slotId }, 'waitlist offer of an added place failed; the place stays public');
      return false;
    });
    if (handedOver) {
      offered += 1;
      continue;
    }
    await releasePlace(ctx.models, slotId);
    ctx.soldOut.forget([slotId]);
    return offered;
  }
  return offered;
}
