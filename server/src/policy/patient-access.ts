/**
 * The one authorization policy for a patient's (就诊人's) data. Every route that reads, changes
 * or exports anything about a patient asks {@link decidePatientAccess}; no route or service
 * checks roles, ownership or consent by hand.
 *
 * ## How routes must call it (routes-authorization)
 *
 * 1. `auth()` puts the actor on the context (a patient account or a staff member). The route
 *    passes the actor and `ctx.input` to ONE service function — never the role.
 * 2. The service loads the patient (`id`, `ownerAccountId`, `managedByAccountIds`) and the
 *    facts (the patient's consent records, the institutions where the patient was seen) and
 *    calls `decidePatientAccess(actor, patient, action, facts)` before touching anything else.
 *    A patient that does not exist is reported exactly like one the actor may not know of:
 *    `404 not_found`, with the same message, so ids cannot be probed.
 * 3. On `{ allowed: false }` the service throws the `AppError` for `status` with `reason` as its
 *    code (`not_found`, `action_not_permitted`, `consent_withdrawn`, `consent_required`).
 * 4. On `{ allowed: true }` the service returns only the records `recordsFrom` allows:
 *    `all_members` — everything the alliance holds; `own_institution` — only records created
 *    at the staff member's institution (sharing across members was not consented to).
 * 5. Staff decisions are written to the audit log with `rule` (allowed or not), so every
 *    access by staff can be traced to the rule that allowed it.
 *
 * Action names: `read` (view the record, reports, follow-ups), `write` (add or change clinical
 * data, e.g. a follow-up note or an allergy), `export` (download a copy outside the app),
 * `manage` (decide who else may act for the patient — proxy invitations and revocations — and
 * delete the record: the owner's alone).
 * Pure: the caller gathers the facts; nothing here reads a database or the clock.
 */

import type { StaffRole } from '@careloop/shared/contracts/staff';

/** Staff roles come from the staff contracts; re-exported so callers of the policy need one import. */
export type { StaffRole };

/** Who is asking: a patient's WeChat account, or a signed-in staff member. */
export type PatientAccessActor =
  | { kind: 'patient'; accountId: string }
  | {
      kind: 'staff';
      staffId: string;
      role: StaffRole;
      /** The institution the staff member works at; null (or ignored) for `alliance_admin`. */
      institutionId: string | null;
    };

/** The patient record as the policy needs it. */
export interface PatientAccessSubject {
  id: string;
  /** The account that registered this patient (for `self`, the patient's own account). */
  ownerAccountId: string;
  /** Proxy accounts: family accounts that manage this patient or that it is managed by. */
  managedByAccountIds: readonly string[];
}

/** What the actor wants to do with the patient's data. */
export type PatientAction = 'read' | 'write' | 'export' | 'manage';

/**
 * One consent record of the patient. `institutionId` scopes it to one alliance member
 * (processing at that member / sharing with that member); absent, it covers the whole alliance.
 */
export interface ConsentFact {
  kind: 'health_data_processing' | 'alliance_sharing' | 'subscribe_message';
  withdrawn: boolean;
  institutionId?: string;
}

/** What the caller knows about the patient beyond the record itself. */
export interface PatientAccessFacts {
  consents: readonly ConsentFact[];
  /** Institutions where the patient has had an encounter (visit, admission, follow-up). */
  seenAtInstitutionIds: readonly string[];
}

/** The rule of {@link PATIENT_ACCESS_RULES} that decided, for the audit log. */
export type PatientAccessRuleId = 'owner' | 'proxy' | 'alliance_admin' | 'institution_staff' | 'no_relation';

/** Why access was refused; used as the error code. */
export type PatientAccessDenial = 'not_found' | 'action_not_permitted' | 'consent_withdrawn' | 'consent_required';

/** Whose records an allowed actor may see: the whole alliance's, or only their institution's. */
export type RecordsFrom = 'all_members' | 'own_institution';

