import { fhirIssue, type FhirIssue } from './fhir-issue';
import { r4SchemaValidator } from './schema-validator';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The structural problems of a resource against the FHIR R4 JSON Schema and what the structure
 * definitions add to it (r4-json-schema.ts), each located under `location`
 * (`Bundle.entry[3].resource`).
 */
export function structuralIssues(resource: unknown, location: string): FhirIssue[] {
  if (!isRecord(resource))
    return [fhirIssue('structure', 'is not a FHIR resource (a JSON object)', location)];
  if (typeof resource.resourceType !== 'string')
    return [fhirIssue('required', 'has no resourceType', location)];
  return (
    r4SchemaValidator().issuesOf(resource, resource.resourceType, location) ?? [
      fhirIssue('structure', 'is no known FHIR R4 resource type', location),
    ]
  );
}
