import { useEffect, useState } from 'react';
import type { Appointment } from '@careloop/shared/contracts/appointments';
import { useRequest, type RequestResult } from '../../hooks/use-request';
import { bookingApi } from './booking-api';
import { requiredParam } from '../../services/route-params';

/** Background refresh interval while something is still moving (registration, a refund). */
const REFRESH_MS = 3_000;

/** True while the appointment will change without the patient doing anything. */
export function isMoving(a: Appointment): boolean {
  return a.status === 'confirming' || a.refund?.status === 'processing';
}

/**
 * One appointment, loaded with the usual loading/error states and then kept fresh in the
 * background (no skeleton flashes) while it is being registered or refunded, so 退款中 turns
 * into 已退款 on screen. `replace` shows an answer the page already has (e.g. after cancel).
 */
export function useLiveAppointment(id: string | undefined): {
  request: RequestResult<Appointment>;
  appointment: Appointment | undefined;
  replace: (a: Appointment) => void;
} {
  const request = useRequest(() => bookingApi.get(requiredParam(id, '预约')), [id]);
  const [live, setLive] = useState<Appointment | null>(null);
  const [failures, setFailures] = useState(0);
  const loaded = request.status === 'success' ? request.data : undefined;

  // A fresh load (reload, another id) replaces whatever the background had.
  useEffect(() => setLive(null), [loaded]);
  const appointment = loaded ? (live ?? loaded) : undefined;

  useEffect(() => {
    if (!appointment || !isMoving(appointment) || failures > 20) return undefined;
    let stopped = false;
    const timer = setTimeout(() => {
      bookingApi.get(appointment.id).then(
        (fresh) => {
          if (!stopped) setLive(fresh);
        },
        () => {
          if (!stopped) setFailures((n) => n + 1);
        },
      );
    }, REFRESH_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [appointment, failures]);

  return { request, appointment, replace: setLive };
}
