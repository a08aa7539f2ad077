import { HttpResponse, delay, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HospitalSystemError } from '../errors.js';
import { FhirHospitalSystem, type FhirHospitalSystemOptions } from './fhir-hospital-system.js';
import {
  BASE,
  appointmentResource,
  fakeHospital,
  fhirJson,
  healthcareServiceResource,
  outcome,
  scheduleResource,
  searchset,
  slotResource,
} from './test-fixtures.js';

const hospital = fakeHospital();
beforeAll(() => hospital.listen());
afterEach(() => hospital.reset());
afterAll(() => hospital.close());

const use = (...handlers: Parameters<typeof hospital.server.use>) => hospital.server.use(...handlers);

function adapter(options: Partial<FhirHospitalSystemOptions> = {}) {
  const warnings: { obj: object; msg: string }[] = [];
  const system = new FhirHospitalSystem({
    baseUrl: BASE,
    logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    ...options,
  });
  return { system, warnings };
}

const departments = searchset([
  healthcareServiceResource({ id: 'dept-1', orgId: 'org-1', name: '内科', specialty: 'internal_medicine' }),
]);
const department = { id: 'dept-1', institutionId: 'org-1', name: '内科', specialty: 'internal_medicine', description: '' };

/** Answers each request with the next responder; the last one repeats. */
function sequence(...responders: (() => Response | Promise<Response>)[]) {
  let i = 0;
  return () => responders[Math.min(i++, responders.length - 1)]!();
}

async function caught(promise: Promise<unknown>): Promise<HospitalSystemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HospitalSystemError);
  return error as HospitalSystemError;
}

