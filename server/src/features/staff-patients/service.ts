import type { AuditAction } from '@careloop/shared/contracts/audit';
import type { RecordsFrom } from '@careloop/shared/contracts/staff-patients';
import type { Clock } from '../../clock.js';
import type { Encounter } from '../../integrations/hospital/port.js';
import type { Logger } from '../../logging/logger.js';
import { decidePatientAccess, type PatientAccessActor, type PatientAccessDecision } from '../../policy/patient-access.js';
import { auditResultOf, factsUnavailable, type AuditResult, type AuditService } from '../audit/service.js';
import type { ConsentView } from '../consents/service.js';
import { accessDenied, patientNotFound } from '../patients/errors.js';
import type { PatientForPolicy, PatientsService, PatientView } from '../patients/service.js';
import type { AuthenticatedStaff } from '../staff-auth/service.js';
import { gatherPatientFacts, type GatheredFacts, type PatientFactsDeps } from './facts.js';

/** Audit resources of this feature. */
export const STAFF_PATIENT_RESOURCES = { record: 'patient', export: 'patient.export' } as const;

/** The staff member asking (what `requireStaff` authenticated). */
export type StaffActor = Pick<AuthenticatedStaff, 'id' | 'role' | 'institutionId'>;

/** A patient as staff see it. */
export interface StaffPatientView {
  patient: PatientView;
  recordsFrom: RecordsFrom;
}

/** Everything an export holds. */
export interface StaffPatientExportView extends StaffPatientView {
  exportedAt: Date;
  exportedBy: StaffActor;
  requestId: string;
  consents: ConsentView[];
  encounters: Encounter[];
}

/**
 * A patient's data for hospital staff: every call asks the patient-access policy and writes an
 * audit event — allowed, denied or failed — before anything is returned.
 */
export interface StaffPatientsService {
  /** The patient record (masked) — action `read`, resource `patient`. */
  get(staff: StaffActor, patientId: string, requestId: string): Promise<StaffPatientView>;
  /** A full export — action `export`, resource `patient.export` (institution admins, per the policy). */
  exportPatient(staff: StaffActor, patientId: string, requestId: string): Promise<StaffPatientExportView>;
}

/** What the staff patients service needs. */
export interface StaffPatientsServiceDeps extends PatientFactsDeps {
  patients: Pick<PatientsService, 'findForPolicy'>;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
  logger: Logger;
}

/** The policy's actor for a staff member: the alliance admin has no single institution. */
function policyActor(staff: StaffActor): PatientAccessActor {
  return {
    kind: 'staff',
    staffId: staff.id,
    role: staff.role,
    institutionId: staff.role === 'alliance_admin' ? null : staff.institutionId,
  };
}

/** The staff patients service. */
export function createStaffPatientsService(deps: StaffPatientsServiceDeps): StaffPatientsService {
  /**
   * Decides, audits, then either throws the denial or returns what the decision allows. The
   * audit write comes first: if it fails, the access fails (503), never un-audited data.
   */
  const access = async (
    staff: StaffActor,
    patientId: string,
    action: AuditAction,
    resource: string,
    requestId: string,
  ): Promise<{ patient: PatientForPolicy; gathered: GatheredFacts; decision: Extract<PatientAccessDecision, { allowed: true }> }> => {
    const audit = (result: AuditResult) =>
      deps.audit.record({
        requestId,
        actor: { staffId: staff.id, role: staff.role, institutionId: staff.institutionId },
        patientId,
        action,
        resource,
        result,
      });

    const patient = await deps.patients.findForPolicy(patientId);
    if (!patient) {
      // No such patient: the policy relates nobody to it (404), the same answer as "not yours".
      const decision = decidePatientAccess(policyActor(staff), { id: patientId, ownerAccountId: '', managedByAccountIds: [] }, action, {
        consents: [],
        seenAtInstitutionIds: [],
      });
      await audit(auditResultOf(decision));
      throw decision.allowed ? patientNotFound() : accessDenied(decision);
    }

    let gathered: GatheredFacts;
    try {
      gathered = await gatherPatientFacts(deps, patient);
    } catch (error) {
      await audit(factsUnavailable);
      throw error;
    }
    const decision = decidePatientAccess(policyActor(staff), patient.subject, action, gathered.facts);
    await audit(auditResultOf(decision));
    if (!decision.allowed) {
      deps.logger.info({ staffId: staff.id, patientId, action, rule: decision.rule, reason: decision.reason }, 'staff access to patient denied');
      throw accessDenied(decision);
    }
    return { patient, gathered, decision };
  };

  return {
    async get(staff, patientId, requestId) {
      const { patient, decision } = await access(staff, patientId, 'read', STAFF_PATIENT_RESOURCES.record, requestId);
      return { patient: patient.view(), recordsFrom: decision.recordsFrom };
    },

    async exportPatient(staff, patientId, requestId) {
      const { patient, gathered, decision } = await access(staff, patientId, 'export', STAFF_PATIENT_RESOURCES.export, requestId);
      // Without consent to sharing, only what the staff member's own institution recorded.
      const encounters =
        decision.recordsFrom === 'all_members' ? gathered.encounters : gathered.encounters.filter((e) => e.institutionId === staff.institutionId);
      deps.logger.info({ staffId: staff.id, patientId, recordsFrom: decision.recordsFrom }, 'patient data exported');
      return {
        patient: patient.view(),
        recordsFrom: decision.recordsFrom,
        exportedAt: deps.clock.now(),
        exportedBy: { id: staff.id, role: staff.role, institutionId: staff.institutionId },
        requestId,
        consents: gathered.consents,
        encounters,
      };
    },
  };
}