/** The decision. A 404 never says why, beyond `not_found`: the actor must not learn the patient exists. */
export type PatientAccessDecision =
  | { allowed: true; rule: PatientAccessRuleId; recordsFrom: RecordsFrom }
  | { allowed: false; status: 404 | 403; reason: PatientAccessDenial; rule: PatientAccessRuleId };

/** Whether a consent is in force for a scope: granted and not withdrawn, withdrawn, or never granted. */
type ConsentState = 'in_force' | 'withdrawn' | 'missing';

/** A consent a rule needs, and the institution it must cover (null: alliance-wide only). */
interface ConsentRequirement {
  kind: ConsentFact['kind'];
  institutionId: string | null;
}

interface AccessRule {
  id: Exclude<PatientAccessRuleId, 'no_relation'>;
  /**
   * Whether the actor may know this patient exists through this relation. The first rule that
   * matches decides; if none does, the answer is 404.
   */
  matches(actor: PatientAccessActor, patient: PatientAccessSubject, facts: PatientAccessFacts): boolean;
  /** Actions this relation allows (anything else is 403 `action_not_permitted`). */
  actions(actor: PatientAccessActor): readonly PatientAction[];
  /** The consent the access depends on, if any; withdrawn → 403 `consent_withdrawn`. */
  requires(actor: PatientAccessActor): ConsentRequirement | null;
  /** Whose records the actor then sees. */
  recordsFrom(actor: PatientAccessActor, facts: PatientAccessFacts): RecordsFrom;
}

/**
 * What each staff role may do with a patient seen at their own institution. Clinical roles
 * write (follow-up notes, allergies); only an institution admin exports; everyone else reads.
 * `alliance_admin` is listed for completeness — it is decided by its own rule.
 */
export const STAFF_ROLE_ACTIONS: Readonly<Record<StaffRole, readonly PatientAction[]>> = {
  scheduler: ['read'],
  doctor: ['read', 'write'],
  followup_nurse: ['read', 'write'],
  experience_officer: ['read'],
  quality_manager: ['read'],
  referral_coordinator: ['read'],
  institution_admin: ['read', 'export'],
  alliance_admin: ['read'],
};

/** Actions for a role read at run time from a token; an unknown role may do nothing. */
function roleActions(role: string): readonly PatientAction[] {
  return Object.hasOwn(STAFF_ROLE_ACTIONS, role) ? STAFF_ROLE_ACTIONS[role as StaffRole] : [];
}

function consentState(facts: PatientAccessFacts, requirement: ConsentRequirement): ConsentState {
  const covering = facts.consents.filter(
    (c) =>
      c.kind === requirement.kind &&
      (c.institutionId === undefined ||
        (requirement.institutionId !== null && c.institutionId === requirement.institutionId)),
  );
  if (covering.some((c) => !c.withdrawn)) return 'in_force';
  return covering.length > 0 ? 'withdrawn' : 'missing';
}

function staffInstitution(actor: PatientAccessActor): string | null {
  return actor.kind === 'staff' && actor.role !== 'alliance_admin' ? actor.institutionId : null;
}

