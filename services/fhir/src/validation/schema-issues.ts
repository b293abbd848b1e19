import type { ErrorObject } from 'ajv';
import { fhirIssue, type FhirIssue } from './fhir-issue';

/** A FHIR element name (`status`, `_birthDate`, `valueQuantity`): safe to show, unlike values. */
const ELEMENT_NAME = /^_?[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * An ajv instancePath (`/entry/3/resource/period/start`) as FHIRPath below `location`
 * (`Bundle.entry[3].resource.period.start`). Array indexes become `[3]`; a segment that is no
 * element name (a sender's stray key, which could be anything) becomes `…`.
 */
export function fhirPath(location: string, instancePath: string): string {
  if (instancePath === '') return location;
  let path = location;
  for (const raw of instancePath.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += `.${ELEMENT_NAME.test(segment) ? segment : '…'}`;
  }
  return path;
}

/**
 * What an error says, from the schema only: ajv's own messages may quote a pattern (harmless) but
 * `data` never goes in, and unknown property names only when they look like element names.
 */
function described(
  error: ErrorObject,
  patternTypes: ReadonlyMap<string, string>,
): { code: FhirIssue['code']; text: string; at: string } {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const shown = ELEMENT_NAME.test(name);
      return {
        code: 'structure',
        text: shown
          ? 'is no element of its type'
          : 'holds a property that is no element of its type',
        at: shown ? `${at}/${name}` : at,
      };
    }
    case 'required':
      return {
        code: 'required',
        text: 'is required and missing',
        at: `${at}/${String(params.missingProperty)}`,
      };
    case 'fhirRequired':
      return { code: 'required', text: 'is required and missing', at };
    case 'type':
      return { code: 'structure', text: `must be of JSON type ${String(params.type)}`, at };
    case 'pattern':
      return {
        code: 'structure',
        text: `is not a valid FHIR ${patternTypes.get(String(params.pattern)) ?? 'value'}`,
        at,
      };
    case 'fhirCalendarDate':
      return { code: 'structure', text: 'is not a day of the calendar', at };
    case 'enum':
      return {
        code: 'code-invalid',
        text: `must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
        at,
      };
    case 'const':
      return { code: 'structure', text: `must be ${String(params.allowedValue)}`, at };
    case 'minItems':
      return { code: 'structure', text: 'must not be an empty list', at };
    case 'minProperties':
      return { code: 'structure', text: 'must not be empty', at };
    case 'minimum':
    case 'maximum':
      return {
        code: 'value',
        text: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`,
        at,
      };
    case 'fhirChoice':
      return { code: 'structure', text: `may hold only one type of ${String(params.element)}`, at };
    case 'fhirPeriodOrder':
      return { code: 'invariant', text: 'per-1: start must not be after end', at };
    case 'fhirResource':
      return { code: 'structure', text: 'is no known FHIR R4 resource type', at };
    default:
      return { code: 'structure', text: `fails the schema's ${error.keyword} rule`, at };
  }
}

/** ajv's errors as issues under `location`, one per place and problem. */
export function schemaIssues(
  errors: readonly ErrorObject[],
  location: string,
  patternTypes: ReadonlyMap<string, string>,
): FhirIssue[] {
  const issues: FhirIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const { code, text, at } = described(error, patternTypes);
    const expression = fhirPath(location, at);
    const key = `${expression}\n${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(fhirIssue(code, text, expression));
  }
  return issues;
}
