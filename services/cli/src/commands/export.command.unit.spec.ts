import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Encounter, Patient, Resource } from '@readmit/fhir';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { exportFhir, type ExportOptions } from './export.command';

const SAMPLE = sharedDataFile('diabetic_data_sample.csv');
const FIRST_ROWS = 200;

/** The first rows of the sample as its columns → cells (no quoted commas in this file). */
function firstSampleRows(count: number): Record<string, string>[] {
  const [header, ...lines] = readFileSync(SAMPLE, 'utf8').split(/\r?\n/);
  const columns = header.split(',');
  return lines
    .slice(0, count)
    .map((line) => Object.fromEntries(line.split(',').map((cell, at) => [columns[at], cell])));
}

const readNdjson = <T = Resource>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

const options = (out: string, more: Partial<ExportOptions> = {}): ExportOptions => ({
  fhir: true,
  input: SAMPLE,
  out,
  format: 'ndjson',
  bundleType: 'collection',
  bundleScope: 'patient',
  limit: FIRST_ROWS,
  seed: 1,
  quiet: true,
  ...more,
});

describe('readmit export --fhir on the first 200 rows of the real sample', () => {
  const rows = firstSampleRows(FIRST_ROWS);
  const patientNumbers = new Set(rows.map((row) => row.patient_nbr));

  it('writes Bulk Data NDJSON: one file per resource type, every reference resolved', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-export-'));
    const summary = await exportFhir(options(out));
    expect(summary.report).toMatchObject({ exported: FIRST_ROWS, patients: patientNumbers.size });
    expect(summary.rejectedLines).toEqual([]);

    const files = readdirSync(out).sort();
    expect(files).toEqual(
      [
        'Condition.ndjson',
        'Encounter.ndjson',
        'MedicationRequest.ndjson',
        'Observation.ndjson',
        'Patient.ndjson',
        'PractitionerRole.ndjson',
        'Procedure.ndjson',
      ].sort(),
    );
    const byFile = new Map(files.map((file) => [file, readNdjson(join(out, file))]));
    for (const [file, resources] of byFile) {
      expect(resources.every((resource) => `${resource.resourceType}.ndjson` === file)).toBe(true);
      expect(summary.files.get(file.replace('.ndjson', ''))).toBe(resources.length);
    }

    const patients = byFile.get('Patient.ndjson') as Patient[];
    expect(new Set(patients.map((patient) => patient.identifier?.[0].value))).toEqual(
      patientNumbers,
    );
    const stays = (byFile.get('Encounter.ndjson') as Encounter[]).filter(
      (encounter) => encounter.identifier?.[0].system === 'urn:readmit:uci:encounter_id',
    );
    expect(stays.map((stay) => stay.identifier?.[0].value).sort()).toEqual(
      rows.map((row) => row.encounter_id).sort(),
    );
    const visits = rows.reduce(
      (sum, row) =>
        sum +
        Number(row.number_outpatient) +
        Number(row.number_emergency) +
        Number(row.number_inpatient),
      0,
    );
    expect(byFile.get('Encounter.ndjson')).toHaveLength(FIRST_ROWS + visits);
    const labs = rows.reduce((sum, row) => sum + Number(row.num_lab_procedures), 0);
    const weights = rows.filter((row) => row.weight !== '?').length;
    expect(byFile.get('Observation.ndjson')).toHaveLength(labs + weights);

    const ids = new Set([...byFile.values()].flat().map((r) => `${r.resourceType}/${r.id}`));
    const references = [...byFile.values()]
      .flat()
      .flatMap((resource) => JSON.stringify(resource).match(/"reference":"[^"]+"/g) ?? [])
      .map((match) => match.slice('"reference":"'.length, -1));
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((reference) => !ids.has(reference))).toEqual([]);
  });

  it('writes one transaction bundle per encounter, one per line, the same for the same seed', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fhir-export-'));
    const bundleOptions = options(out, {
      format: 'bundles',
      bundleType: 'transaction',
      bundleScope: 'encounter',
    });
    writeFileSync(join(out, 'Coverage.ndjson'), '{}\n'); // left by an earlier export
    writeFileSync(join(out, 'notes.txt'), 'kept');
    await exportFhir(bundleOptions);
    expect(readdirSync(out).sort()).toEqual(['Bundle.ndjson', 'notes.txt']);
    const bundles = readNdjson<Bundle>(join(out, 'Bundle.ndjson'));
    expect(bundles).toHaveLength(FIRST_ROWS);
    expect(bundles.every((bundle) => bundle.type === 'transaction')).toBe(true);
    const again = mkdtempSync(join(tmpdir(), 'fhir-export-'));
    await exportFhir({ ...bundleOptions, out: again });
    expect(readFileSync(join(again, 'Bundle.ndjson'), 'utf8')).toBe(
      readFileSync(join(out, 'Bundle.ndjson'), 'utf8'),
    );
  });
});
