import { createHash } from 'node:crypto';
import type { FeatureSpec } from '@readmit/ml';
import type { LabelledEncounter } from '../domain/training-set';
import type { EncodedSide } from './prepare-dataset';

/** A column as the Parquet writer takes it: its name, its Parquet type and one value per row. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'STRING' | 'INT32' | 'DOUBLE' | 'FLOAT' | 'TIMESTAMP';
  readonly data: ReadonlyArray<string | number | Date | null> | Float32Array;
}

/** Encoded features are named `feature:<name>`: a numeric feature shares its raw column's name. */
export const FEATURE_COLUMN_PREFIX = 'feature:';
/** The raw outcome (NO, >30, <30) and the task's 0/1 target. */
export const OUTCOME_COLUMN = 'readmitted';
export const LABEL_COLUMN = 'label';

type RawValue = string | number | null;

/**
 * The raw columns, in the event's field order, with their Parquet types read off the values:
 * text is STRING, a field named `…At` a TIMESTAMP (milliseconds), whole numbers INT32, and
 * anything else DOUBLE. Read from every side's rows so an all-null column still gets a type.
 */
export function rawColumnTypes(
  rows: Iterable<LabelledEncounter>,
): Array<{ name: string; type: TableColumn['type'] }> {
  const kinds = new Map<string, Set<string>>();
  for (const row of rows)
    for (const [name, value] of Object.entries(row.encounter)) {
      let seen = kinds.get(name);
      if (!seen) kinds.set(name, (seen = new Set()));
      if (value === null || value === undefined) continue;
      seen.add(
        typeof value === 'string'
          ? 'string'
          : Number.isInteger(value) && Math.abs(value as number) < 2 ** 31
            ? 'int'
            : 'double',
      );
    }
  return [...kinds].map(([name, seen]) => ({
    name,
    type: seen.has('string')
      ? 'STRING'
      : name.endsWith('At')
        ? 'TIMESTAMP'
        : seen.has('double')
          ? 'DOUBLE'
          : 'INT32',
  }));
}

/**
 * One side of a training set as a table: the raw columns, the outcome and the task's label, then
 * the encoded feature matrix, one FLOAT column per feature of the spec (`feature:<name>`).
 */
export function sideTable(
  rows: readonly LabelledEncounter[],
  encoded: EncodedSide,
  featureSpec: FeatureSpec,
  rawColumns: ReadonlyArray<{ name: string; type: TableColumn['type'] }>,
): TableColumn[] {
  const raw: TableColumn[] = rawColumns.map(({ name, type }) => ({
    name,
    type,
    data: rows.map((row) => {
      const value = (row.encounter as unknown as Record<string, RawValue>)[name] ?? null;
      return type === 'TIMESTAMP' && value !== null ? new Date(Number(value)) : value;
    }),
  }));
  const width = featureSpec.featureNames.length;
  if (encoded.data.columns !== width)
    throw new Error(`the feature matrix has ${encoded.data.columns} columns, the spec ${width}`);
  const features: TableColumn[] = featureSpec.featureNames.map((name, column) => {
    const values = new Float32Array(rows.length);
    for (let row = 0; row < rows.length; row++)
      values[row] = encoded.data.values[row * width + column];
    return { name: `${FEATURE_COLUMN_PREFIX}${name}`, type: 'FLOAT', data: values };
  });
  return [
    ...raw,
    { name: OUTCOME_COLUMN, type: 'STRING', data: rows.map((row) => row.outcome) },
    { name: LABEL_COLUMN, type: 'INT32', data: Array.from(encoded.labels) },
    ...features,
  ];
}

/**
 * A feature spec's identity: `fs1-` and the first 16 hex characters of the SHA-256 of its JSON.
 * An imported model names the spec its inputs were encoded with by this id.
 */
export function featureSpecIdOf(featureSpec: FeatureSpec): string {
  const digest = createHash('sha256').update(JSON.stringify(featureSpec)).digest('hex');
  return `fs${featureSpec.version}-${digest.slice(0, 16)}`;
}
