import type { FhirIssue } from '@readmit/fhir';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ndjsonEntry } from '../../domain/fhir/read-fhir-encounters';
import type { FhirEntry } from './ingest-fhir';

/** The body passed the size a FHIR input may have here (READMIT_FHIR_MAX_BODY_MB). */
export class BodyTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(
      `the body is larger than ${Math.round(limitBytes / 1024 / 1024)} MB (READMIT_FHIR_MAX_BODY_MB): split the input into several bundles or NDJSON bodies`,
    );
    this.name = 'BodyTooLargeError';
  }
}

/** A whole JSON body (a Bundle): parsed, or a SyntaxError when it is not JSON or was cut off. */
export async function readWholeBody(body: Readable, limitBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > limitBytes) {
      body.destroy();
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(bytes);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * NDJSON resources, one per line (blank lines skipped), each with its location `line N`. A line
 * that is not a JSON object is an issue of its own; the others are still read.
 */
export async function readNdjsonEntries(
  body: Readable,
  limitBytes: number,
): Promise<{ entries: FhirEntry[]; issues: FhirIssue[] }> {
  const entries: FhirEntry[] = [];
  const issues: FhirIssue[] = [];
  let size = 0;
  let line = 0;
  for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
    line += 1;
    size += Buffer.byteLength(text) + 1;
    if (size > limitBytes) {
      body.destroy();
      throw new BodyTooLargeError(limitBytes);
    }
    const read = ndjsonEntry(text, `line ${line}`, line);
    if (read === null) continue;
    if ('issue' in read) issues.push(read.issue);
    else entries.push(read.entry);
  }
  return { entries, issues };
}
