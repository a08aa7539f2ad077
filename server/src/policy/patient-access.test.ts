import { describe, expect, it } from 'vitest';
import {
  decidePatientAccess,
  type ConsentFact,
  type PatientAccessActor,
  type PatientAccessDecision,
  type PatientAccessFacts,
  type PatientAction,
  type PatientAccessSubject,
  type StaffRole,
  STAFF_ROLE_ACTIONS,
} from './patient-access.js';

// The patient p1 is registered by account a-owner, managed by a-daughter, seen at A (the county
// hospital) and not at B (a community centre).
const PATIENT: PatientAccessSubject = { id: 'p1', ownerAccountId: 'a-owner', managedByAccountIds: ['a-daughter'] };
const A = 'inst-county';
const B = 'inst-community';

const patient = (accountId: string): PatientAccessActor => ({ kind: 'patient', accountId });
const staff = (role: StaffRole, institutionId: string | null): PatientAccessActor => ({
  kind: 'staff',
  staffId: `s-${role}`,
  role,
  institutionId,
});

const inForce = (kind: ConsentFact['kind'], institutionId?: string): ConsentFact =>
  institutionId === undefined ? { kind, withdrawn: false } : { kind, withdrawn: false, institutionId };
const withdrawn = (kind: ConsentFact['kind'], institutionId?: string): ConsentFact => ({
  ...inForce(kind, institutionId),
  withdrawn: true,
});

/** Consent situations that change a decision, all for a patient seen at A. */
const FACTS = {
  none: [],
  processing: [inForce('health_data_processing')],
  processingWithdrawn: [withdrawn('health_data_processing')],
  processingAtA: [inForce('health_data_processing', A)],
  processingAtAWithdrawn: [withdrawn('health_data_processing', A)],
  processingAtBOnly: [inForce('health_data_processing', B)],
  processingRegranted: [withdrawn('health_data_processing'), inForce('health_data_processing')],
  processingAtAWithdrawnButAllianceWide: [withdrawn('health_data_processing', A), inForce('health_data_processing')],
  processingAndSharing: [inForce('health_data_processing'), inForce('alliance_sharing')],
  processingAndSharingWithdrawn: [inForce('health_data_processing'), withdrawn('alliance_sharing')],
  processingAndSharingWithA: [inForce('health_data_processing'), inForce('alliance_sharing', A)],
  processingAndSharingWithB: [inForce('health_data_processing'), inForce('alliance_sharing', B)],
  sharingOnly: [inForce('alliance_sharing')],
  sharingWithdrawnOnly: [withdrawn('alliance_sharing')],
  sharingRegranted: [withdrawn('alliance_sharing'), inForce('alliance_sharing')],
  processingWithdrawnSharingInForce: [withdrawn('health_data_processing'), inForce('alliance_sharing')],
  subscribeOnly: [inForce('subscribe_message')],
} satisfies Record<string, ConsentFact[]>;
type FactsName = keyof typeof FACTS;
const FACT_NAMES = Object.keys(FACTS) as FactsName[];

const seenAtA = (name: FactsName): PatientAccessFacts => ({ consents: FACTS[name], seenAtInstitutionIds: [A] });

// Compact expectations: the decision for read, write and export, in that order.
type Outcome = 'all' | 'own' | '404' | 'role' | 'withdrawn' | 'required';
function decision(outcome: Outcome, rule: PatientAccessDecision['rule']): PatientAccessDecision {
  switch (outcome) {
    case 'all':
      return { allowed: true, rule, recordsFrom: 'all_members' };
    case 'own':
      return { allowed: true, rule, recordsFrom: 'own_institution' };
    case '404':
      return { allowed: false, status: 404, reason: 'not_found', rule: 'no_relation' };
    case 'role':
      return { allowed: false, status: 403, reason: 'action_not_permitted', rule };
    case 'withdrawn':
      return { allowed: false, status: 403, reason: 'consent_withdrawn', rule };
    case 'required':
      return { allowed: false, status: 403, reason: 'consent_required', rule };
  }
}
const ACTIONS: PatientAction[] = ['read', 'write', 'export'];

function expectDecisions(
  actor: PatientAccessActor,
  facts: PatientAccessFacts,
  expected: [Outcome, Outcome, Outcome],
  rule: PatientAccessDecision['rule'],
): void {
  const actual = ACTIONS.map((action) => decidePatientAccess(actor, PATIENT, action, facts));
  expect(actual).toEqual(expected.map((outcome) => decision(outcome, rule)));
}

