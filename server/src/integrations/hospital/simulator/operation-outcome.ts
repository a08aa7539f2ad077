import type { OperationOutcome } from '@medplum/fhirtypes';

/** FHIR IssueType codes the simulator uses (http://hl7.org/fhir/issue-type). */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'not-supported'
  | 'not-found'
  | 'conflict'
  | 'business-rule'
  | 'processing'
  | 'transient'
  | 'timeout'
  | 'exception';

/**
 * A failed FHIR interaction: carries the HTTP status and the OperationOutcome issue, so one
 * middleware renders every failure the way FHIR clients expect.
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issueType: IssueType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FhirError';
  }
}

/** An OperationOutcome with one error issue (the body of every FHIR error response). */
export function operationOutcome(issueType: IssueType, diagnostics: string, severity: 'error' | 'fatal' = 'error'): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code: issueType, diagnostics }] };
}
