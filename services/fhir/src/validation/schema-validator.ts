import Ajv, { type ValidateFunction } from 'ajv';
import type { FhirIssue } from './fhir-issue';
import { schemaIssues } from './schema-issues';
import { loadR4Schema, R4_SCHEMA_ID, type PreparedSchema } from './r4-json-schema';
import {
  fhirCalendarDateKeyword,
  fhirElementsKeyword,
  fhirPeriodOrderKeyword,
  fhirResourceKeyword,
} from './schema-keywords';

/**
 * Validates resources against the FHIR R4 JSON Schema (r4-json-schema.ts) with ajv, which
 * compiles each type's schema to a function once: about 20 times faster than @medplum/core's
 * interpreting validator on ingest's resources (docs/fhir-mapping.md, Validation).
 */
export class R4SchemaValidator {
  private readonly ajv: Ajv;
  private readonly resourceTypes: ReadonlySet<string>;
  private readonly patternTypes: ReadonlyMap<string, string>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(prepared: PreparedSchema) {
    this.resourceTypes = prepared.resourceTypes;
    this.patternTypes = prepared.patternTypes;
    // allErrors: a sender is told every problem at once, as FHIR servers do. The schema is
    // HL7's, checked once by its tests, so ajv need not validate it against draft-06 again.
    this.ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    this.ajv.addKeyword(fhirResourceKeyword((type) => this.validatorOf(type)));
    this.ajv.addKeyword(fhirElementsKeyword);
    this.ajv.addKeyword(fhirCalendarDateKeyword);
    this.ajv.addKeyword(fhirPeriodOrderKeyword);
    this.ajv.addSchema(prepared.schema);
  }

  /** The compiled validator of a resource type, compiled when first asked for; undefined for no resource type. */
  validatorOf(resourceType: string): ValidateFunction | undefined {
    const known = this.compiled.get(resourceType);
    if (known !== undefined) return known;
    if (!this.resourceTypes.has(resourceType)) return undefined;
    const validator = this.ajv.getSchema(`${R4_SCHEMA_ID}#/definitions/${resourceType}`);
    if (validator === undefined) return undefined;
    this.compiled.set(resourceType, validator);
    return validator;
  }

  /**
   * The schema's issues with a resource, located under `location`: empty when it is valid,
   * undefined when `resourceType` is no R4 resource type.
   */
  issuesOf(resource: unknown, resourceType: string, location: string): FhirIssue[] | undefined {
    const validator = this.validatorOf(resourceType);
    if (validator === undefined) return undefined;
    if (validator(resource)) return [];
    return schemaIssues(validator.errors ?? [], location, this.patternTypes);
  }
}

let shared: R4SchemaValidator | undefined;

/** The process's validator: the schema is read and prepared the first time a resource is validated. */
export function r4SchemaValidator(): R4SchemaValidator {
  shared ??= new R4SchemaValidator(loadR4Schema());
  return shared;
}
