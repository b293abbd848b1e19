import type { FhirIssue } from './fhir-issue';
import { requiredBindingIssues } from './required-bindings';
import { structuralIssues } from './structural-issues';

/**
 * Every problem of one resource (docs/fhir-mapping.md, Validation): its structure against the R4
 * JSON Schema and structure definitions, then the required bindings the mapping reads, each
 * located under `location` (`Bundle.entry[3].resource`, or `line 12` of an NDJSON file). Empty
 * when it is valid. Separate from the mapping, so callers that validated already (or trust their
 * source) can skip it.
 */
export function validateFhirResource(resource: unknown, location: string): FhirIssue[] {
  const structural = structuralIssues(resource, location);
  const bindings = requiredBindingIssues(resource, location);
  if (structural.length === 0) return bindings;
  if (bindings.length === 0) return structural;
  // The schema's enums hold some of the same value sets: one issue per wrong code, the one that
  // names its value set.
  const bound = new Set(bindings.map((issue) => issue.expression[0]));
  const unbound = structural.filter(
    (issue) => issue.code !== 'code-invalid' || !bound.has(issue.expression[0]),
  );
  return [...unbound, ...bindings];
}