/**
 * The rules, in the order they are tried.
 *
 * - `owner` — the account that registered the patient reads and changes it, and manages it
 *   (invites and revokes proxies, deletes it); no consent is needed to see one's own data, and
 *   it sees what every member holds. Export is a staff action (a patient's copy of their data
 *   is a separate feature), so it is 403.
 * - `proxy` — a family account linked to the patient (managing it, or managed by it) acts as
 *   the owner does: read and write, not export, and not manage — a proxy cannot add further
 *   proxies, remove the owner's access or delete the record. This is how elderly patients are
 *   helped.
 * - `alliance_admin` — reads (never writes or exports) any patient who has granted
 *   alliance-wide `alliance_sharing`; a sharing consent scoped to one member does not count. A
 *   patient who never granted it does not exist for the admin (404); once withdrawn, 403.
 * - `institution_staff` — staff of an institution where the patient was seen: reads if
 *   `health_data_processing` covers that institution (missing → 403 `consent_required`,
 *   withdrawn → 403 `consent_withdrawn`); doctors and follow-up nurses also write, the
 *   institution admin also exports. Records from other members only with `alliance_sharing`
 *   covering that institution; without it (or withdrawn) the access narrows to
 *   `own_institution` rather than failing.
 * - otherwise — any other patient account, staff of an institution where the patient was
 *   never seen (even with `alliance_sharing`), staff with no institution and roles this policy
 *   does not know: 404, never revealing that the patient exists.
 *
 * Within a matching rule the checks run action first, then consent: a role that can never
 * write gets `action_not_permitted` even when consent is also missing, since re-granting
 * consent would not help.
 */
export const PATIENT_ACCESS_RULES: readonly AccessRule[] = [
  {
    id: 'owner',
    matches: (actor, patient) => actor.kind === 'patient' && actor.accountId === patient.ownerAccountId,
    actions: () => ['read', 'write', 'manage'],
    requires: () => null,
    recordsFrom: () => 'all_members',
  },
  {
    id: 'proxy',
    matches: (actor, patient) => actor.kind === 'patient' && patient.managedByAccountIds.includes(actor.accountId),
    actions: () => ['read', 'write'],
    requires: () => null,
    recordsFrom: () => 'all_members',
  },
  {
    id: 'alliance_admin',
    matches: (actor, _patient, facts) =>
      actor.kind === 'staff' &&
      actor.role === 'alliance_admin' &&
      consentState(facts, { kind: 'alliance_sharing', institutionId: null }) !== 'missing',
    actions: () => ['read'],
    requires: () => ({ kind: 'alliance_sharing', institutionId: null }),
    recordsFrom: () => 'all_members',
  },
  {
    id: 'institution_staff',
    matches: (actor, _patient, facts) => {
      const institutionId = staffInstitution(actor);
      return (
        actor.kind === 'staff' &&
        roleActions(actor.role).length > 0 &&
        institutionId !== null &&
        facts.seenAtInstitutionIds.includes(institutionId)
      );
    },
    actions: (actor) => (actor.kind === 'staff' ? roleActions(actor.role) : []),
    requires: (actor) => ({ kind: 'health_data_processing', institutionId: staffInstitution(actor) }),
    recordsFrom: (actor, facts) =>
      consentState(facts, { kind: 'alliance_sharing', institutionId: staffInstitution(actor) }) === 'in_force'
        ? 'all_members'
        : 'own_institution',
  },
];

/**
 * Decides whether `actor` may take `action` on `patient`'s data, by the first rule of
 * {@link PATIENT_ACCESS_RULES} that relates them. See the module comment for how routes call it.
 */
export function decidePatientAccess(
  actor: PatientAccessActor,
  patient: PatientAccessSubject,
  action: PatientAction,
  facts: PatientAccessFacts,
): PatientAccessDecision {
  const rule = PATIENT_ACCESS_RULES.find((r) => r.matches(actor, patient, facts));
  if (rule === undefined) return { allowed: false, status: 404, reason: 'not_found', rule: 'no_relation' };
  if (!rule.actions(actor).includes(action)) {
    return { allowed: false, status: 403, reason: 'action_not_permitted', rule: rule.id };
  }
  const requirement = rule.requires(actor);
  if (requirement !== null) {
    const state = consentState(facts, requirement);
    if (state === 'withdrawn') return { allowed: false, status: 403, reason: 'consent_withdrawn', rule: rule.id };
    if (state === 'missing') return { allowed: false, status: 403, reason: 'consent_required', rule: rule.id };
  }
  return { allowed: true, rule: rule.id, recordsFrom: rule.recordsFrom(actor, facts) };
}
