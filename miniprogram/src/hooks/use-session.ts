import { useSyncExternalStore } from 'react';
import { getSession, subscribeSession, type Session } from '../services/session';

/** The signed-in session (null when signed out); re-renders on login, refresh and logout. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}
