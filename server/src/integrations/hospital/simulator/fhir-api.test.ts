import type {
  Bundle,
  ChargeItemDefinition,
  HealthcareService,
  Observation,
  OperationOutcome,
  Organization,
  Practitioner,
  PractitionerRole,
  Slot,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareLoopFhir } from '../fhir/codes.js';
import { blindIndex, withCheckDigit } from './build-resources.js';
import { DEFAULT_BLIND_INDEX_KEY, startHospitalSimulator, type RunningSimulator } from './index.js';
import { FIXED_NOW, entries, fhirFetch } from './test-support.js';

let sim: RunningSimulator;
const get = <T = Bundle>(path: string) => fhirFetch<T>(`${sim.baseUrl}${path}`);

beforeAll(async () => {
  sim = await startHospitalSimulator({ now: () => FIXED_NOW });
});
afterAll(async () => {
  await sim.stop();
});

describe('the hospital simulator as a FHIR R4 server', () => {
  it('serves on 127.0.0.1 under /fhir with a CapabilityStatement', async () => {
    expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
    const res = await get<{ resourceType: string; fhirVersion: string; rest: Array<{ resource: Array<{ type: string }> }> }>('/metadata');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(res.body.resourceType).toBe('CapabilityStatement');
    expect(res.body.fhirVersion).toBe('4.0.1');
    expect(res.body.rest[0]?.resource.map((r) => r.type)).toContain('Slot');
  });

  it('lists the four alliance members with their level and kind codings', async () => {
    const res = await get('/Organization?partof=Organization/alliance');
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('searchset');
    expect(res.body.total).toBe(4);
    const orgs = entries(res.body) as Organization[];
    const codes = (o: Organization, system: string) => o.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === system)?.code;
    expect(
      orgs.map((o) => [o.id, o.name, o.alias?.[0], codes(o, CareLoopFhir.institutionLevelSystem), codes(o, CareLoopFhir.institutionKindSystem)]),
    ).toEqual([
      ['org-core', '滨江市第一人民医院', '市一院', 'tertiary', 'hospital'],
      ['org-county', '清溪县人民医院', '县医院', 'secondary', 'hospital'],
      ['org-chc-east', '滨江市江东街道社区卫生服务中心', '江东社区', 'primary', 'community_health_centre'],
      ['org-chc-west', '滨江市城西街道社区卫生服务中心', '城西社区', 'primary', 'community_health_centre'],
    ]);
    const core = orgs[0];
    expect(core?.address?.[0]?.text).toBe('滨江市江南区人民路88号');
    expect(core?.telecom?.[0]).toEqual({ system: 'phone', value: '0571-86001120', use: 'work' });
    expect(core?.extension?.find((e) => e.url === CareLoopFhir.descriptionExtension)?.valueString).toMatch(/^三级甲等综合医院/);
    const alliance = await get<Organization>('/Organization/alliance');
    expect(alliance.body.name).toBe('滨江医联体');
  });

  it('lists a member’s departments with specialty codings', async () => {
    const res = await get('/HealthcareService?organization=Organization/org-county');
    const depts = entries(res.body) as HealthcareService[];
    expect(depts.map((d) => [d.id, d.name, d.specialty?.[0]?.coding?.[0]?.system, d.specialty?.[0]?.coding?.[0]?.code])).toEqual([
      ['dept-county-internal', '内科', CareLoopFhir.specialtySystem, 'internal_medicine'],
      ['dept-county-orthopaedics', '骨科', CareLoopFhir.specialtySystem, 'orthopaedics'],
      ['dept-county-paediatrics', '儿科', CareLoopFhir.specialtySystem, 'paediatrics'],
      ['dept-county-general-surgery', '外科', CareLoopFhir.specialtySystem, 'general_surgery'],
    ]);
    expect(depts[0]?.providedBy?.reference).toBe('Organization/org-county');
    expect(depts[0]?.comment).toBe('内科常见病、慢性病诊治，高血压、糖尿病规范用药指导。');
    const core = await get('/HealthcareService?organization=org-core');
    expect(core.body.total).toBe(7);
  });

  it('lists a department’s doctors with titles and fees, including the Practitioners', async () => {
    const res = await get('/PractitionerRole?service=HealthcareService/dept-core-cardiology&_include=PractitionerRole:practitioner');
    expect(res.body.total).toBe(4);
    const roles = entries(res.body) as PractitionerRole[];
    const fee = (r: PractitionerRole) => r.extension?.find((e) => e.url === CareLoopFhir.consultationFeeExtension)?.valueMoney;
    expect(roles.map((r) => [r.practitioner?.reference, r.code?.[0]?.coding?.[0]?.code, r.code?.[0]?.coding?.[0]?.display, fee(r)])).toEqual([
      ['Practitioner/pract-core-cardio-1', 'chief', '主任医师', { value: 100, currency: 'CNY' }],
      ['Practitioner/pract-core-cardio-2', 'associate_chief', '副主任医师', { value: 60, currency: 'CNY' }],
      ['Practitioner/pract-core-cardio-3', 'attending', '主治医师', { value: 50, currency: 'CNY' }],
      ['Practitioner/pract-core-cardio-4', 'attending', '主治医师', { value: 50, currency: 'CNY' }],
    ]);
    expect(roles[0]?.organization?.reference).toBe('Organization/org-core');
    expect(roles[0]?.healthcareService?.[0]?.reference).toBe('HealthcareService/dept-core-cardiology');
    expect(roles[0]?.specialty?.map((s) => s.text)).toEqual(['冠心病介入治疗', '难治性高血压']);
    const included = entries(res.body, 'include') as Practitioner[];
    expect(included.map((p) => [p.id, p.name?.[0]?.text, p.gender])).toEqual([
      ['pract-core-cardio-1', '陈国华', 'male'],
      ['pract-core-cardio-2', '刘慧敏', 'female'],
      ['pract-core-cardio-3', '赵鹏', 'male'],
      ['pract-core-cardio-4', '孙悦', 'female'],
    ]);
    expect(included[0]?.extension?.[0]).toMatchObject({ url: CareLoopFhir.descriptionExtension });
  });

  it('finds a doctor’s role by practitioner, and prices community and county doctors lower', async () => {
    const chc = await get('/PractitionerRole?practitioner=Practitioner/pract-chc-east-gp-1');
    const countyChief = await get('/PractitionerRole?practitioner=pract-county-surgery-1');
    const fee = (b: Bundle) => (entries(b)[0] as PractitionerRole).extension?.[0]?.valueMoney?.value;
    expect(fee(chc.body)).toBe(20);
    expect(fee(countyChief.body)).toBe(72);
  });

  it('gives each bookable doctor a schedule and searches its slots by time and status', async () => {
    const schedules = await get('/Schedule?actor=Practitioner/pract-core-cardio-3');
    expect(entries(schedules.body).map((s) => s.id)).toEqual(['sched-pract-core-cardio-3']);
    const q = 'schedule=Schedule/sched-pract-core-cardio-3&start=ge2026-11-28T00:00:00%2B08:00&start=lt2026-11-29T00:00:00%2B08:00';
    const saturday = await get(`/Slot?${q}`);
    const slots = entries(saturday.body) as Slot[];
    expect(saturday.body.total).toBe(16);
    expect(slots[0]?.start).toBe('2026-11-28T08:00:00+08:00');
    expect(slots[0]?.id).toBe('slot-pract-core-cardio-3-20261128-0800');
    const free = await get(`/Slot?${q}&status=free`);
    expect(free.body.total).toBe(slots.filter((s) => s.status === 'free').length);
    expect((entries(free.body) as Slot[]).every((s) => s.status === 'free')).toBe(true);
    // Today's slots that have started are no longer bookable.
    const started = await get<Slot>('/Slot/slot-pract-core-cardio-3-20261125-0900');
    expect(started.body.status).toBe('busy-unavailable');
    // Imaging doctors report; they hold no clinic.
    const imaging = await get('/Schedule?actor=Practitioner/pract-core-imaging-1');
    expect(imaging.body.total).toBe(0);
  });

  it('pages with _count and a next link until the last page', async () => {
    const first = await get('/Slot?schedule=Schedule/sched-pract-core-cardio-3&_count=100');
    expect(first.body.total).toBe(332);
    expect(first.body.entry).toHaveLength(100);
    let next = first.body.link?.find((l) => l.relation === 'next')?.url;
    const seen = entries(first.body).map((r) => r.id);
    while (next) {
      const page = await fhirFetch<Bundle>(next);
      seen.push(...entries(page.body).map((r) => r.id));
      next = page.body.link?.find((l) => l.relation === 'next')?.url;
    }
    expect(seen).toHaveLength(332);
    expect(new Set(seen).size).toBe(332);
  });

  it('publishes each member’s price catalogue, with the imported vs domestic MRI example', async () => {
    const price = async (org: string, code: string) => {
      const res = await get(`/ChargeItemDefinition?publisher=${org}&_count=1000`);
      const def = (entries(res.body) as ChargeItemDefinition[]).find((d) => d.code?.coding?.[0]?.code === code);
      return def && {
        yuan: def.propertyGroup?.[0]?.priceComponent?.[0]?.amount?.value,
        category: def.extension?.find((e) => e.url === CareLoopFhir.insuranceCategoryExtension)?.valueCode,
        selfPayFirst: def.extension?.find((e) => e.url === CareLoopFhir.selfPayFirstExtension)?.valueDecimal,
        kind: def.useContext?.[0]?.valueCodeableConcept?.coding?.[0]?.code,
      };
    };
    expect(await price('org-core', 'img-mri-3t-imported')).toEqual({ yuan: 800, category: 'B', selfPayFirst: 0.1, kind: 'imaging' });
    expect(await price('org-core', 'img-mri-1-5t-domestic')).toEqual({ yuan: 500, category: 'B', selfPayFirst: 0.1, kind: 'imaging' });
    expect(await price('org-county', 'img-mri-1-5t-domestic')).toMatchObject({ yuan: 450 });
    expect(await price('org-county', 'img-mri-3t-imported')).toBeUndefined();
    expect(await price('org-chc-east', 'lab-cbc')).toEqual({ yuan: 20, category: 'A', selfPayFirst: undefined, kind: 'lab' });
    expect(await price('org-chc-east', 'img-ct-chest')).toBeUndefined();
    expect(await price('org-core', 'drug-atorvastatin-20mg')).toMatchObject({ yuan: 0.94, category: 'B' });
    expect(await price('org-chc-west', 'drug-atorvastatin-20mg')).toMatchObject({ yuan: 0.94 });
  });

  it('finds a patient by the blind index of the ID number, with visits, bills and reports', async () => {
    const hmac = blindIndex(DEFAULT_BLIND_INDEX_KEY, withCheckDigit('11010119580315231'));
    const found = await get(`/Patient?identifier=${encodeURIComponent(`${CareLoopFhir.residentIdBlindIndexSystem}|${hmac}`)}`);
    expect(entries(found.body).map((p) => p.id)).toEqual(['pat-wang-jianguo']);
    const none = await get(`/Patient?identifier=${encodeURIComponent(`${CareLoopFhir.residentIdBlindIndexSystem}|nope`)}`);
    expect(none.body.total).toBe(0);

    const encounters = await get('/Encounter?patient=Patient/pat-wang-jianguo');
    expect(entries(encounters.body).map((e) => e.id)).toEqual(['enc-wang-chc-1', 'enc-wang-core-1']);
    const byContext = await get('/ChargeItem?context=Encounter/enc-wang-core-1');
    const byEncounter = await get('/ChargeItem?encounter=Encounter/enc-wang-core-1');
    expect(byContext.body.total).toBe(8);
    expect(entries(byEncounter.body)).toEqual(entries(byContext.body));
    expect(entries(byContext.body)[0]).toMatchObject({ priceOverride: { value: 80, currency: 'CNY' }, quantity: { value: 1 } });

    const reports = await get('/DiagnosticReport?patient=Patient/pat-wang-jianguo&_include=DiagnosticReport:result');
    expect(entries(reports.body).map((r) => [r.id, (r as { status?: string }).status])).toEqual([
      ['rpt-wang-hba1c', 'final'],
      ['rpt-wang-glucose', 'final'],
      ['rpt-wang-lipids', 'final'],
      ['rpt-wang-renal', 'final'],
      ['rpt-wang-uacr', 'registered'],
    ]);
    const ldl = (entries(reports.body, 'include') as Observation[]).find((o) => o.id === 'obs-wang-lipids-ldl');
    expect(ldl?.valueQuantity).toMatchObject({ value: 4.3, unit: 'mmol/L' });
    expect(ldl?.referenceRange?.[0]?.high?.value).toBe(3.4);
    expect(ldl?.interpretation?.[0]?.coding?.[0]?.code).toBe('H');
    const hdl = await get<Observation>('/Observation/obs-wang-lipids-hdl');
    expect(hdl.body.interpretation?.[0]?.coding?.[0]?.code).toBe('L');
  });

  it('serves imaging studies and the discharged inpatient', async () => {
    const studies = await get('/ImagingStudy?patient=pat-li-xiuying');
    expect(entries(studies.body)).toEqual([
      expect.objectContaining({ id: 'img-li-mri-lumbar', numberOfSeries: 5, numberOfInstances: 186, started: '2026-11-16T16:40:00+08:00' }),
    ]);
    const stay = await get('/Encounter?patient=Patient/pat-chen-zhiqiang');
    expect(entries(stay.body)).toEqual([
      expect.objectContaining({
        id: 'enc-chen-core-inpatient',
        status: 'finished',
        class: expect.objectContaining({ code: 'IMP' }),
        period: { start: '2026-11-17T10:30:00+08:00', end: '2026-11-22T10:00:00+08:00' },
      }),
    ]);
  });

  it('refuses unknown search parameters, types and includes with a 400 OperationOutcome', async () => {
    const unknownParam = await get<OperationOutcome>('/Organization?partof=Organization/alliance&name=x');
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.resourceType).toBe('OperationOutcome');
    expect(unknownParam.body.issue[0]?.code).toBe('not-supported');
    expect((await get('/Medication?code=x')).status).toBe(400);
    expect((await get('/DiagnosticReport?patient=x&_include=DiagnosticReport:subject')).status).toBe(400);
    expect((await get('/Slot?schedule=Schedule/none&start=tomorrow')).status).toBe(400);
    expect((await get('/Slot?_count=-1')).status).toBe(400);
  });

  it('reads FHIR search escapes, reference-style publishers and an unencoded + in instants', async () => {
    const hmac = blindIndex(DEFAULT_BLIND_INDEX_KEY, withCheckDigit('11010519850722442'));
    const escaped = `${CareLoopFhir.residentIdBlindIndexSystem.replace(/[\\,$|]/g, (c) => `\\${c}`)}|${hmac}`;
    const found = await get(`/Patient?identifier=${encodeURIComponent(escaped)}`);
    expect(entries(found.body).map((p) => p.id)).toEqual(['pat-li-xiuying']);
    const byRef = await get('/ChargeItemDefinition?publisher=Organization/org-chc-west');
    const byId = await get('/ChargeItemDefinition?publisher=org-chc-west');
    expect(byRef.body.total).toBe(byId.body.total);
    const raw = await get('/Slot?schedule=sched-pract-core-cardio-3&start=ge2026-11-28T00:00:00+08:00&start=lt2026-11-29T00:00:00+08:00');
    expect(raw.body.total).toBe(16);
  });

  it('answers 404 with an OperationOutcome for a missing resource', async () => {
    const res = await get<OperationOutcome>('/Practitioner/pract-nobody');
    expect(res.status).toBe(404);
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: 'not-found' });
  });
});
