import { HospitalSystemError } from '../integrations/hospital/errors.js';
import {
  AppError,
  ConflictError,
  HospitalBadResponseError,
  HospitalTimeoutError,
  HospitalUnavailableError,
  NotFoundError,
} from './errors.js';

/**
 * Turns a hospital-port failure into the AppError the client sees — unavailable 503, timeout
 * 504, bad response 502, conflict 409 (`hospital_conflict`), not found 404 — keeping the
 * original as `cause` for the log. The adapter's messages are patient-facing Chinese already.
 */
export function appErrorFromHospital(error: HospitalSystemError): AppError {
  const options = { cause: error };
  switch (error.code) {
    case 'hospital_unavailable':
      return new HospitalUnavailableError(undefined, options);
    case 'hospital_timeout':
      return new HospitalTimeoutError(undefined, options);
    case 'hospital_bad_response':
      return new HospitalBadResponseError(undefined, options);
    case 'hospital_conflict':
      return new ConflictError(error.message, { ...options, code: 'hospital_conflict' });
    case 'hospital_not_found':
      return new NotFoundError(error.message, options);
  }
}

/** True for an error the hospital port threw. */
export function isHospitalError(error: unknown): error is HospitalSystemError {
  return error instanceof HospitalSystemError;
}
