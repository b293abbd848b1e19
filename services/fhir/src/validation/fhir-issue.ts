import type { OperationOutcome, OperationOutcomeIssue } from '../mapping/fhir-r4';

/**
 * One problem with an input, in the shape of an OperationOutcome issue: `expression` locates it
 * (`Bundle.entry[3].resource.status`). `diagnostics` never holds identifier values (MRNs, visit
 * numbers, names): issues are answered to senders and logged.
 */
export interface FhirIssue {
  readonly severity: OperationOutcomeIssue['severity'];
  readonly code: OperationOutcomeIssue['code'];
  readonly diagnostics: string;
  readonly expression: readonly string[];
}

export function fhirIssue(
  code: FhirIssue['code'],
  diagnostics: string,
  expression: string,
  severity: FhirIssue['severity'] = 'error',
): FhirIssue {
  return { severity, code, diagnostics, expression: [expression] };
}

/** The OperationOutcome of a list of issues; one informational issue when there is none (FHIR wants one). */
export function operationOutcome(issues: readonly FhirIssue[]): OperationOutcome {
  if (issues.length === 0)
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: 'No problems found' }],
    };
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({
      severity: issue.severity,
      code: issue.code,
      diagnostics: issue.diagnostics,
      expression: [...issue.expression],
    })),
  };
}
