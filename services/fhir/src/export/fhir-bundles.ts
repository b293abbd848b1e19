import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Identifier, Resource } from '../mapping/fhir-r4';
import { SYSTEMS } from './code-systems';
import type { PatientExport } from './uci-export';

/** `collection` (a set of resources, the default) or `transaction` (all or nothing, created on POST). */
export type ExportBundleType = 'collection' | 'transaction';
/** One bundle per patient (all their stays), or one per stay (with the patient repeated). */
export type ExportBundleScope = 'patient' | 'encounter';

/** Readmit's namespace for name-based UUIDs of exported resources. */
const UUID_NAMESPACE = Buffer.from('6f1c2d3e4a5b47c8890a1b2c3d4e5f60', 'hex');

/**
 * A name-based (version 5) UUID: the same resource always gets the same `urn:uuid`, so exporting
 * twice gives the same bundles.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(UUID_NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const localReference = (resource: Resource) => `${resource.resourceType}/${resource.id ?? ''}`;
const fullUrlOf = (resource: Resource) => `urn:uuid:${nameBasedUuid(localReference(resource))}`;

/**
 * `value` with every `reference` that names a resource of the bundle turned into its fullUrl:
 * copied where something changed, the rest shared (as the exported resources share their
 * constant parts already), which keeps a bundle of 300 resources cheap to make.
 */
function withBundleReferences<T extends object>(
  value: T,
  fullUrls: ReadonlyMap<string, string>,
): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let at = 0; at < value.length; at++) {
      const item: unknown = value[at];
      if (typeof item !== 'object' || item === null) continue;
      const rewritten = withBundleReferences(item, fullUrls);
      if (rewritten !== item) (copy ??= value.slice())[at] = rewritten;
    }
    return (copy ?? value) as T;
  }
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const field = object[key];
    let rewritten = field;
    if (typeof field === 'object' && field !== null)
      rewritten = withBundleReferences(field, fullUrls);
    else if (key === 'reference' && typeof field === 'string')
      rewritten = fullUrls.get(field) ?? field;
    if (rewritten !== field) (copy ??= Object.assign({}, object))[key] = rewritten;
  }
  return (copy ?? object) as T;
}

/**
 * Created once however many bundles carry it: the Patient by its patient number, the problem-list
 * entry by its identifier (a transaction per stay repeats both).
 */
function ifNoneExist(resource: Resource): string | undefined {
  if (resource.resourceType !== 'Patient' && resource.resourceType !== 'Condition')
    return undefined;
  const identifier = (resource.identifier as Identifier[] | undefined)?.find(
    (candidate) => candidate.system === SYSTEMS.patientNbr || candidate.system === SYSTEMS.problem,
  );
  return identifier ? `identifier=${identifier.system}|${identifier.value}` : undefined;
}

/**
 * A bundle of resources (their references `Type/id`, as in NDJSON): every entry gets a stable
 * `urn:uuid` fullUrl and references to resources of the bundle use it. A transaction POSTs each
 * resource without its id (the server assigns one), the Patient and the problem-list entry only
 * when none exists with their identifier.
 */
export function fhirBundle(resources: readonly Resource[], type: ExportBundleType): Bundle {
  const fullUrls = new Map(
    resources.map((resource) => [localReference(resource), fullUrlOf(resource)]),
  );
  const entry = resources.map((resource): BundleEntry => {
    const rewritten = withBundleReferences(resource, fullUrls);
    const fullUrl = fullUrls.get(localReference(resource)) as string;
    if (type === 'collection') return { fullUrl, resource: rewritten };
    const { id: _serverAssigns, ...created } = rewritten;
    const condition = ifNoneExist(resource);
    return {
      fullUrl,
      resource: created as Resource,
      request: {
        method: 'POST',
        url: resource.resourceType,
        ...(condition ? { ifNoneExist: condition } : {}),
      },
    };
  });
  return { resourceType: 'Bundle', type, entry };
}

/** A patient's bundles: one with everything, or one per stay (each with the patient's resources). */
export function patientBundles(
  exported: PatientExport,
  scope: ExportBundleScope,
  type: ExportBundleType,
): Bundle[] {
  if (scope === 'patient')
    return [
      fhirBundle([...exported.patient, ...exported.stays.flatMap((stay) => stay.resources)], type),
    ];
  return exported.stays.map((stay) => fhirBundle([...exported.patient, ...stay.resources], type));
}

/** The Bulk Data files the exporter writes, one per resource type (`Patient.ndjson`, …). */
export const BULK_RESOURCE_TYPES = [
  'Patient',
  'Encounter',
  'Condition',
  'Observation',
  'Procedure',
  'MedicationRequest',
  'PractitionerRole',
  'Coverage',
] as const;

export type BulkResourceType = (typeof BULK_RESOURCE_TYPES)[number];

/** A patient's resources by Bulk Data file, in export order. */
export function resourcesByType(exported: PatientExport): Map<BulkResourceType, Resource[]> {
  const byType = new Map<BulkResourceType, Resource[]>(
    BULK_RESOURCE_TYPES.map((type) => [type, []]),
  );
  for (const resource of [
    ...exported.patient,
    ...exported.stays.flatMap((stay) => stay.resources),
  ]) {
    const list = byType.get(resource.resourceType as BulkResourceType);
    if (!list)
      throw new Error(`the exporter made a ${resource.resourceType}, which has no bulk file`);
    list.push(resource);
  }
  return byType;
}
