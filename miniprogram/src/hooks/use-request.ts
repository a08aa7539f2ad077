import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError, toApiError } from '../services/api-error';

/** What a screen renders from: exactly one of loading, error or data at a time. */
export type RequestState<T> =
  | { status: 'loading'; data: undefined; error: undefined }
  | { status: 'error'; data: undefined; error: ApiError }
  | { status: 'success'; data: T; error: undefined };

/** The state plus a way to try again. */
export type RequestResult<T> = RequestState<T> & { reload: () => void };

const LOADING = { status: 'loading', data: undefined, error: undefined } as const;

/**
 * Runs `load` when the screen mounts and whenever `deps` change, and exposes loading / data /
 * error / reload. A response that arrives after a newer request started, or after the screen
 * went away, is dropped, so a slow first answer never overwrites a fresh one.
 */
export function useRequest<T>(load: () => Promise<T>, deps: DependencyList): RequestResult<T> {
  const [state, setState] = useState<RequestState<T>>(LOADING);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const id = ++latest.current;
    setState(LOADING);
    let pending: Promise<T>;
    try {
      pending = loadRef.current();
    } catch (error) {
      // A loader that throws before it returns a promise (e.g. a missing route param) is an error state too.
      pending = Promise.reject(error);
    }
    pending.then(
      (data) => {
        if (latest.current === id) setState({ status: 'success', data, error: undefined });
      },
      (error: unknown) => {
        if (latest.current === id) setState({ status: 'error', data: undefined, error: toApiError(error) });
      },
    );
    return () => {
      // A newer run (or unmount) supersedes this one.
      if (latest.current === id) latest.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide when to reload
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
