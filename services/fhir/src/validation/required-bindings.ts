import { SYSTEM } from '../mapping/code-systems';
import { fhirIssue, type FhirIssue } from './fhir-issue';

/**
 * The required bindings the mapping reads (docs/fhir-mapping.md, Validation). A structural check
 * accepts any string where a code is required (an Encounter.status of `bogus` passes it), so these
 * are checked here, from the R4 value sets.
 */
interface CodeBinding {
  readonly kind: 'code';
  readonly element: string;
  readonly valueSet: string;
  readonly codes: ReadonlySet<string>;
}

/** A CodeableConcept bound to a value set of one system: one of its codings must be in it. */
interface ConceptBinding {
  readonly kind: 'concept';
  readonly element: string;
  readonly valueSet: string;
  readonly system: string;
  readonly codes: ReadonlySet<string>;
}

/** A Coding whose system must be the one named (Encounter.class: v3-ActCode). */
interface SystemBinding {
  readonly kind: 'system';
  readonly element: string;
  readonly system: string;
}

type Binding = CodeBinding | ConceptBinding | SystemBinding;

const R4 = 'http://hl7.org/fhir/ValueSet/';
const code = (element: string, valueSet: string, codes: readonly string[]): CodeBinding => ({
  kind: 'code',
  element,
  valueSet: R4 + valueSet,
  codes: new Set(codes),
});

const BINDINGS: Readonly<Record<string, readonly Binding[]>> = {
  Encounter: [
    code('status', 'encounter-status', [
      'planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled',
      'entered-in-error', 'unknown',
    ]), // prettier-ignore
    { kind: 'system', element: 'class', system: SYSTEM.actCode },
  ],
  Observation: [
    code('status', 'observation-status', [
      'registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error',
      'unknown',
    ]), // prettier-ignore
  ],
  Condition: [
    {
      kind: 'concept',
      element: 'clinicalStatus',
      valueSet: `${R4}condition-clinical`,
      system: SYSTEM.conditionClinical,
      codes: new Set(['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved']),
    },
  ],
  MedicationRequest: [
    code('status', 'medicationrequest-status', [
      'active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown',
    ]), // prettier-ignore
    code('intent', 'medicationrequest-intent', [
      'proposal', 'plan', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order',
      'option',
    ]), // prettier-ignore
  ],
  Procedure: [
    code('status', 'event-status', [
      'preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error',
      'unknown',
    ]), // prettier-ignore
  ],
  Coverage: [code('status', 'fm-status', ['active', 'cancelled', 'draft', 'entered-in-error'])],
  Patient: [code('gender', 'administrative-gender', ['male', 'female', 'other', 'unknown'])],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The required-binding problems of a resource, located under `location`. Values are never quoted
 * (a wrong field may hold an identifier); missing elements are the structural check's business.
 */
export function requiredBindingIssues(resource: unknown, location: string): FhirIssue[] {
  if (!isRecord(resource) || typeof resource.resourceType !== 'string') return [];
  const issues: FhirIssue[] = [];
  for (const binding of BINDINGS[resource.resourceType] ?? []) {
    const value = resource[binding.element];
    if (value === undefined) continue;
    const at = `${location}.${binding.element}`;
    const problem = bindingProblem(binding, value);
    if (problem !== null) issues.push(fhirIssue('code-invalid', problem, at));
  }
  return issues;
}

function bindingProblem(binding: Binding, value: unknown): string | null {
  const name = binding.element;
  switch (binding.kind) {
    case 'code':
      return typeof value === 'string' && binding.codes.has(value)
        ? null
        : `${name} is not a code of the required value set ${binding.valueSet}`;
    case 'concept': {
      const codings = isRecord(value) && Array.isArray(value.coding) ? value.coding : [];
      const inSet = codings.some(
        (coding: unknown) =>
          isRecord(coding) &&
          coding.system === binding.system &&
          typeof coding.code === 'string' &&
          binding.codes.has(coding.code),
      );
      return inSet ? null : `${name} has no coding of the required value set ${binding.valueSet}`;
    }
    case 'system':
      return isRecord(value) && value.system === binding.system
        ? null
        : `${name} must be coded in ${binding.system}`;
  }
}