describe('retries', () => {
  it('retries a GET after a 5xx and succeeds', async () => {
    use(http.get(`${BASE}/HealthcareService`, sequence(() => outcome(503, 'busy'), () => fhirJson(departments))));
    const { system, warnings } = adapter();
    expect(await system.listDepartments('org-1')).toEqual([department]);
    expect(hospital.requests).toHaveLength(2);
    expect(warnings).toEqual([
      { obj: expect.objectContaining({ attempt: 1, code: 'hospital_unavailable', status: 503 }), msg: 'hospital FHIR call failed; retrying' },
    ]);
  });

  it('retries a GET after a network error', async () => {
    use(http.get(`${BASE}/HealthcareService`, sequence(() => HttpResponse.error(), () => fhirJson(departments))));
    expect(await adapter().system.listDepartments('org-1')).toEqual([department]);
    expect(hospital.requests).toHaveLength(2);
  });

  it('gives up after `retries` extra attempts with hospital_unavailable', async () => {
    use(http.get(`${BASE}/HealthcareService`, () => outcome(502, 'bad gateway')));
    const error = await caught(adapter({ retries: 2 }).system.listDepartments('org-1'));
    expect(error).toMatchObject({ code: 'hospital_unavailable', status: 502, message: '医院系统暂时无法访问，请稍后再试' });
    expect(hospital.requests).toHaveLength(3);
  });

  it('does not retry what another try cannot fix (400, malformed JSON)', async () => {
    use(http.get(`${BASE}/HealthcareService`, () => outcome(400, 'unknown parameter')));
    expect(await caught(adapter().system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_bad_response', status: 400 });
    expect(hospital.requests).toHaveLength(1);

    hospital.reset();
    use(http.get(`${BASE}/HealthcareService`, () => new HttpResponse('<html>', { status: 200 })));
    expect(await caught(adapter().system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_bad_response' });
    expect(hospital.requests).toHaveLength(1);
  });

  it('never retries POST Appointment: a 503 is hospital_unavailable after one request', async () => {
    const start = '2025-03-03T09:00:00+08:00';
    const end = '2025-03-03T09:15:00+08:00';
    use(
      http.get(`${BASE}/Slot/slot-1`, () => fhirJson(slotResource({ id: 'slot-1', scheduleId: 'sched-1', status: 'free', start, end }))),
      http.get(`${BASE}/Schedule/sched-1`, () => fhirJson(scheduleResource({ id: 'sched-1', practitionerId: 'pract-1' }))),
      http.post(`${BASE}/Appointment`, () => outcome(503, 'down')),
    );
    const error = await caught(adapter({ retries: 2 }).system.lockSlot('slot-1', 'pat-1'));
    expect(error).toMatchObject({ code: 'hospital_unavailable', status: 503 });
    expect(hospital.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /fhir/Appointment']);
  });

  it('retries the idempotent PUT of a confirmation', async () => {
    const pending = appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'pending', start: '2025-03-03T09:00:00+08:00', end: '2025-03-03T09:15:00+08:00' });
    use(
      http.get(`${BASE}/Appointment/appt-1`, () => fhirJson(pending)),
      http.put(`${BASE}/Appointment/appt-1`, sequence(() => outcome(500, 'oops'), () => fhirJson({ ...pending, status: 'booked' }))),
    );
    expect(await adapter().system.confirmRegistration('appt-1')).toMatchObject({ id: 'appt-1', status: 'booked' });
    expect(hospital.requests.filter((r) => r.startsWith('PUT'))).toHaveLength(2);
  });
});

describe('time-outs', () => {
  it('aborts a slow server after timeoutMs and reports hospital_timeout', async () => {
    use(
      http.get(`${BASE}/HealthcareService`, async () => {
        await delay(10_000);
        return fhirJson(departments);
      }),
    );
    const timeoutMs = 200;
    const retries = 1;
    const started = performance.now();
    const error = await caught(adapter({ timeoutMs, retries }).system.listDepartments('org-1'));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'hospital_timeout', message: '医院系统响应超时，请稍后再试' });
    expect(hospital.requests).toHaveLength(retries + 1);
    expect(elapsed).toBeLessThan(timeoutMs * (retries + 1) + 1000);
  });

  it('health reports a time-out instead of hanging', async () => {
    use(
      http.get(`${BASE}/metadata`, async () => {
        await delay(10_000);
        return fhirJson({ resourceType: 'CapabilityStatement' });
      }),
    );
    expect(await adapter({ timeoutMs: 100 }).system.health()).toMatchObject({ ok: false, detail: 'hospital_timeout' });
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures and then fails fast without a request', async () => {
    use(http.get(`${BASE}/HealthcareService`, () => outcome(503, 'down')));
    const { system, warnings } = adapter({ retries: 0, breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 } });
    for (let i = 0; i < 3; i++) {
      expect(await caught(system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_unavailable', status: 503 });
    }
    expect(hospital.requests).toHaveLength(3);

    const started = performance.now();
    const error = await caught(system.listDepartments('org-1'));
    expect(error).toMatchObject({ code: 'hospital_unavailable', message: '医院系统暂时无法访问，请稍后再试' });
    expect(error.status).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
    expect(hospital.requests).toHaveLength(3);
    expect(warnings.map((w) => w.msg)).toContain('hospital FHIR circuit opened; failing fast');
  });

  it('is shared by every call of one instance (a lock fails fast too), not by other instances', async () => {
    use(http.get(`${BASE}/HealthcareService`, () => outcome(500, 'down')));
    const { system } = adapter({ retries: 1, breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    await caught(system.listDepartments('org-1')); // two attempts → open
    expect(hospital.requests).toHaveLength(2);
    expect(await caught(system.lockSlot('slot-1', 'pat-1'))).toMatchObject({ code: 'hospital_unavailable' });
    expect(hospital.requests).toHaveLength(2);

    await caught(adapter({ retries: 0 }).system.listDepartments('org-1'));
    expect(hospital.requests).toHaveLength(3);
  });

  it('time-outs count as failures', async () => {
    use(
      http.get(`${BASE}/HealthcareService`, async () => {
        await delay(10_000);
        return fhirJson(departments);
      }),
    );
    const { system } = adapter({ retries: 0, timeoutMs: 50, breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    expect(await caught(system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_timeout' });
    expect(await caught(system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_timeout' });
    expect(await caught(system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_unavailable' });
    expect(hospital.requests).toHaveLength(2);
  });

  it('answers that are not failures (404, 409, 400) do not open it', async () => {
    use(http.get(`${BASE}/Practitioner/:id`, () => outcome(404, 'not found')));
    const { system } = adapter({ retries: 0, breaker: { failureThreshold: 2 } });
    for (let i = 0; i < 4; i++) expect(await system.getPractitioner('p1')).toBeNull();
    expect(hospital.requests).toHaveLength(4);
  });

  it('lets one trial call through after halfOpenAfterMs and closes on success', async () => {
    let healthy = false;
    use(http.get(`${BASE}/HealthcareService`, () => (healthy ? fhirJson(departments) : outcome(503, 'down'))));
    const { system, warnings } = adapter({ retries: 0, breaker: { failureThreshold: 2, halfOpenAfterMs: 200 } });
    await caught(system.listDepartments('org-1'));
    await caught(system.listDepartments('org-1'));
    await caught(system.listDepartments('org-1')); // open: no request
    expect(hospital.requests).toHaveLength(2);

    healthy = true;
    await delay(250);
    expect(await system.listDepartments('org-1')).toEqual([department]);
    expect(await system.listDepartments('org-1')).toEqual([department]);
    expect(hospital.requests).toHaveLength(4);
    expect(warnings.map((w) => w.msg)).toContain('hospital FHIR circuit closed again');
  });

  it('opens again at once when the trial call fails', async () => {
    use(http.get(`${BASE}/HealthcareService`, () => outcome(503, 'down')));
    const { system } = adapter({ retries: 0, breaker: { failureThreshold: 2, halfOpenAfterMs: 200 } });
    await caught(system.listDepartments('org-1'));
    await caught(system.listDepartments('org-1'));
    await delay(250);
    expect(await caught(system.listDepartments('org-1'))).toMatchObject({ status: 503 }); // the trial
    expect(await caught(system.listDepartments('org-1'))).toMatchObject({ code: 'hospital_unavailable' });
    expect(hospital.requests).toHaveLength(3);
  });

  it('health still probes the server while the circuit is open', async () => {
    use(
      http.get(`${BASE}/HealthcareService`, () => outcome(503, 'down')),
      http.get(`${BASE}/metadata`, () => fhirJson({ resourceType: 'CapabilityStatement' })),
    );
    const { system } = adapter({ retries: 0, breaker: { failureThreshold: 1, halfOpenAfterMs: 60_000 } });
    await caught(system.listDepartments('org-1'));
    expect(await system.health()).toMatchObject({ ok: true, detail: 'circuit open' });
    expect(hospital.requests).toEqual(['GET /fhir/HealthcareService?organization=Organization%2Forg-1', 'GET /fhir/metadata']);
  });
});
