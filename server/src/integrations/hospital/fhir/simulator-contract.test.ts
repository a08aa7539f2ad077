/**
 * The adapter against the real hospital simulator over HTTP: the two were written side by side
 * from one agreement, and this is where a drift between them shows (as hospital_bad_response
 * or wrong values) before the BFF sees it. Unit-level behaviour is in the msw tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareLoopFhir } from './codes.js';
import { FhirHospitalSystem } from './fhir-hospital-system.js';
import { DEFAULT_BLIND_INDEX_KEY, startHospitalSimulator, type RunningSimulator } from '../simulator/index.js';
import { blindIndex, withCheckDigit } from '../simulator/build-resources.js';

/** Wednesday 25 Nov 2026, 09:10 in Shanghai. */
const NOW = new Date('2026-11-25T09:10:00+08:00');

let simulator: RunningSimulator;
let hospital: FhirHospitalSystem;

beforeAll(async () => {
  simulator = await startHospitalSimulator({ now: () => NOW });
  hospital = new FhirHospitalSystem({ baseUrl: simulator.baseUrl, retries: 0 });
});
afterAll(async () => {
  await simulator?.stop();
});

describe('FHIR adapter ↔ hospital simulator', () => {
  it('health', async () => {
    expect(await hospital.health()).toMatchObject({ ok: true });
  });

  it('directory: institutions, departments, doctors', async () => {
    const institutions = await hospital.listInstitutions();
    expect(institutions.map((i) => [i.id, i.level, i.kind, i.shortName])).toEqual([
      ['org-core', 'tertiary', 'hospital', '市一院'],
      ['org-county', 'secondary', 'hospital', '县医院'],
      ['org-chc-east', 'primary', 'community_health_centre', '江东社区'],
      ['org-chc-west', 'primary', 'community_health_centre', '城西社区'],
    ]);
    expect(institutions[0]).toMatchObject({ phone: '0571-86001120', address: '滨江市江南区人民路88号' });
    expect(institutions[0]!.description).toContain('三级甲等综合医院');

    const departments = await hospital.listDepartments('org-core');
    expect(departments).toContainEqual(
      expect.objectContaining({ id: 'dept-core-cardiology', institutionId: 'org-core', name: '心血管内科', specialty: 'cardiology' }),
    );

    const doctors = await hospital.listPractitioners('dept-core-cardiology');
    const chen = doctors.find((d) => d.id === 'pract-core-cardio-1');
    expect(chen).toMatchObject({
      name: '陈国华',
      gender: 'male',
      title: 'chief',
      titleText: '主任医师',
      institutionId: 'org-core',
      departmentId: 'dept-core-cardiology',
      specialties: ['冠心病介入治疗', '难治性高血压'],
      consultationFee: 10000,
    });
    expect(await hospital.getPractitioner('pract-core-cardio-1')).toEqual(chen);
    expect(await hospital.getPractitioner('pract-nobody')).toBeNull();
  });

  it('price catalogue', async () => {
    const items = await hospital.listPriceItems('org-core');
    expect(items.find((i) => i.code === 'img-mri-3t-imported')).toMatchObject({
      institutionId: 'org-core',
      kind: 'imaging',
      price: 80000,
      insuranceCategory: 'B',
      selfPayFirstBasisPoints: 1000,
    });
    expect(items.find((i) => i.code === 'drug-metformin-500mg')).toMatchObject({ kind: 'drug', price: 4, insuranceCategory: 'A' });
  });

  it('slots, then lock → confirm → cancel a registration', async () => {
    const slots = await hospital.listSlots('pract-core-cardio-3', '2026-11-30T00:00:00+08:00', '2026-12-01T00:00:00+08:00');
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.practitionerId === 'pract-core-cardio-3' && s.start.startsWith('2026-11-30T'))).toBe(true);
    const free = slots.find((s) => s.status === 'free');
    expect(free).toBeDefined();

    const locked = await hospital.lockSlot(free!.id, 'pat-wang-jianguo');
    expect(locked).toMatchObject({ slotId: free!.id, practitionerId: 'pract-core-cardio-3', patientId: 'pat-wang-jianguo', status: 'locked', start: free!.start, end: free!.end });
    await expect(hospital.lockSlot(free!.id, 'pat-li-xiuying')).rejects.toMatchObject({ code: 'hospital_conflict' });

    expect(await hospital.confirmRegistration(locked.id)).toMatchObject({ id: locked.id, status: 'booked' });
    expect(await hospital.confirmRegistration(locked.id)).toMatchObject({ status: 'booked' });
    expect(await hospital.cancelRegistration(locked.id)).toMatchObject({ id: locked.id, status: 'cancelled' });
    await expect(hospital.confirmRegistration(locked.id)).rejects.toMatchObject({ code: 'hospital_conflict' });
  });

  it('patients, visits, bills, reports, imaging', async () => {
    const patient = await hospital.findPatient(
      CareLoopFhir.residentIdBlindIndexSystem,
      blindIndex(DEFAULT_BLIND_INDEX_KEY, withCheckDigit('11010119580315231')),
    );
    expect(patient).toEqual({ id: 'pat-wang-jianguo', name: '王建国', gender: 'male', birthDate: '1958-03-15' });
    expect(await hospital.findPatient(CareLoopFhir.residentIdBlindIndexSystem, 'no-such-index')).toBeNull();

    const encounters = await hospital.listEncounters('pat-wang-jianguo');
    expect(encounters.find((e) => e.id === 'enc-wang-core-1')).toMatchObject({
      patientId: 'pat-wang-jianguo',
      institutionId: 'org-core',
      departmentId: 'dept-core-endocrinology',
      practitionerId: 'pract-core-endo-1',
      kind: 'outpatient',
      status: 'finished',
    });

    const charges = await hospital.listCharges('enc-wang-chc-1');
    expect(charges.find((c) => c.code === 'drug-metformin-500mg')).toMatchObject({ quantity: 168, amount: 672, insuranceCategory: 'A' });

    const reports = await hospital.listDiagnosticReports('pat-wang-jianguo');
    const lipids = reports.find((r) => r.id === 'rpt-wang-lipids');
    expect(lipids).toMatchObject({ category: 'lab', code: 'lab-lipid-panel', status: 'final', institutionId: 'org-core', encounterId: 'enc-wang-core-1' });
    expect(lipids!.observations.find((o) => o.code === '39469-2')).toMatchObject({ value: 4.3, unit: 'mmol/L', referenceHigh: 3.4, interpretation: 'high' });
    expect(reports.find((r) => r.id === 'rpt-wang-uacr')).toMatchObject({ status: 'registered', observations: [] });
    expect(await hospital.getDiagnosticReport('rpt-wang-lipids')).toEqual(lipids);
    expect(await hospital.getDiagnosticReport('rpt-nothing')).toBeNull();

    const mri = (await hospital.listDiagnosticReports('pat-li-xiuying')).find((r) => r.id === 'rpt-li-mri');
    expect(mri).toMatchObject({ category: 'imaging', imagingStudyIds: ['img-li-mri-lumbar'] });
    expect(await hospital.listImagingStudies('pat-li-xiuying')).toEqual([
      expect.objectContaining({ id: 'img-li-mri-lumbar', institutionId: 'org-core', modality: 'MR', numberOfSeries: 5, numberOfInstances: 186 }),
    ]);
  });
});
