import type { IdentifierKind, Pseudonymize } from '@readmit/contracts';
import {
  fhirIssue,
  mapFhirEncounters,
  patientKeysOf,
  validateFhirResource,
  type FhirIssue,
  type FhirMappingOptions,
  type LearnedPatientHistory,
  type PatientHistory,
} from '@readmit/fhir';
import { parseEncounterValues, rawRowOf, type ParsedRow } from '@readmit/ml';
import type { Resource } from '@readmit/fhir';

/** One resource of an input, where it stood (for issues) and its position (1-based). */
export interface FhirEntry {
  readonly resource: unknown;
  readonly fullUrl?: string;
  /** FHIRPath-like location: `Bundle.entry[3].resource`, or `Encounter.ndjson line 12`. */
  readonly location: string;
  readonly position: number;
}

/**
 * One NDJSON line as an entry: a JSON object, or the issue that says why it is not one. Blank
 * lines are neither (null).
 */
export function ndjsonEntry(
  text: string,
  location: string,
  position: number,
): { readonly entry: FhirEntry } | { readonly issue: FhirIssue } | null {
  if (text.trim() === '') return null;
  let resource: unknown;
  try {
    resource = JSON.parse(text);
  } catch {
    return { issue: fhirIssue('structure', 'the line is not JSON', location) };
  }
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
    return {
      issue: fhirIssue(
        'structure',
        'the line is not a FHIR resource (a JSON object with resourceType)',
        location,
      ),
    };
  return { entry: { resource, location, position } };
}

/** An input after validation: the problems of each entry, by index. */
export interface ValidatedEntries {
  readonly entries: readonly FhirEntry[];
  readonly issuesAt: ReadonlyMap<number, readonly FhirIssue[]>;
}

/** What an input taught about a patient (mapFhirEncounters' historyToKeep). */
export type LearnedHistory = LearnedPatientHistory;

export interface FhirEncounterRows {
  /** One row per encounter of the cohort, read by the CSV path's rules: `line` is its entry's position. */
  readonly rows: ReadonlyArray<{ readonly line: number; readonly result: ParsedRow }>;
  /** Every entry's problems (validation, mapping, field rules), by entry index. */
  readonly issuesAt: ReadonlyMap<number, readonly FhirIssue[]>;
  readonly excluded: Readonly<Record<string, number>>;
  readonly unmapped: Readonly<Record<string, number>>;
  readonly historyToKeep: readonly LearnedHistory[];
}

/** Each entry checked against the FHIR R4 structure and the required bindings the mapping reads. */
export function validateEntries(entries: readonly FhirEntry[]): ValidatedEntries {
  const issuesAt = new Map<number, FhirIssue[]>();
  entries.forEach((entry, index) => {
    const issues = validateFhirResource(entry.resource, entry.location);
    if (issues.length > 0) issuesAt.set(index, [...issues]);
  });
  return { entries, issuesAt };
}

/** The resources that passed validation, as the mapper takes them. */
function validResources(validated: ValidatedEntries) {
  return validated.entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ index }) => !validated.issuesAt.has(index));
}

/** The pseudonyms of the patients the valid entries name: whose history to load first. */
export function patientsOf(
  validated: ValidatedEntries,
  context: { readonly pseudonymize: Pseudonymize; readonly mapping: FhirMappingOptions },
): string[] {
  const resources = validResources(validated).map(({ entry }) => mapperInput(entry));
  return patientKeysOf(resources, context.mapping).map((key) =>
    context.pseudonymize('patient', key),
  );
}

const mapperInput = (entry: FhirEntry) => ({
  resource: entry.resource as Resource,
  fullUrl: entry.fullUrl,
  location: entry.location,
});

/**
 * `pseudonymize` remembering its answers for one input: the mapping pseudonymises each patient and
 * stay for the history, and the field rules the same ids again; an HMAC each was a third of
 * reading an encounter (bench/fhir-ingest.bench.ts).
 */
function rememberingPseudonyms(pseudonymize: Pseudonymize): Pseudonymize {
  const known = new Map<IdentifierKind, Map<string, string>>();
  return (kind, clearId) => {
    let ofKind = known.get(kind);
    if (ofKind === undefined) known.set(kind, (ofKind = new Map()));
    let pseudonym = ofKind.get(clearId);
    if (pseudonym === undefined) ofKind.set(clearId, (pseudonym = pseudonymize(kind, clearId)));
    return pseudonym;
  };
}

/**
 * The valid entries' finished inpatient encounters as rows (docs/fhir-mapping.md), each read with
 * the CSV path's field rules and pseudonyms (text identifiers). Pure: the patients' histories
 * come loaded (`history`, by pseudonym).
 */
export function readFhirEncounters(
  validated: ValidatedEntries,
  context: {
    readonly pseudonymize: Pseudonymize;
    readonly mapping: FhirMappingOptions;
    readonly history: (patient: string) => PatientHistory;
  },
): FhirEncounterRows {
  const issuesAt = new Map<number, FhirIssue[]>(
    [...validated.issuesAt].map(([index, issues]) => [index, [...issues]]),
  );
  const addIssues = (index: number, issues: readonly FhirIssue[]) => {
    if (issues.length > 0) issuesAt.set(index, [...(issuesAt.get(index) ?? []), ...issues]);
  };
  const valid = validResources(validated);
  const indexOf = new Map(valid.map(({ entry, index }) => [entry.location, index]));
  const pseudonymize = rememberingPseudonyms(context.pseudonymize);
  const mapped = mapFhirEncounters(
    valid.map(({ entry }) => mapperInput(entry)),
    { pseudonymize, history: context.history, options: context.mapping },
  );
  for (const issue of mapped.issues) addIssues(entryOfIssue(issue, indexOf), [issue]);

  const rows: Array<{ line: number; result: ParsedRow }> = [];
  for (const { location, row } of mapped.rows) {
    const index = indexOf.get(location) ?? UNPLACED;
    const result = parseEncounterValues(rawRowOf(row), pseudonymize, undefined, 'text');
    if (!result.ok)
      addIssues(
        index,
        result.errors.map(({ field, message }) => ({
          severity: 'error',
          code: 'invalid',
          diagnostics: `${field} (docs/fhir-mapping.md) ${message}`,
          expression: [location],
        })),
      );
    rows.push({ line: validated.entries[index]?.position ?? 0, result });
  }
  return {
    rows,
    issuesAt,
    excluded: mapped.excluded,
    unmapped: mapped.unmapped,
    historyToKeep: mapped.historyToKeep,
  };
}

/** Where an issue no entry's location starts goes: it refuses an all-or-nothing input, no entry. */
export const UNPLACED = -1;

/**
 * The entry an issue belongs to: the one whose location starts its expression
 * (`Bundle.entry[3].resource.status` → `Bundle.entry[3].resource`), tried prefix by prefix.
 */
function entryOfIssue(issue: FhirIssue, indexOf: ReadonlyMap<string, number>): number {
  let prefix = issue.expression?.[0] ?? '';
  for (;;) {
    const index = indexOf.get(prefix);
    if (index !== undefined) return index;
    const dot = prefix.lastIndexOf('.');
    if (dot < 0) return UNPLACED;
    prefix = prefix.slice(0, dot);
  }
}
