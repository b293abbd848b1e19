import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  BULK_RESOURCE_TYPES,
  exportUciPatient,
  groupByPatient,
  patientBundles,
  resourcesByType,
  UciExportTally,
  type ExportBundleScope,
  type ExportBundleType,
  type UciExportReport,
  type UciStayRow,
} from '@readmit/fhir';
import { parseIdsMapping, type FieldError } from '@readmit/ml';
import { readEncounterCsv } from '@readmit/ingest';
import { InfraError } from '../infra/infra-error';
import { NdjsonFiles } from './ndjson-writer';

export interface ExportOptions {
  readonly fhir?: boolean;
  readonly input?: string;
  readonly out?: string;
  readonly format: 'ndjson' | 'bundles';
  readonly bundleType: ExportBundleType;
  readonly bundleScope: ExportBundleScope;
  readonly limit?: number;
  readonly seed: number;
  readonly idsMapping?: string;
  /** Progress lines on stderr (off in tests). */
  readonly quiet?: boolean;
}

/** What `readmit export --fhir` wrote. */
export interface ExportSummary {
  readonly report: UciExportReport;
  /** The CSV lines of the rows refused, each with its errors. */
  readonly rejectedLines: readonly { line: number; errors: readonly FieldError[] }[];
  /** Lines written, by file (`Patient.ndjson`, `Bundle.ndjson`). */
  readonly files: ReadonlyMap<string, number>;
}

function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`'${value}' is not a whole number`);
  return number;
}

/** The export keeps identifiers clear: FHIR carries a hospital's own MRNs and visit numbers. */
const keepClear = (_kind: string, clearId: string) => clearId;

/** The good rows of a diabetic_data.csv file (the first `limit`), by the CSV path's reader and rules. */
async function readRows(file: string, limit: number | undefined, idsMapping?: string) {
  const mappingFile = idsMapping ?? join(dirname(file), 'IDs_mapping.csv');
  const mapping = existsSync(mappingFile)
    ? parseIdsMapping(readFileSync(mappingFile, 'utf8'))
    : undefined;
  const rows: UciStayRow[] = [];
  const rejectedLines: { line: number; errors: readonly FieldError[] }[] = [];
  let read = 0;
  for await (const { line, result } of readEncounterCsv(
    createReadStream(file),
    keepClear,
    mapping,
  )) {
    if (limit !== undefined && read >= limit) break;
    if (result.ok) rows.push({ index: read, encounter: result.encounter });
    else rejectedLines.push({ line, errors: result.errors });
    read += 1;
  }
  return { rows, rejectedLines };
}

/**
 * Turns UCI rows into FHIR R4 files (docs/fhir-mapping.md, Export to FHIR): Bulk Data NDJSON, one
 * file per resource type, or `Bundle.ndjson`, one bundle per line (per patient or per encounter).
 */
export async function exportFhir(options: ExportOptions): Promise<ExportSummary> {
  const input = options.input as string;
  const out = options.out as string;
  const { rows, rejectedLines } = await readRows(input, options.limit, options.idsMapping);
  mkdirSync(out, { recursive: true });
  // A file an earlier export left (a Coverage.ndjson this input has no payer for) would be read
  // with this export's files: the export's own names go first, nothing else in the folder.
  for (const name of [...BULK_RESOURCE_TYPES, 'Bundle'])
    rmSync(join(out, `${name}.ndjson`), { force: true });
  const patients = groupByPatient(rows);
  const files = new NdjsonFiles(out);
  const tally = new UciExportTally();
  const progress = options.quiet ? undefined : progressBar(patients.length);
  try {
    for (const [done, patientRows] of patients.entries()) {
      const exported = exportUciPatient(patientRows, { seed: options.seed });
      tally.add(exported);
      if (options.format === 'bundles') {
        for (const bundle of patientBundles(exported, options.bundleScope, options.bundleType))
          await files.write('Bundle', bundle);
      } else {
        for (const [type, resources] of resourcesByType(exported))
          for (const resource of resources) await files.write(type, resource);
      }
      progress?.update(done + 1);
    }
  } finally {
    progress?.stop();
    await files.close();
  }
  // Rows the reader refused are not the exporter's: their lines are reported beside its report.
  return { report: tally.report([]), rejectedLines, files: files.counts() };
}

