import { http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CareLoopFhir } from './codes.js';
import { FhirHospitalSystem } from './fhir-hospital-system.js';
import {
  BASE,
  appointmentResource,
  chargeItemDefinitionResource,
  chargeItemResource,
  diagnosticReportResource,
  encounterResource,
  fakeHospital,
  fhirJson,
  healthcareServiceResource,
  imagingStudyResource,
  observationResource,
  organizationResource,
  outcome,
  patientResource,
  practitionerResource,
  practitionerRoleResource,
  scheduleResource,
  searchset,
  slotResource,
} from './test-fixtures.js';

const hospital = fakeHospital();
beforeAll(() => hospital.listen());
afterEach(() => hospital.reset());
afterAll(() => hospital.close());

const use = (...handlers: Parameters<typeof hospital.server.use>) => hospital.server.use(...handlers);
const adapter = () => new FhirHospitalSystem({ baseUrl: BASE, retries: 0 });

/** Responds only when the query is exactly `expected` (decoded), else 400 — the URL is part of the contract. */
function expectQuery(request: Request, expected: Record<string, string | string[]>): void {
  const params = new URL(request.url).searchParams;
  const actual: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    actual[key] = all.length === 1 ? all[0]! : all;
  }
  expect(actual).toEqual(expected);
}

