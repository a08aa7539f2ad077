import type { Bundle, Resource } from '@medplum/fhirtypes';

/**
 * Helpers for the simulator's own tests: a fixed clock and a small FHIR-over-fetch client.
 * Not used by production code.
 */

/** Wednesday 25 Nov 2026, 09:10 in Shanghai: mid-morning clinic, Saturday 28 Nov ahead. */
export const FIXED_NOW = new Date('2026-11-25T09:10:00+08:00');

/** A response as the tests read it. */
export interface FhirResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Sends a request and parses the JSON body (null when empty). */
export async function fhirFetch<T = unknown>(url: string, init: RequestInit = {}): Promise<FhirResponse<T>> {
  const res = await fetch(url, {
    ...init,
    headers: { accept: 'application/fhir+json', ...(init.body ? { 'content-type': 'application/fhir+json' } : {}), ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** The resources of a searchset with a given search mode. */
export function entries(bundle: Bundle, mode: 'match' | 'include' = 'match'): Resource[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === mode).map((e) => e.resource as Resource);
}

/** A reply that may be either of two resource types (tests read fields of both). */
export type EitherResource<A extends Resource, B extends Resource> = Omit<A, 'resourceType'> &
  Omit<B, 'resourceType'> & { resourceType: string };
