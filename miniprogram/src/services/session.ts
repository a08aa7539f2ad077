import Taro from '@tarojs/taro';
import type { Account } from '@careloop/shared';

/** Storage key of the signed-in session (tokens + the account as last seen). */
export const SESSION_STORAGE_KEY = 'careloop.auth';

/** What a signed-in device keeps: the token pair and the account it belongs to. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  account: Account;
}

type Listener = () => void;
let current: Session | null = null;
let loaded = false;
const listeners = new Set<Listener>();

function isSession(value: unknown): value is Session {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<Session>;
  return typeof v.accessToken === 'string' && typeof v.refreshToken === 'string' && !!v.account && typeof v.account.id === 'string';
}

function load(): void {
  try {
    const stored: unknown = Taro.getStorageSync(SESSION_STORAGE_KEY);
    current = isSession(stored) ? stored : null;
  } catch {
    current = null;
  }
  loaded = true;
}

function save(next: Session | null): void {
  current = next;
  loaded = true;
  try {
    if (next) Taro.setStorageSync(SESSION_STORAGE_KEY, next);
    else Taro.removeStorageSync(SESSION_STORAGE_KEY);
  } catch {
    // Storage unavailable: the session still lives for this run.
  }
  for (const listener of listeners) listener();
}

/** The current session, or null when signed out. */
export function getSession(): Session | null {
  if (!loaded) load();
  return current;
}

/** Stores a fresh token pair (after login or refresh). */
export function setSession(next: Session): void {
  save(next);
}

/** Replaces the account kept with the tokens (after GET/PATCH /auth/me). */
export function updateSessionAccount(account: Account): void {
  const session = getSession();
  if (session) save({ ...session, account });
}

/** Forgets the tokens (logout, or a refresh the server refused). */
export function clearSession(): void {
  save(null);
}

/** Subscribes to sign-in / sign-out (for useSyncExternalStore). */
export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
