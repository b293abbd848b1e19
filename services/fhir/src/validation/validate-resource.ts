import type { FhirIssue } from './fhir-issue';
import { requiredBindingIssues } from './required-bindings';
import { structuralIssues } from './structural-issues';

/**
 * Every problem of one resource (docs/fhir-mapping.md, Validation): its structure against the R4
 * definitions, then the required bindings the mapping reads, each located under `location`
 * (`Bundle.entry[3].resource`, or `line 12` of an NDJSON file). Empty when it is valid. Separate
 * from the mapping, so callers that validated already (or trust their source) can skip it.
 */
export function validateFhirResource(resource: unknown, location: string): FhirIssue[] {
  const structural = structuralIssues(resource, location);
  const bindings = requiredBindingIssues(resource, location);
  return structural.length === 0 ? bindings : [...structural, ...bindings];
}
