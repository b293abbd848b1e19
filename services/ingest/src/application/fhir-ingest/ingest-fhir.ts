import type { FhirIssue, FhirMappingOptions, PatientHistory } from '@readmit/fhir';
import type { Pseudonymize } from '@readmit/contracts';
import { UploadTally, type UploadReport } from '../../domain/bulk-upload/upload-report';
import type { RowVerdict } from '../../domain/dedup/encounter-claims';
import {
  patientsOf,
  readFhirEncounters,
  validateEntries,
  type FhirEntry,
  type LearnedHistory,
} from '../../domain/fhir/read-fhir-encounters';
import { ingestRows, type IngestRowsDeps } from '../bulk-upload/ingest-rows';

export type { FhirEntry };

/**
 * How an input is taken (docs/ingest.md, FHIR): a `transaction` or `collection` bundle is all or
 * nothing (one problem anywhere and nothing is published); a `batch` bundle and Bulk Data NDJSON
 * take each entry on its own, the good ones published and the bad ones answered with their issues.
 */
export type FhirInputMode = 'all-or-nothing' | 'each-entry';

/** What became of one entry. */
export type EntryFate =
  | { readonly kind: 'recorded' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly issues: readonly FhirIssue[] };

export interface FhirIngestResult {
  /** False when an all-or-nothing input was refused: nothing was published. */
  readonly accepted: boolean;
  /** Each entry's fate, by its index in the input. */
  readonly fates: readonly EntryFate[];
  /** Every problem, with its location. */
  readonly issues: readonly FhirIssue[];
  /** Encounters not recorded because they are outside the cohort, by reason. */
  readonly excluded: Readonly<Record<string, number>>;
  /** Codes no mapping table holds, by element and code system. */
  readonly unmapped: Readonly<Record<string, number>>;
  readonly report: UploadReport;
}

export interface FhirIngestDeps extends Omit<IngestRowsDeps, 'source'> {
  readonly pseudonymize: Pseudonymize;
  readonly mapping: FhirMappingOptions;
  /** The stored history of each patient named (by pseudonym). */
  readonly loadHistories: (patients: readonly string[]) => Promise<Map<string, PatientHistory>>;
  readonly saveHistories: (learned: readonly LearnedHistory[]) => Promise<void>;
  /** Names the input in each EncounterRecorded's `source`, e.g. `fhir:<uploadId>`. */
  readonly source: string;
  readonly uploadId: string;
}

const EMPTY_HISTORY: PatientHistory = { visits: [], medicationOrders: [] };

/**
 * Takes FHIR resources in: validates each (structure and required bindings), maps the finished
 * inpatient encounters to rows (docs/fhir-mapping.md), reads each row with the CSV path's rules
 * and pseudonyms, keeps what the input taught about each patient's history, and publishes each
 * encounter once (ingestRows). Nothing accepted is lost; in an all-or-nothing input nothing is
 * published unless everything holds.
 */
export async function ingestFhir(
  entries: readonly FhirEntry[],
  mode: FhirInputMode,
  deps: FhirIngestDeps,
): Promise<FhirIngestResult> {
  const tally = new VerdictTally(deps.uploadId, null, deps.now());
  const validated = validateEntries(entries);
  if (mode === 'all-or-nothing' && validated.issuesAt.size > 0)
    return refused(entries, validated.issuesAt, tally, deps.now());

  const patients = patientsOf(validated, deps);
  const histories = await deps.loadHistories(patients);
  const read = readFhirEncounters(validated, {
    pseudonymize: deps.pseudonymize,
    mapping: deps.mapping,
    history: (patient) => histories.get(patient) ?? EMPTY_HISTORY,
  });
  if (mode === 'all-or-nothing' && read.issuesAt.size > 0)
    return refused(entries, read.issuesAt, tally, deps.now());

  await deps.saveHistories(read.historyToKeep);
  await ingestRows(toAsync(read.rows), tally, { ...deps, source: deps.source });

  const fates: EntryFate[] = entries.map((entry, index) => {
    const issues = read.issuesAt.get(index);
    if (issues) return { kind: 'rejected', issues };
    const verdict = tally.verdictAt(entry.position);
    if (verdict) return { kind: verdict.encounter === 'new' ? 'recorded' : 'duplicate' };
    return { kind: 'accepted' };
  });
  return {
    accepted: true,
    fates,
    issues: [...read.issuesAt.values()].flat(),
    excluded: read.excluded,
    unmapped: read.unmapped,
    report: tally.report('completed', deps.now()),
  };
}

function refused(
  entries: readonly FhirEntry[],
  issuesAt: ReadonlyMap<number, readonly FhirIssue[]>,
  tally: UploadTally,
  now: number,
): FhirIngestResult {
  return {
    accepted: false,
    fates: entries.map((_, index) => {
      const issues = issuesAt.get(index);
      return issues ? { kind: 'rejected', issues } : { kind: 'accepted' };
    }),
    issues: [...issuesAt.values()].flat(),
    excluded: {},
    unmapped: {},
    report: tally.report('failed', now),
  };
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/** An upload tally that also remembers each row's verdict, by line, for per-entry answers. */
class VerdictTally extends UploadTally {
  private readonly verdicts = new Map<number, RowVerdict>();

  override handled(verdict: RowVerdict): void {
    super.handled(verdict);
    this.verdicts.set(verdict.line, verdict);
  }

  verdictAt(line: number): RowVerdict | undefined {
    return this.verdicts.get(line);
  }
}