function progressBar(total: number) {
  if (!process.stderr.isTTY) {
    let last = Date.now();
    return {
      update: (done: number) => {
        if (Date.now() - last < 5_000) return;
        last = Date.now();
        console.error(`${Math.round((100 * done) / Math.max(total, 1))}% | ${done} patients`);
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar(
    { format: '{bar} {percentage}% | {value}/{total} patients | ETA {eta}s', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() };
}

export function printExportSummary(summary: ExportSummary, out: string): void {
  const { report } = summary;
  console.log(
    `rows: ${report.exported + summary.rejectedLines.length}, exported: ${report.exported} encounters of ${report.patients} patients, rejected rows: ${summary.rejectedLines.length}`,
  );
  for (const [file, lines] of summary.files)
    console.log(`  ${join(out, `${file}.ndjson`)}: ${lines}`);
  const approximations = Object.entries(report.approximations).filter(([, rows]) => rows > 0);
  if (approximations.length > 0) {
    console.log('rows FHIR may not give back exactly (docs/fhir-mapping.md, Export to FHIR):');
    for (const [reason, rows] of approximations) console.log(`  ${reason}: ${rows}`);
  }
  console.log(`rows whose dates could not fit their age bands: ${report.datesUnfit}`);
  for (const rejection of summary.rejectedLines.slice(0, 20))
    console.log(
      `  line ${rejection.line}: ${rejection.errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`,
    );
  if (summary.rejectedLines.length > 20)
    console.log(`  … and ${summary.rejectedLines.length - 20} more rejected rows`);
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write UCI rows as FHIR R4 (Bulk Data NDJSON or bundles), for tests and demos')
    .option('--fhir', 'export as FHIR R4 (the one format for now)')
    .option(
      '--input <csv>',
      'diabetic_data.csv (the full UCI file, the sample, or any file with its columns)',
    )
    .option(
      '--out <dir>',
      'the folder to write to (made if missing; the files of an earlier export in it are removed)',
    )
    .addOption(
      new Option('--format <format>', 'NDJSON per resource type, or one bundle per line')
        .choices(['ndjson', 'bundles'])
        .default('ndjson'),
    )
    .addOption(
      new Option('--bundle-type <type>', 'with --format bundles: the bundle type')
        .choices(['collection', 'transaction'])
        .default('collection'),
    )
    .addOption(
      new Option(
        '--bundle-scope <scope>',
        'with --format bundles: one bundle per patient or per encounter',
      )
        .choices(['patient', 'encounter'])
        .default('patient'),
    )
    .option('--limit <rows>', 'export the first N rows only', parseCount)
    .option('--seed <seed>', 'seed of the dates and times (same seed, same FHIR)', parseCount, 1)
    .option(
      '--ids-mapping <file>',
      'IDs_mapping.csv to check id columns against (default: beside the CSV)',
    )
    .action(async (options: ExportOptions) => {
      if (!options.fhir)
        throw new InfraError('say what to export: --fhir (the one format for now)');
      if (!options.input || !options.out)
        throw new InfraError('say where from and to: --input <csv> --out <dir>');
      if (!existsSync(options.input)) throw new InfraError(`no such file: ${options.input}`);
      console.error(
        `exporting ${basename(options.input)} as FHIR R4 ${options.format} to ${options.out}`,
      );
      const summary = await exportFhir(options);
      printExportSummary(summary, options.out);
      process.exitCode = summary.report.exported > 0 ? 0 : 1;
    });
}