describe('health', () => {
  it('reports ok and latency from GET metadata', async () => {
    use(http.get(`${BASE}/metadata`, () => fhirJson({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1' })));
    const health = await adapter().health();
    expect(health.ok).toBe(true);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.detail).toBeUndefined();
  });

  it('reports not ok instead of throwing when the server fails', async () => {
    use(http.get(`${BASE}/metadata`, () => outcome(503, 'maintenance')));
    await expect(adapter().health()).resolves.toMatchObject({ ok: false, detail: 'hospital_unavailable' });
  });
});

describe('directory', () => {
  it('lists the alliance members', async () => {
    use(
      http.get(`${BASE}/Organization`, ({ request }) => {
        expectQuery(request, { partof: 'Organization/alliance' });
        return fhirJson(
          searchset([
            organizationResource({
              id: 'org-core',
              name: '滨江市第一人民医院',
              alias: '市一院',
              level: 'tertiary',
              kind: 'hospital',
              address: '滨江市江南区人民路88号',
              phone: '0571-86001120',
              description: '三级甲等综合医院，医联体牵头单位。',
            }),
            organizationResource({ id: 'org-chc-east', name: '江东街道社区卫生服务中心', level: 'primary', kind: 'community_health_centre' }),
          ]),
        );
      }),
    );
    expect(await adapter().listInstitutions()).toStrictEqual([
      {
        id: 'org-core',
        name: '滨江市第一人民医院',
        shortName: '市一院',
        level: 'tertiary',
        kind: 'hospital',
        address: '滨江市江南区人民路88号',
        phone: '0571-86001120',
        description: '三级甲等综合医院，医联体牵头单位。',
      },
      {
        id: 'org-chc-east',
        name: '江东街道社区卫生服务中心',
        shortName: '江东街道社区卫生服务中心',
        level: 'primary',
        kind: 'community_health_centre',
        address: '',
        phone: '',
        description: '',
      },
    ]);
  });

  it('refuses an institution without a level as a bad response', async () => {
    const org = organizationResource({ id: 'org-x', name: 'X', level: 'tertiary', kind: 'hospital' });
    org.type = [{ coding: [{ system: CareLoopFhir.institutionKindSystem, code: 'hospital' }] }];
    use(http.get(`${BASE}/Organization`, () => fhirJson(searchset([org]))));
    await expect(adapter().listInstitutions()).rejects.toMatchObject({
      name: 'HospitalSystemError',
      code: 'hospital_bad_response',
      message: '医院系统返回的数据有误，请稍后再试',
    });
  });

  it('lists the departments of an institution', async () => {
    use(
      http.get(`${BASE}/HealthcareService`, ({ request }) => {
        expectQuery(request, { organization: 'Organization/org-core' });
        return fhirJson(
          searchset([
            healthcareServiceResource({ id: 'dept-core-cardiology', orgId: 'org-core', name: '心血管内科', specialty: 'cardiology', comment: '高血压、冠心病。' }),
            healthcareServiceResource({ id: 'dept-core-gp', orgId: 'org-core', name: '全科', specialty: 'general_practice' }),
          ]),
        );
      }),
    );
    expect(await adapter().listDepartments('org-core')).toStrictEqual([
      { id: 'dept-core-cardiology', institutionId: 'org-core', name: '心血管内科', specialty: 'cardiology', description: '高血压、冠心病。' },
      { id: 'dept-core-gp', institutionId: 'org-core', name: '全科', specialty: 'general_practice', description: '' },
    ]);
  });

  it('answers an id that cannot exist without asking the hospital', async () => {
    expect(await adapter().listDepartments('org-core,org-county')).toEqual([]);
    expect(await adapter().getPractitioner('../metadata')).toBeNull();
    expect(hospital.requests).toEqual([]);
  });
});

describe('practitioners', () => {
  const chen = practitionerResource({ id: 'pract-core-cardio-1', name: '陈国华', gender: 'male', bio: '主任医师、教授。' });
  const liu = practitionerResource({ id: 'pract-core-cardio-2', name: '刘慧敏', gender: 'female' });
  const chenRole = practitionerRoleResource({
    id: 'role-core-cardio-1',
    practitionerId: 'pract-core-cardio-1',
    orgId: 'org-core',
    deptId: 'dept-core-cardiology',
    title: 'chief',
    titleDisplay: '主任医师',
    specialties: ['冠心病介入治疗', '难治性高血压'],
    feeYuan: 100,
  });
  const liuRole = practitionerRoleResource({
    id: 'role-core-cardio-2',
    practitionerId: 'pract-core-cardio-2',
    orgId: 'org-core',
    deptId: 'dept-core-cardiology',
    title: 'associate_chief',
    feeYuan: 60.5,
  });
  const chenExpected = {
    id: 'pract-core-cardio-1',
    name: '陈国华',
    gender: 'male',
    title: 'chief',
    titleText: '主任医师',
    institutionId: 'org-core',
    departmentId: 'dept-core-cardiology',
    specialties: ['冠心病介入治疗', '难治性高血压'],
    bio: '主任医师、教授。',
    consultationFee: 10000,
  };

  it('lists a department’s doctors joined with the included Practitioners', async () => {
    use(
      http.get(`${BASE}/PractitionerRole`, ({ request }) => {
        expectQuery(request, { service: 'HealthcareService/dept-core-cardiology', _include: 'PractitionerRole:practitioner' });
        return fhirJson(searchset([chenRole, liuRole], { include: [chen, liu] }));
      }),
    );
    expect(await adapter().listPractitioners('dept-core-cardiology')).toStrictEqual([
      chenExpected,
      {
        id: 'pract-core-cardio-2',
        name: '刘慧敏',
        gender: 'female',
        title: 'associate_chief',
        titleText: '副主任医师',
        institutionId: 'org-core',
        departmentId: 'dept-core-cardiology',
        specialties: [],
        bio: '',
        consultationFee: 6050,
      },
    ]);
  });

  it('refuses a role whose Practitioner was not included', async () => {
    use(http.get(`${BASE}/PractitionerRole`, () => fhirJson(searchset([chenRole], { include: [] }))));
    await expect(adapter().listPractitioners('dept-core-cardiology')).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });

  it('refuses a doctor without a consultation fee', async () => {
    const { extension: _fee, ...noFee } = chenRole;
    use(http.get(`${BASE}/PractitionerRole`, () => fhirJson(searchset([noFee], { include: [chen] }))));
    await expect(adapter().listPractitioners('dept-core-cardiology')).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });

  it('gets one doctor from Practitioner and PractitionerRole', async () => {
    use(
      http.get(`${BASE}/Practitioner/pract-core-cardio-1`, () => fhirJson(chen)),
      http.get(`${BASE}/PractitionerRole`, ({ request }) => {
        expectQuery(request, { practitioner: 'Practitioner/pract-core-cardio-1' });
        return fhirJson(searchset([chenRole]));
      }),
    );
    expect(await adapter().getPractitioner('pract-core-cardio-1')).toStrictEqual(chenExpected);
  });

  it('returns null for an unknown doctor (404)', async () => {
    use(http.get(`${BASE}/Practitioner/nobody`, () => outcome(404, 'Resource Practitioner/nobody is not known')));
    expect(await adapter().getPractitioner('nobody')).toBeNull();
    expect(hospital.requests).toEqual(['GET /fhir/Practitioner/nobody']);
  });
});

describe('slots', () => {
  const from = '2025-03-03T00:00:00+08:00';
  const to = '2025-03-04T00:00:00+08:00';
  const slot = (id: string, scheduleId: string, start: string, status: 'free' | 'busy' | 'busy-tentative' | 'entered-in-error' = 'free') =>
    slotResource({ id, scheduleId, status, start: `2025-03-03T${start}:00+08:00`, end: `2025-03-03T${start.slice(0, 3)}${String(Number(start.slice(3)) + 15).padStart(2, '0')}:00+08:00` });

  it('reads every schedule of the doctor and pages through all slots in the window', async () => {
    use(
      http.get(`${BASE}/Schedule`, ({ request }) => {
        expectQuery(request, { actor: 'Practitioner/pract-1' });
        return fhirJson(searchset([scheduleResource({ id: 'sched-am', practitionerId: 'pract-1' }), scheduleResource({ id: 'sched-pm', practitionerId: 'pract-1' })]));
      }),
      http.get(`${BASE}/Slot`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        expect(params.getAll('start')).toEqual([`ge${from}`, `lt${to}`]);
        const page = params.get('page');
        if (params.get('schedule') === 'Schedule/sched-am') {
          return page === '2'
            ? fhirJson(searchset([slot('s-0830', 'sched-am', '08:30', 'busy-tentative'), slot('s-bad', 'sched-am', '08:45', 'entered-in-error')]))
            : fhirJson(searchset([slot('s-0800', 'sched-am', '08:00'), slot('s-0815', 'sched-am', '08:15', 'busy')], {
                next: `${BASE}/Slot?schedule=Schedule%2Fsched-am&start=ge${encodeURIComponent(from)}&start=lt${encodeURIComponent(to)}&page=2`,
              }));
        }
        return fhirJson(searchset([slot('s-1330', 'sched-pm', '13:30')]));
      }),
    );
    expect(await adapter().listSlots('pract-1', from, to)).toStrictEqual([
      { id: 's-0800', practitionerId: 'pract-1', start: '2025-03-03T08:00:00+08:00', end: '2025-03-03T08:15:00+08:00', status: 'free' },
      { id: 's-0815', practitionerId: 'pract-1', start: '2025-03-03T08:15:00+08:00', end: '2025-03-03T08:30:00+08:00', status: 'busy' },
      { id: 's-0830', practitionerId: 'pract-1', start: '2025-03-03T08:30:00+08:00', end: '2025-03-03T08:45:00+08:00', status: 'busy' },
      { id: 's-1330', practitionerId: 'pract-1', start: '2025-03-03T13:30:00+08:00', end: '2025-03-03T13:45:00+08:00', status: 'free' },
    ]);
    expect(hospital.requests.filter((r) => r.startsWith('GET /fhir/Slot'))).toHaveLength(3);
  });

  it('does not follow a next link to another host', async () => {
    use(
      http.get(`${BASE}/Schedule`, () => fhirJson(searchset([scheduleResource({ id: 'sched-am', practitionerId: 'pract-1' })]))),
      http.get(`${BASE}/Slot`, () => fhirJson(searchset([], { next: 'http://elsewhere.test/fhir/Slot?page=2' }))),
    );
    await expect(adapter().listSlots('pract-1', from, to)).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });

  it('refuses a slot without an end', async () => {
    const { end: _end, ...open } = slot('s-0800', 'sched-am', '08:00');
    use(
      http.get(`${BASE}/Schedule`, () => fhirJson(searchset([scheduleResource({ id: 'sched-am', practitionerId: 'pract-1' })]))),
      http.get(`${BASE}/Slot`, () => fhirJson(searchset([open as never]))),
    );
    await expect(adapter().listSlots('pract-1', from, to)).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });
});

describe('price catalogue', () => {
  it('maps prices to exact fen, insurance category, self-pay-first share and kind', async () => {
    use(
      http.get(`${BASE}/ChargeItemDefinition`, ({ request }) => {
        expectQuery(request, { publisher: 'org-core' });
        return fhirJson(
          searchset([
            chargeItemDefinitionResource({ id: 'cid-1', orgId: 'org-core', code: 'img-mri-3t-imported', title: '磁共振平扫（3.0T进口设备，单部位）', kind: 'imaging', priceYuan: 800, category: 'B', selfPayFirst: 0.1 }),
            // 0.1 + 0.2 and x.xx5 are where Math.round(yuan * 100) drifts.
            chargeItemDefinitionResource({ id: 'cid-2', orgId: 'org-core', code: 'drug-metformin-500mg', title: '盐酸二甲双胍片 0.5g（集采）', kind: 'drug', priceYuan: 0.1 + 0.2, category: 'A' }),
            chargeItemDefinitionResource({ id: 'cid-3', orgId: 'org-core', code: 'misc-1', title: '杂项', priceYuan: 1.005, category: 'C' }),
            chargeItemDefinitionResource({ id: 'cid-4', orgId: 'org-core', code: 'old', title: '已停用', priceYuan: 1, category: 'A', status: 'retired' }),
          ]),
        );
      }),
    );
    expect(await adapter().listPriceItems('org-core')).toStrictEqual([
      { id: 'cid-1', institutionId: 'org-core', code: 'img-mri-3t-imported', name: '磁共振平扫（3.0T进口设备，单部位）', kind: 'imaging', price: 80000, insuranceCategory: 'B', selfPayFirstBasisPoints: 1000 },
      { id: 'cid-2', institutionId: 'org-core', code: 'drug-metformin-500mg', name: '盐酸二甲双胍片 0.5g（集采）', kind: 'drug', price: 30, insuranceCategory: 'A' },
      { id: 'cid-3', institutionId: 'org-core', code: 'misc-1', name: '杂项', kind: 'other', price: 101, insuranceCategory: 'C' },
    ]);
  });

  it('refuses an item without an insurance category or price', async () => {
    use(http.get(`${BASE}/ChargeItemDefinition`, () => fhirJson(searchset([chargeItemDefinitionResource({ id: 'c', orgId: 'o', code: 'x', title: 'X', priceYuan: 1 })]))));
    await expect(adapter().listPriceItems('o')).rejects.toMatchObject({ code: 'hospital_bad_response' });
    use(http.get(`${BASE}/ChargeItemDefinition`, () => fhirJson(searchset([chargeItemDefinitionResource({ id: 'c', orgId: 'o', code: 'x', title: 'X', category: 'A' })]))));
    await expect(adapter().listPriceItems('o')).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });
});

describe('registration', () => {
  const start = '2025-03-03T09:00:00+08:00';
  const end = '2025-03-03T09:15:00+08:00';
  const freeSlot = slotResource({ id: 'slot-1', scheduleId: 'sched-1', status: 'free', start, end });
  const schedule = scheduleResource({ id: 'sched-1', practitionerId: 'pract-1' });
  const registration = (status: 'locked' | 'booked' | 'cancelled') => ({
    id: 'appt-1',
    slotId: 'slot-1',
    practitionerId: 'pract-1',
    patientId: 'pat-1',
    status,
    start,
    end,
  });

  it('locks a slot with a pending Appointment for the patient and the slot’s doctor', async () => {
    let posted: unknown;
    use(
      http.get(`${BASE}/Slot/slot-1`, () => fhirJson(freeSlot)),
      http.get(`${BASE}/Schedule/sched-1`, () => fhirJson(schedule)),
      http.post(`${BASE}/Appointment`, async ({ request }) => {
        expect(request.headers.get('content-type')).toBe('application/fhir+json');
        posted = await request.json();
        return fhirJson(appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'pending', start, end }), { status: 201 });
      }),
    );
    expect(await adapter().lockSlot('slot-1', 'pat-1')).toStrictEqual(registration('locked'));
    expect(posted).toEqual({
      resourceType: 'Appointment',
      status: 'pending',
      slot: [{ reference: 'Slot/slot-1' }],
      participant: [
        { actor: { reference: 'Patient/pat-1' }, required: 'required', status: 'accepted' },
        { actor: { reference: 'Practitioner/pract-1' }, required: 'required', status: 'accepted' },
      ],
      start,
      end,
    });
  });

  it('reports a slot taken meanwhile (409) as a conflict', async () => {
    use(
      http.get(`${BASE}/Slot/slot-1`, () => fhirJson(freeSlot)),
      http.get(`${BASE}/Schedule/sched-1`, () => fhirJson(schedule)),
      http.post(`${BASE}/Appointment`, () => outcome(409, 'Slot/slot-1 is already booked')),
    );
    const error = await adapter().lockSlot('slot-1', 'pat-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'hospital_conflict', status: 409, message: '该号源已被占用，请选择其他时段' });
  });

  it('reports a slot already busy as a conflict without posting', async () => {
    use(http.get(`${BASE}/Slot/slot-1`, () => fhirJson({ ...freeSlot, status: 'busy' })));
    await expect(adapter().lockSlot('slot-1', 'pat-1')).rejects.toMatchObject({ code: 'hospital_conflict' });
    expect(hospital.requests).toEqual(['GET /fhir/Slot/slot-1']);
  });

  it('reports an unknown slot as not found', async () => {
    use(http.get(`${BASE}/Slot/nope`, () => outcome(404, 'not found')));
    await expect(adapter().lockSlot('nope', 'pat-1')).rejects.toMatchObject({ code: 'hospital_not_found', status: 404 });
  });

  it('confirms with a version-aware PUT of the whole Appointment as booked', async () => {
    const pending = appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'pending', start, end, versionId: '3' });
    let put: { body: unknown; ifMatch: string | null } | undefined;
    use(
      http.get(`${BASE}/Appointment/appt-1`, () => fhirJson(pending)),
      http.put(`${BASE}/Appointment/appt-1`, async ({ request }) => {
        put = { body: await request.json(), ifMatch: request.headers.get('if-match') };
        return fhirJson({ ...pending, status: 'booked', meta: { versionId: '4' } });
      }),
    );
    expect(await adapter().confirmRegistration('appt-1')).toStrictEqual(registration('booked'));
    expect(put).toEqual({ body: { ...pending, status: 'booked' }, ifMatch: 'W/"3"' });
  });

  it('cancels; an already-cancelled registration is returned without a PUT', async () => {
    const booked = appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'booked', start, end });
    use(
      http.get(`${BASE}/Appointment/appt-1`, () => fhirJson(booked)),
      http.put(`${BASE}/Appointment/appt-1`, async ({ request }) => fhirJson(await request.json())),
    );
    expect(await adapter().cancelRegistration('appt-1')).toStrictEqual(registration('cancelled'));

    hospital.reset();
    use(http.get(`${BASE}/Appointment/appt-1`, () => fhirJson({ ...booked, status: 'cancelled' })));
    expect(await adapter().cancelRegistration('appt-1')).toStrictEqual(registration('cancelled'));
    expect(hospital.requests).toEqual(['GET /fhir/Appointment/appt-1']);
  });

  it('refuses to confirm a registration the hospital already cancelled', async () => {
    use(http.get(`${BASE}/Appointment/appt-1`, () => fhirJson(appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'cancelled', start, end }))));
    await expect(adapter().confirmRegistration('appt-1')).rejects.toMatchObject({ code: 'hospital_conflict' });
  });

  it('settles a PUT that lost a version race by reading again', async () => {
    const pending = appointmentResource({ id: 'appt-1', slotId: 'slot-1', patientId: 'pat-1', practitionerId: 'pract-1', status: 'pending', start, end, versionId: '1' });
    let reads = 0;
    use(
      // First read: pending; after the 412 someone else (a retried call) has booked it.
      http.get(`${BASE}/Appointment/appt-1`, () => fhirJson(reads++ === 0 ? pending : { ...pending, status: 'booked', meta: { versionId: '2' } })),
      http.put(`${BASE}/Appointment/appt-1`, () => outcome(412, 'version conflict')),
    );
    expect(await adapter().confirmRegistration('appt-1')).toStrictEqual(registration('booked'));
  });
});

