import { useDidShow } from '@tarojs/taro';
import { useEffect, useSyncExternalStore } from 'react';
import { staffSignedOut } from './staff-api';
import { getStaffSession, isStaffSessionLive, subscribeStaffSession, type StaffSession } from './staff-session';

/** The stored staff session (maybe expired), re-rendering on sign-in and sign-out. */
export function useStaffSession(): StaffSession | null {
  return useSyncExternalStore(subscribeStaffSession, getStaffSession, getStaffSession);
}

/**
 * For pages behind the staff login: returns the live session, and sends the staff member to the
 * login page (saying why) when there is none, when it expires while the page is open, or when
 * the page is shown again after it expired.
 */
export function useStaffGuard(): StaffSession | null {
  const session = useStaffSession();
  const live = isStaffSessionLive(session) ? session : null;

  useEffect(() => {
    if (!live) {
      staffSignedOut(session ? 'expired' : undefined);
      return;
    }
    // Timers longer than ~24.8 days overflow; a staff session lasts 30 minutes.
    const timer = setTimeout(() => staffSignedOut('expired'), Math.max(0, Date.parse(live.expiresAt) - Date.now()));
    return () => clearTimeout(timer);
  }, [live, session]);

  useDidShow(() => {
    const stored = getStaffSession();
    if (stored && !isStaffSessionLive(stored)) staffSignedOut('expired');
  });

  return live;
}
