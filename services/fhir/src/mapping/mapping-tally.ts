import { fhirIssue, type FhirIssue } from '../validation/fhir-issue';

/** Why an Encounter becomes no EncounterRecorded (docs/fhir-mapping.md, the cohort), in the table's order. */
export const EXCLUSION_REASONS = [
  'not-inpatient',
  'not-finished',
  'no-period',
  'not-coded',
  'not-diabetic',
  'stay-out-of-range',
] as const;

export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * What a mapping run reports beside its rows: encounters left out by reason, codes no table holds
 * (by `element|system|code`, `*` for a concept with text only), and problems with their location.
 * Nothing unmappable is dropped silently.
 */
export class MappingTally {
  readonly excluded: Partial<Record<ExclusionReason, number>> = {};
  readonly unmapped: Record<string, number> = {};
  readonly issues: FhirIssue[] = [];

  exclude(reason: ExclusionReason): void {
    this.excluded[reason] = (this.excluded[reason] ?? 0) + 1;
  }

  /** A code (or a text-only concept, code undefined) the mapping could not place. */
  unmappedCode(element: string, system: string | undefined, code: string | undefined): void {
    const key = `${element}|${system ?? ''}|${code ?? '*'}`;
    this.unmapped[key] = (this.unmapped[key] ?? 0) + 1;
  }

  error(code: FhirIssue['code'], diagnostics: string, expression: string): void {
    this.issues.push(fhirIssue(code, diagnostics, expression));
  }
}