describe('patients and visits', () => {
  it('finds a patient by identifier, escaping the token', async () => {
    use(
      http.get(`${BASE}/Patient`, ({ request }) => {
        expectQuery(request, { identifier: `${CareLoopFhir.residentIdBlindIndexSystem}|ab\\,c+d/=` });
        return fhirJson(searchset([patientResource({ id: 'pat-1', name: '王建国', gender: 'male', birthDate: '1958-03-15' })]));
      }),
    );
    expect(await adapter().findPatient(CareLoopFhir.residentIdBlindIndexSystem, 'ab,c+d/=')).toStrictEqual({
      id: 'pat-1',
      name: '王建国',
      gender: 'male',
      birthDate: '1958-03-15',
    });
  });

  it('returns null when no patient matches, bad response when the birth date is missing', async () => {
    use(http.get(`${BASE}/Patient`, () => fhirJson(searchset([]))));
    expect(await adapter().findPatient('s', 'v')).toBeNull();
    use(http.get(`${BASE}/Patient`, () => fhirJson(searchset([patientResource({ id: 'pat-1', name: '王建国', gender: 'male' })]))));
    await expect(adapter().findPatient('s', 'v')).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });

  it('lists encounters', async () => {
    use(
      http.get(`${BASE}/Encounter`, ({ request }) => {
        expectQuery(request, { patient: 'Patient/pat-1' });
        return fhirJson(
          searchset([
            encounterResource({ id: 'enc-1', patientId: 'pat-1', orgId: 'org-core', deptId: 'dept-core-endo', practitionerId: 'pract-core-endo-1', classCode: 'AMB', status: 'finished', start: '2025-02-25T09:15:00+08:00', end: '2025-02-25T09:30:00+08:00' }),
            encounterResource({ id: 'enc-2', patientId: 'pat-1', orgId: 'org-core', classCode: 'IMP', status: 'in-progress', start: '2025-03-01T10:30:00+08:00' }),
            encounterResource({ id: 'enc-3', patientId: 'pat-1', orgId: 'org-core', classCode: 'EMER', status: 'entered-in-error', start: '2025-03-01T10:30:00+08:00' }),
          ]),
        );
      }),
    );
    expect(await adapter().listEncounters('pat-1')).toStrictEqual([
      { id: 'enc-1', patientId: 'pat-1', institutionId: 'org-core', departmentId: 'dept-core-endo', practitionerId: 'pract-core-endo-1', kind: 'outpatient', status: 'finished', start: '2025-02-25T09:15:00+08:00', end: '2025-02-25T09:30:00+08:00' },
      { id: 'enc-2', patientId: 'pat-1', institutionId: 'org-core', kind: 'inpatient', status: 'in-progress', start: '2025-03-01T10:30:00+08:00' },
    ]);
  });

  it('lists the charges of an encounter with line totals in fen', async () => {
    use(
      http.get(`${BASE}/ChargeItem`, ({ request }) => {
        expectQuery(request, { context: 'Encounter/enc-1' });
        return fhirJson(
          searchset([
            chargeItemResource({ id: 'ci-1', encounterId: 'enc-1', patientId: 'pat-1', code: 'drug-metformin-500mg', name: '盐酸二甲双胍片 0.5g（集采）', quantity: 168, totalYuan: 6.72, category: 'A' }),
            chargeItemResource({ id: 'ci-2', encounterId: 'enc-1', patientId: 'pat-1', code: 'lab-hba1c', name: '糖化血红蛋白（HbA1c）', quantity: 1, totalYuan: 60, category: 'A', status: 'entered-in-error' }),
          ]),
        );
      }),
    );
    expect(await adapter().listCharges('enc-1')).toStrictEqual([
      { id: 'ci-1', encounterId: 'enc-1', patientId: 'pat-1', code: 'drug-metformin-500mg', name: '盐酸二甲双胍片 0.5g（集采）', quantity: 168, amount: 672, insuranceCategory: 'A' },
    ]);
  });
});