describe('patient accounts', () => {
  // Consent never limits the patient's own access or a family proxy's; export is staff-only.
  it.each(FACT_NAMES)('owner and proxy read and write, never export, whatever the consents (%s)', (name) => {
    expectDecisions(patient('a-owner'), seenAtA(name), ['all', 'all', 'role'], 'owner');
    expectDecisions(patient('a-daughter'), seenAtA(name), ['all', 'all', 'role'], 'proxy');
  });

  it.each(FACT_NAMES)('any other account gets 404 for everything (%s)', (name) => {
    expectDecisions(patient('a-stranger'), seenAtA(name), ['404', '404', '404'], 'no_relation');
  });

  it('an owner keeps access to a patient never seen anywhere', () => {
    expectDecisions(patient('a-owner'), { consents: [], seenAtInstitutionIds: [] }, ['all', 'all', 'role'], 'owner');
  });

  it('a staff member id equal to the owner account id does not make a staff member the owner', () => {
    const actor: PatientAccessActor = { kind: 'staff', staffId: 'a-owner', role: 'doctor', institutionId: B };
    expectDecisions(actor, seenAtA('processingAndSharing'), ['404', '404', '404'], 'no_relation');
  });
});

describe('alliance admin', () => {
  const expectations: Record<FactsName, [Outcome, Outcome, Outcome]> = {
    none: ['404', '404', '404'],
    processing: ['404', '404', '404'],
    processingWithdrawn: ['404', '404', '404'],
    processingAtA: ['404', '404', '404'],
    processingAtAWithdrawn: ['404', '404', '404'],
    processingAtBOnly: ['404', '404', '404'],
    processingRegranted: ['404', '404', '404'],
    processingAtAWithdrawnButAllianceWide: ['404', '404', '404'],
    processingAndSharing: ['all', 'role', 'role'],
    processingAndSharingWithdrawn: ['withdrawn', 'role', 'role'],
    // sharing with one member is not sharing with the alliance
    processingAndSharingWithA: ['404', '404', '404'],
    processingAndSharingWithB: ['404', '404', '404'],
    sharingOnly: ['all', 'role', 'role'],
    sharingWithdrawnOnly: ['withdrawn', 'role', 'role'],
    sharingRegranted: ['all', 'role', 'role'],
    processingWithdrawnSharingInForce: ['all', 'role', 'role'],
    subscribeOnly: ['404', '404', '404'],
  };

  it.each(FACT_NAMES)('%s', (name) => {
    const rule = expectations[name][0] === '404' ? 'no_relation' : 'alliance_admin';
    expectDecisions(staff('alliance_admin', null), seenAtA(name), expectations[name], rule);
  });

  it('is decided by role, not by the institution on the token', () => {
    expectDecisions(staff('alliance_admin', 'alliance'), seenAtA('sharingOnly'), ['all', 'role', 'role'], 'alliance_admin');
    expectDecisions(staff('alliance_admin', A), seenAtA('processing'), ['404', '404', '404'], 'no_relation');
  });

  it('sees a patient who shared even if never seen anywhere', () => {
    expectDecisions(
      staff('alliance_admin', null),
      { consents: FACTS.sharingOnly, seenAtInstitutionIds: [] },
      ['all', 'role', 'role'],
      'alliance_admin',
    );
  });
});

describe('staff of an institution where the patient was seen — what each role may do', () => {
  // With processing and alliance-wide sharing in force, only the role limits the action.
  it.each<[StaffRole, [Outcome, Outcome, Outcome]]>([
    ['doctor', ['all', 'all', 'role']],
    ['followup_nurse', ['all', 'all', 'role']],
    ['institution_admin', ['all', 'role', 'all']],
    ['scheduler', ['all', 'role', 'role']],
    ['experience_officer', ['all', 'role', 'role']],
    ['quality_manager', ['all', 'role', 'role']],
    ['referral_coordinator', ['all', 'role', 'role']],
  ])('%s', (role, expected) => {
    expectDecisions(staff(role, A), seenAtA('processingAndSharing'), expected, 'institution_staff');
  });

  it.each<[StaffRole, [Outcome, Outcome, Outcome]]>([
    ['doctor', ['own', 'own', 'role']],
    ['followup_nurse', ['own', 'own', 'role']],
    ['institution_admin', ['own', 'role', 'own']],
    ['scheduler', ['own', 'role', 'role']],
    ['experience_officer', ['own', 'role', 'role']],
    ['quality_manager', ['own', 'role', 'role']],
    ['referral_coordinator', ['own', 'role', 'role']],
  ])('%s without alliance sharing sees only its own institution’s records', (role, expected) => {
    expectDecisions(staff(role, A), seenAtA('processing'), expected, 'institution_staff');
  });
});

