import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { readBundle, type FhirIssue } from '@readmit/fhir';
import {
  ndjsonEntry,
  readFhirEncounters,
  validateEntries,
  type CsvEncounterRow,
  type FhirEntry,
} from '@readmit/ingest';
import type { Pseudonymize } from '@readmit/contracts';
import { InfraError } from '../infra/infra-error';

/** What a FHIR directory held, read and mapped: the rows to publish and what was left out. */
export interface FhirDirectoryInput {
  readonly rows: CsvEncounterRow[];
  readonly files: number;
  readonly resources: number;
  readonly issues: readonly FhirIssue[];
  readonly excluded: Readonly<Record<string, number>>;
  readonly unmapped: Readonly<Record<string, number>>;
}

/**
 * The resources of a Bulk Data export directory: every `*.ndjson` file (one resource per line,
 * located as `Encounter.ndjson line 12`) and every `*.json` file (a Bundle, its entries located
 * as `file.json Bundle.entry[3].resource`).
 */
export async function readFhirDirectory(directory: string): Promise<{
  entries: FhirEntry[];
  issues: FhirIssue[];
  files: number;
}> {
  if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory())
    throw new InfraError(`no such directory: ${directory}`);
  const names = readdirSync(directory)
    .filter((name) => name.endsWith('.ndjson') || name.endsWith('.json'))
    .sort();
  if (names.length === 0)
    throw new InfraError(`no .ndjson or .json files in ${directory} (a FHIR Bulk Data export?)`);
  const entries: FhirEntry[] = [];
  const issues: FhirIssue[] = [];
  for (const name of names) {
    const path = join(directory, name);
    if (name.endsWith('.ndjson')) {
      let line = 0;
      for await (const text of createInterface({
        input: createReadStream(path),
        crlfDelay: Infinity,
      })) {
        line += 1;
        const read = ndjsonEntry(text, `${name} line ${line}`, entries.length + 1);
        if (read === null) continue;
        if ('issue' in read) issues.push(read.issue);
        else entries.push(read.entry);
      }
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      issues.push({
        severity: 'error',
        code: 'structure',
        diagnostics: 'the file is not JSON',
        expression: [name],
      });
      continue;
    }
    const bundle = readBundle(json);
    issues.push(
      ...bundle.issues.map((issue) => ({
        ...issue,
        expression: [`${name} ${issue.expression?.[0] ?? 'Bundle'}`],
      })),
    );
    for (const entry of bundle.entries)
      entries.push({
        resource: entry.resource,
        fullUrl: entry.fullUrl,
        location: `${basename(name)} ${entry.location}`,
        position: entries.length + 1,
      });
  }
  return { entries, issues, files: names.length };
}

/**
 * A FHIR directory as rows to publish: each resource validated, the finished inpatient encounters
 * mapped (docs/fhir-mapping.md) and read with the CSV path's rules. Prior visits and medication
 * orders are counted from the directory itself: a Bulk Data export holds each patient's history.
 */
export async function fhirDirectoryInput(
  directory: string,
  pseudonymize: Pseudonymize,
  mapping: { patientIdentifierSystem?: string; encounterIdentifierSystem?: string } = {},
): Promise<FhirDirectoryInput> {
  const { entries, issues, files } = await readFhirDirectory(directory);
  const read = readFhirEncounters(validateEntries(entries), {
    pseudonymize,
    mapping,
    history: () => ({ visits: [], medicationOrders: [] }),
  });
  return {
    rows: [...read.rows],
    files,
    resources: entries.length,
    issues: [...issues, ...[...read.issuesAt.values()].flat()],
    excluded: read.excluded,
    unmapped: read.unmapped,
  };
}
