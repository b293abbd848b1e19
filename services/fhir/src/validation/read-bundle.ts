import { fhirIssue, type FhirIssue } from './fhir-issue';

/** The bundle types ingest takes (docs/fhir-mapping.md; issue 24). */
export const SUPPORTED_BUNDLE_TYPES = ['transaction', 'batch', 'collection'] as const;
export type SupportedBundleType = (typeof SUPPORTED_BUNDLE_TYPES)[number];

/** The methods a transaction or batch entry may use to send a resource. */
const WRITE_METHODS = new Set(['POST', 'PUT']);

/** One resource of a bundle, where it stood, and how a transaction or batch sent it. */
export interface BundleResourceEntry {
  /** The resource as sent: not validated yet (validateFhirResource). */
  readonly resource: unknown;
  readonly fullUrl?: string;
  readonly request?: { readonly method: 'POST' | 'PUT'; readonly url?: string };
  /** `Bundle.entry[3].resource`: where issues about the resource point. */
  readonly location: string;
  /** The entry's index in Bundle.entry. */
  readonly index: number;
}

export interface ReadBundle {
  /** Undefined when the input is no bundle of a supported type (then `issues` says why). */
  readonly type: SupportedBundleType | undefined;
  readonly entries: readonly BundleResourceEntry[];
  /** Problems of the bundle itself and of entries that carry no resource to take. */
  readonly issues: readonly FhirIssue[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSupportedType = (type: unknown): type is SupportedBundleType =>
  typeof type === 'string' && (SUPPORTED_BUNDLE_TYPES as readonly string[]).includes(type);

/**
 * Reads a Bundle's entries. A transaction's all-or-nothing and a batch's per-entry answers are the
 * caller's (ingest's) to apply: this says which the bundle is and where each resource stands. An
 * entry that cannot be taken (no resource; in a transaction or batch, no request or a method other
 * than POST or PUT) is an issue and is left out of `entries`.
 */
export function readBundle(json: unknown): ReadBundle {
  if (!isRecord(json) || json.resourceType !== 'Bundle')
    return {
      type: undefined,
      entries: [],
      issues: [fhirIssue('structure', 'is not a FHIR Bundle', 'Bundle')],
    };
  if (!isSupportedType(json.type))
    return {
      type: undefined,
      entries: [],
      issues: [
        fhirIssue(
          'not-supported',
          `Bundle.type must be one of ${SUPPORTED_BUNDLE_TYPES.join(', ')}`,
          'Bundle.type',
        ),
      ],
    };
  const type = json.type;
  const issues: FhirIssue[] = [];
  const entries: BundleResourceEntry[] = [];
  if (json.entry !== undefined && !Array.isArray(json.entry))
    return {
      type,
      entries,
      issues: [fhirIssue('structure', 'Bundle.entry must be a list', 'Bundle.entry')],
    };
  const sent: readonly unknown[] = Array.isArray(json.entry) ? json.entry : [];
  sent.forEach((entry, index) => {
    const at = `Bundle.entry[${index}]`;
    if (!isRecord(entry) || !isRecord(entry.resource)) {
      issues.push(fhirIssue('required', 'entry has no resource', at));
      return;
    }
    const request = type === 'collection' ? undefined : readRequest(entry.request, at, issues);
    if (request === null) return;
    entries.push({
      resource: entry.resource,
      ...(typeof entry.fullUrl === 'string' ? { fullUrl: entry.fullUrl } : {}),
      ...(request ? { request } : {}),
      location: `${at}.resource`,
      index,
    });
  });
  return { type, entries, issues };
}

/** A transaction or batch entry's request; null (with an issue) when it cannot be taken. */
function readRequest(
  request: unknown,
  at: string,
  issues: FhirIssue[],
): BundleResourceEntry['request'] | null {
  if (!isRecord(request)) {
    issues.push(
      fhirIssue('required', 'entry of a transaction or batch has no request', `${at}.request`),
    );
    return null;
  }
  const method = request.method;
  if (typeof method !== 'string' || !WRITE_METHODS.has(method)) {
    issues.push(
      fhirIssue('not-supported', 'request.method must be POST or PUT', `${at}.request.method`),
    );
    return null;
  }
  return {
    method: method as 'POST' | 'PUT',
    ...(typeof request.url === 'string' ? { url: request.url } : {}),
  };
}