describe('staff of an institution where the patient was seen — consent', () => {
  // A doctor exercises read and write; an institution admin read and export.
  const expectations: Record<FactsName, { doctor: [Outcome, Outcome, Outcome]; admin: [Outcome, Outcome, Outcome] }> = {
    none: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
    processing: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    processingWithdrawn: { doctor: ['withdrawn', 'withdrawn', 'role'], admin: ['withdrawn', 'role', 'withdrawn'] },
    processingAtA: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    processingAtAWithdrawn: { doctor: ['withdrawn', 'withdrawn', 'role'], admin: ['withdrawn', 'role', 'withdrawn'] },
    processingAtBOnly: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
    processingRegranted: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    processingAtAWithdrawnButAllianceWide: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    processingAndSharing: { doctor: ['all', 'all', 'role'], admin: ['all', 'role', 'all'] },
    processingAndSharingWithdrawn: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    processingAndSharingWithA: { doctor: ['all', 'all', 'role'], admin: ['all', 'role', 'all'] },
    processingAndSharingWithB: { doctor: ['own', 'own', 'role'], admin: ['own', 'role', 'own'] },
    // sharing never replaces the consent to process
    sharingOnly: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
    sharingWithdrawnOnly: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
    sharingRegranted: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
    processingWithdrawnSharingInForce: {
      doctor: ['withdrawn', 'withdrawn', 'role'],
      admin: ['withdrawn', 'role', 'withdrawn'],
    },
    subscribeOnly: { doctor: ['required', 'required', 'role'], admin: ['required', 'role', 'required'] },
  };

  it.each(FACT_NAMES)('%s', (name) => {
    expectDecisions(staff('doctor', A), seenAtA(name), expectations[name].doctor, 'institution_staff');
    expectDecisions(staff('institution_admin', A), seenAtA(name), expectations[name].admin, 'institution_staff');
  });

  it('seen at several institutions: each is judged by its own consent', () => {
    const facts: PatientAccessFacts = {
      consents: [inForce('health_data_processing', A), withdrawn('health_data_processing', B)],
      seenAtInstitutionIds: [A, B],
    };
    expectDecisions(staff('doctor', A), facts, ['own', 'own', 'role'], 'institution_staff');
    expectDecisions(staff('doctor', B), facts, ['withdrawn', 'withdrawn', 'role'], 'institution_staff');
  });
});

describe('staff who may not know the patient exists', () => {
  const roles: StaffRole[] = [
    'doctor',
    'followup_nurse',
    'institution_admin',
    'scheduler',
    'experience_officer',
    'quality_manager',
    'referral_coordinator',
  ];

  it.each(FACT_NAMES)('every role of an institution where the patient was never seen gets 404 (%s)', (name) => {
    for (const role of roles) expectDecisions(staff(role, B), seenAtA(name), ['404', '404', '404'], 'no_relation');
  });

  it.each(FACT_NAMES)('staff with no institution get 404 (%s)', (name) => {
    for (const role of roles) expectDecisions(staff(role, null), seenAtA(name), ['404', '404', '404'], 'no_relation');
  });

  it('a role the policy does not know gets 404 even where the patient was seen', () => {
    const actor = { kind: 'staff', staffId: 's-x', role: 'janitor', institutionId: A } as unknown as PatientAccessActor;
    expectDecisions(actor, seenAtA('processingAndSharing'), ['404', '404', '404'], 'no_relation');
  });

  it('a patient never seen anywhere is unknown to institution staff', () => {
    expectDecisions(
      staff('doctor', A),
      { consents: FACTS.processingAndSharing, seenAtInstitutionIds: [] },
      ['404', '404', '404'],
      'no_relation',
    );
  });
});

describe('manage (proxies, deletion): the owner only', () => {
  const roles = Object.keys(STAFF_ROLE_ACTIONS) as StaffRole[];
  const manage = (actor: PatientAccessActor, name: FactsName) => decidePatientAccess(actor, PATIENT, 'manage', seenAtA(name));

  it.each(FACT_NAMES)('owner yes, proxy 403, another account 404 (%s)', (name) => {
    expect(manage(patient('a-owner'), name)).toEqual(decision('all', 'owner'));
    expect(manage(patient('a-daughter'), name)).toEqual(decision('role', 'proxy'));
    expect(manage(patient('a-stranger'), name)).toEqual(decision('404', 'no_relation'));
  });

  it('no staff role manages a patient, even with every consent in force', () => {
    for (const role of roles) {
      const actor = staff(role, role === 'alliance_admin' ? null : A);
      const rule = role === 'alliance_admin' ? 'alliance_admin' : 'institution_staff';
      expect(manage(actor, 'processingAndSharing')).toEqual(decision('role', rule));
    }
  });
});
