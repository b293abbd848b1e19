import { operationOutcome, type FhirIssue } from '@readmit/fhir';
import type { Bundle, BundleEntry, OperationOutcome } from '@readmit/fhir';
import type { EntryFate, FhirIngestResult } from './ingest-fhir';

/** An OperationOutcome of these issues; an empty list is one informational "all is well". */
export function outcomeOf(issues: readonly FhirIssue[], summary?: string): OperationOutcome {
  const information: FhirIssue[] = summary
    ? [{ severity: 'information', code: 'informational', diagnostics: summary, expression: [] }]
    : [];
  return operationOutcome([...issues, ...information]);
}

/** The counts an answer sums up with: recorded, duplicates, left out by reason, unmapped codes. */
export function summaryOf(result: FhirIngestResult): string {
  const { report, excluded, unmapped } = result;
  const parts = [
    `${report.encounters} encounters recorded`,
    `${report.duplicates} already known`,
    `${report.rejected} rejected`,
  ];
  const left = Object.entries(excluded).filter(([, count]) => count > 0);
  if (left.length > 0)
    parts.push(`not in the cohort: ${left.map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  const codes = Object.entries(unmapped);
  if (codes.length > 0)
    parts.push(`unmapped codes: ${codes.map(([key, n]) => `${key} ${n}`).join(', ')}`);
  return parts.join('; ');
}

const STATUS: Readonly<Record<EntryFate['kind'], string>> = {
  recorded: '201 Created',
  duplicate: '200 OK',
  accepted: '200 OK',
  rejected: '400 Bad Request',
};

/**
 * A `batch-response` or `transaction-response` bundle: one entry per request entry, in order,
 * with its status and, when refused, its issues.
 */
export function responseBundle(
  type: 'batch-response' | 'transaction-response',
  fates: readonly EntryFate[],
): Bundle {
  return {
    resourceType: 'Bundle',
    type,
    entry: fates.map((fate): BundleEntry => ({
      response: {
        status: STATUS[fate.kind],
        ...(fate.kind === 'rejected' ? { outcome: outcomeOf(fate.issues) } : {}),
      },
    })),
  };
}

/** How many entries a bundle's JSON holds (every one gets an answer in a batch-response). */
export function entryCountOf(json: unknown): number {
  const entry = (json as { entry?: unknown }).entry;
  return Array.isArray(entry) ? entry.length : 0;
}

/**
 * Each Bundle.entry's fate, by its index: those read carry theirs; one that was left out (no
 * resource, no request) is refused with the bundle's issues about it.
 */
export function fatesByEntry(
  count: number,
  read: ReadonlyArray<{ readonly index: number }>,
  fates: readonly EntryFate[],
  bundleIssues: readonly FhirIssue[],
): EntryFate[] {
  const answers: EntryFate[] = Array.from({ length: count }, (_, index) => ({
    kind: 'rejected',
    issues: bundleIssues.filter((issue) =>
      (issue.expression[0] ?? '').startsWith(`Bundle.entry[${index}]`),
    ),
  }));
  read.forEach(({ index }, at) => (answers[index] = fates[at]));
  return answers;
}