describe('reports', () => {
  const hba1c = diagnosticReportResource({ id: 'rpt-hba1c', patientId: 'pat-1', orgId: 'org-core', encounterId: 'enc-1', category: 'LAB', code: 'lab-lipid-panel', loinc: '57698-3', name: '血脂四项', status: 'final', issued: '2025-02-25T14:10:00+08:00', conclusion: '低密度脂蛋白胆固醇升高', resultIds: ['obs-ldl', 'obs-hdl', 'obs-note'] });
  const ldl = observationResource({ id: 'obs-ldl', loinc: '39469-2', name: '低密度脂蛋白胆固醇 LDL-C', value: 4.3, unit: 'mmol/L', high: 3.4, flag: 'H' });
  const hdl = observationResource({ id: 'obs-hdl', loinc: '14646-4', name: '高密度脂蛋白胆固醇 HDL-C', value: 0.92, unit: 'mmol/L', low: 1.0, high: 1.5, flag: 'L' });
  const note = observationResource({ id: 'obs-note', loinc: '8251-1', name: '备注', value: '标本轻度脂血' });
  const mri = diagnosticReportResource({ id: 'rpt-mri', patientId: 'pat-1', orgId: 'org-core', category: 'RAD', code: 'img-mri-3t-imported', name: '腰椎磁共振平扫', status: 'registered', imagingStudyIds: ['img-1'] });
  const lipidsExpected = {
    id: 'rpt-hba1c',
    patientId: 'pat-1',
    institutionId: 'org-core',
    encounterId: 'enc-1',
    category: 'lab',
    code: 'lab-lipid-panel',
    name: '血脂四项',
    status: 'final',
    issued: '2025-02-25T14:10:00+08:00',
    conclusion: '低密度脂蛋白胆固醇升高',
    observations: [
      { id: 'obs-ldl', code: '39469-2', name: '低密度脂蛋白胆固醇 LDL-C', value: 4.3, unit: 'mmol/L', referenceHigh: 3.4, interpretation: 'high' },
      { id: 'obs-hdl', code: '14646-4', name: '高密度脂蛋白胆固醇 HDL-C', value: 0.92, unit: 'mmol/L', referenceLow: 1, referenceHigh: 1.5, interpretation: 'low' },
      { id: 'obs-note', code: '8251-1', name: '备注', value: '标本轻度脂血' },
    ],
    imagingStudyIds: [],
  };

  it('lists reports with their included results', async () => {
    use(
      http.get(`${BASE}/DiagnosticReport`, ({ request }) => {
        expectQuery(request, { patient: 'Patient/pat-1', _include: 'DiagnosticReport:result' });
        return fhirJson(searchset([hba1c, mri], { include: [ldl, hdl, note] }));
      }),
    );
    expect(await adapter().listDiagnosticReports('pat-1')).toStrictEqual([
      lipidsExpected,
      { id: 'rpt-mri', patientId: 'pat-1', institutionId: 'org-core', category: 'imaging', code: 'img-mri-3t-imported', name: '腰椎磁共振平扫', status: 'registered', observations: [], imagingStudyIds: ['img-1'] },
    ]);
  });

  it('gets one report and reads its results', async () => {
    use(
      http.get(`${BASE}/DiagnosticReport/rpt-hba1c`, () => fhirJson(hba1c)),
      http.get(`${BASE}/Observation/:id`, ({ params }) => fhirJson([ldl, hdl, note].find((o) => o.id === params.id))),
    );
    expect(await adapter().getDiagnosticReport('rpt-hba1c')).toStrictEqual(lipidsExpected);
  });

  it('returns null for an unknown report', async () => {
    use(http.get(`${BASE}/DiagnosticReport/nope`, () => outcome(404, 'gone')));
    expect(await adapter().getDiagnosticReport('nope')).toBeNull();
  });

  it('lists imaging studies', async () => {
    use(
      http.get(`${BASE}/ImagingStudy`, ({ request }) => {
        expectQuery(request, { patient: 'Patient/pat-1' });
        return fhirJson(searchset([imagingStudyResource({ id: 'img-1', patientId: 'pat-1', orgId: 'org-core', modality: 'MR', description: '腰椎MRI平扫（3.0T）', started: '2025-02-22T16:40:00+08:00', numberOfSeries: 5, numberOfInstances: 186 })]));
      }),
    );
    expect(await adapter().listImagingStudies('pat-1')).toStrictEqual([
      { id: 'img-1', patientId: 'pat-1', institutionId: 'org-core', modality: 'MR', description: '腰椎MRI平扫（3.0T）', started: '2025-02-22T16:40:00+08:00', numberOfSeries: 5, numberOfInstances: 186 },
    ]);
  });
});

describe('bad responses', () => {
  it('malformed JSON is a bad response', async () => {
    use(http.get(`${BASE}/Organization`, () => new Response('{"resourceType":"Bundle",', { headers: { 'Content-Type': 'application/fhir+json' } })));
    await expect(adapter().listInstitutions()).rejects.toMatchObject({ code: 'hospital_bad_response', status: 200 });
  });

  it('a search that does not return a Bundle is a bad response', async () => {
    use(http.get(`${BASE}/Organization`, () => fhirJson({ resourceType: 'Organization', id: 'x' })));
    await expect(adapter().listInstitutions()).rejects.toMatchObject({ code: 'hospital_bad_response' });
  });
});
