import './medplum-globals';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '../mapping/fhir-r4';
import { fhirIssue, type FhirIssue } from './fhir-issue';
import { ensureStructureDefinitions } from './structure-definitions';

/** A FHIR element name (`status`, `value[x]`): what medplum quotes in "Invalid additional property". */
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\[x\])?$/;
const QUOTED = /"([^"]*)"|'([^']*)'/g;
/** Five digits in a row: MRNs and visit numbers have them, FHIR's own messages do not. */
const DIGIT_RUN = /\d{5,}/g;
/** The resource type that starts medplum's expressions (`Encounter.period.start`). */
const LEADING_TYPE = /^[A-Za-z]+/;
const MAX_DIAGNOSTICS = 200;

/**
 * A medplum message as an issue may show it: quoted text that is not an element name becomes `…`
 * and long digit runs go, since a message may quote a value and values may be identifiers.
 */
export function neutralised(message: string): string {
  const text = message
    .replace(QUOTED, (whole: string, double?: string, single?: string) => {
      const quoted = double ?? single ?? '';
      return ELEMENT_NAME.test(quoted) ? whole : '"…"';
    })
    .replace(DIGIT_RUN, '…');
  return text.length > MAX_DIAGNOSTICS ? `${text.slice(0, MAX_DIAGNOSTICS)}…` : text;
}

function rebased(expression: readonly string[] | undefined, location: string): string[] {
  if (!expression || expression.length === 0) return [location];
  return expression.map((path) => path.replace(LEADING_TYPE, location));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The structural problems of a resource against the FHIR R4 structure definitions (@medplum/core),
 * each located under `location` (`Bundle.entry[3].resource`). Errors only: an input is refused
 * for errors, and medplum's warnings would refuse nothing.
 */
export function structuralIssues(resource: unknown, location: string): FhirIssue[] {
  if (!isRecord(resource))
    return [fhirIssue('structure', 'is not a FHIR resource (a JSON object)', location)];
  if (typeof resource.resourceType !== 'string')
    return [fhirIssue('required', 'has no resourceType', location)];
  ensureStructureDefinitions();
  try {
    validateResource(resource as unknown as Resource);
    return [];
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return (error.outcome.issue ?? [])
      .filter(({ severity }) => severity === 'error' || severity === 'fatal')
      .map((issue: OperationOutcomeIssue) => ({
        severity: issue.severity,
        code: issue.code,
        diagnostics: neutralised(issue.details?.text ?? issue.diagnostics ?? 'invalid'),
        expression: rebased(issue.expression, location),
      }));
  }
}
