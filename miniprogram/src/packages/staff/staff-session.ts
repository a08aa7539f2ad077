import Taro from '@tarojs/taro';
import type { StaffLoginResponse } from '@careloop/shared/contracts/staff';

/**
 * Storage key of the staff session. Kept apart from the patient's `careloop.auth`: a staff
 * token never rides on a patient request, and signing out of one leaves the other alone.
 */
export const STAFF_SESSION_STORAGE_KEY = 'careloop.staff';

/** What a signed-in staff browser keeps: the bearer token, when it expires, and who it is. */
export type StaffSession = StaffLoginResponse;

type Listener = () => void;
let current: StaffSession | null = null;
let loaded = false;
const listeners = new Set<Listener>();

function isStaffSession(value: unknown): value is StaffSession {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<StaffSession>;
  return typeof v.accessToken === 'string' && typeof v.expiresAt === 'string' && !!v.staff && typeof v.staff.id === 'string';
}

function save(next: StaffSession | null): void {
  current = next;
  loaded = true;
  try {
    if (next) Taro.setStorageSync(STAFF_SESSION_STORAGE_KEY, next);
    else Taro.removeStorageSync(STAFF_SESSION_STORAGE_KEY);
  } catch {
    // Storage unavailable: the session still lives for this page load.
  }
  for (const listener of listeners) listener();
}

/** The stored staff session (maybe expired: see `isStaffSessionLive`), or null. */
export function getStaffSession(): StaffSession | null {
  if (!loaded) {
    try {
      const stored: unknown = Taro.getStorageSync(STAFF_SESSION_STORAGE_KEY);
      current = isStaffSession(stored) ? stored : null;
    } catch {
      current = null;
    }
    loaded = true;
  }
  return current;
}

/** Whether the session's token is still within its lifetime at `now`. */
export function isStaffSessionLive(session: StaffSession | null, now: number = Date.now()): session is StaffSession {
  if (!session) return false;
  const expires = Date.parse(session.expiresAt);
  return !Number.isNaN(expires) && expires > now;
}

/** Stores the session a login returned. */
export function setStaffSession(next: StaffSession): void {
  save(next);
}

/** Forgets the staff session (logout, expiry, or a token the server refused). */
export function clearStaffSession(): void {
  save(null);
}

/** Subscribes to sign-in / sign-out of staff (for useSyncExternalStore). */
export function subscribeStaffSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
