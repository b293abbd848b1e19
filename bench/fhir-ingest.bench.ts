// FHIR R4 ingest rate beside the CSV rate, in one run (issue 24): encounters per second through
// what each path does between the bytes received and the events handed to the publisher.
//   FHIR: each encounter a `collection` Bundle of 10 resources (Patient, Encounter, 3 Conditions,
//         2 laboratory Observations, a MedicationRequest, a Procedure, a Coverage), as JSON text:
//         JSON.parse, readBundle, validation (FHIR R4 JSON Schema compiled by ajv, and the required
//         bindings), the mapping (docs/fhir-mapping.md) and the CSV path's field rules and pseudonyms.
//   CSV:  the shared 4,999-row sample, repeated, through the CSV reader (parsing, rules, pseudonyms).
// Publishing to Kafka is the same for both paths (bench/ingest-throughput.bench.ts measures it).
// Rounds alternate FHIR and CSV; medians are reported. Needs no platform.
//   npx tsx bench/fhir-ingest.bench.ts [--encounters 10000] [--rounds 3]
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { readBundle, type Resource } from '@readmit/fhir';
import {
  readEncounterCsv,
  readFhirEncounters,
  validateEntries,
  type FhirEntry,
} from '@readmit/ingest';
import { sharedDataFile } from '../test/support/endpoints';
import { labResult, stayResources } from '../test/support/fhir-bundles';
import { testPseudonymize } from '../test/support/pseudonyms';
import { median } from './support/stats';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
  },
});
const ENCOUNTERS = Number(values.encounters);
const ROUNDS = Number(values.rounds);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const EMPTY = () => ({ visits: [], medicationOrders: [] });

/** One encounter's bundle text: the test stay plus a glucose result and a Coverage (10 resources). */
function bundleText(n: number): string {
  const stay = stayResources({
    mrn: `MRN-${n % 3_000}`,
    visitNumber: `V-${n}`,
    diagnoses: ['E11.65', n % 2 === 0 ? 'I10' : 'N18.3', 'E78.5'],
    a1cPercent: 6 + (n % 40) / 10,
    start: `2021-0${1 + (n % 9)}-1${n % 9}T0${n % 10}:00:00+01:00`,
    end: `2021-0${1 + (n % 9)}-2${n % 9}T11:00:00+01:00`,
  });
  const patient = stay[0].fullUrl;
  const encounter = stay[1].fullUrl;
  const extra: Array<{ fullUrl: string; resource: Resource }> = [
    {
      fullUrl: `urn:uuid:glucose-${n}`,
      resource: labResult('2345-7', 90 + (n % 300), 'mg/dL', patient, encounter),
    },
    {
      fullUrl: `urn:uuid:coverage-${n}`,
      resource: {
        resourceType: 'Coverage',
        status: 'active',
        type: { coding: [{ system: 'urn:oid:2.16.840.1.113883.3.221.5', code: '1' }] },
        beneficiary: { reference: patient },
        payor: [{ display: 'Medicare' }],
      } as Resource,
    },
  ];
  const entry = [...stay, ...extra].map(({ fullUrl, resource }) => ({ fullUrl, resource }));
  return JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry });
}

/** Encounters per second of the FHIR path over these bundle texts; checks every one maps. */
function fhirRound(texts: readonly string[]): number {
  const started = performance.now();
  let recorded = 0;
  for (const text of texts) {
    const bundle = readBundle(JSON.parse(text));
    const entries: FhirEntry[] = bundle.entries.map((entry) => ({
      resource: entry.resource,
      fullUrl: entry.fullUrl,
      location: entry.location,
      position: entry.index + 1,
    }));
    const read = readFhirEncounters(validateEntries(entries), {
      pseudonymize: testPseudonymize,
      mapping: {},
      history: EMPTY,
    });
    for (const row of read.rows) if (row.result.ok) recorded += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  if (recorded !== texts.length)
    throw new Error(`the FHIR path recorded ${recorded} of ${texts.length} encounters`);
  return recorded / seconds;
}

/** Encounters per second of the CSV path over the sample repeated to `rows` rows. */
async function csvRound(csv: string, rows: number): Promise<number> {
  const started = performance.now();
  let recorded = 0;
  for await (const row of readEncounterCsv(Readable.from([csv]), testPseudonymize))
    if (row.result.ok) recorded += 1;
  const seconds = (performance.now() - started) / 1000;
  if (recorded !== rows) throw new Error(`the CSV path recorded ${recorded} of ${rows} rows`);
  return recorded / seconds;
}

async function main(): Promise<void> {
  const texts = Array.from({ length: ENCOUNTERS }, (_, n) => bundleText(n));
  const resources = (JSON.parse(texts[0]) as { entry: unknown[] }).entry.length;
  const sample = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8')
    .trimEnd()
    .split('\n');
  const [header, ...body] = sample;
  const copies = Math.max(1, Math.round(ENCOUNTERS / body.length));
  const csv = `${header}\n${Array.from({ length: copies }, () => body.join('\n')).join('\n')}\n`;
  const csvRows = copies * body.length;

  // Warm-up: the FHIR schema is read and each type's validator compiled once, the JIT settles.
  fhirRound(texts.slice(0, 500));
  await csvRound(`${header}\n${body.slice(0, 500).join('\n')}\n`, 500);

  const fhir: number[] = [];
  const csvRates: number[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    fhir.push(fhirRound(texts));
    csvRates.push(await csvRound(csv, csvRows));
    console.log(
      `round ${round}: FHIR ${fmt(fhir[fhir.length - 1])} enc/s, CSV ${fmt(csvRates[csvRates.length - 1])} enc/s`,
    );
  }
  const fhirMedian = median(fhir);
  const csvMedian = median(csvRates);
  console.log(
    `\nFHIR: ${fmt(ENCOUNTERS)} encounters, bundles of ${resources} resources: ${fmt(fhirMedian)} encounters/s (median of ${ROUNDS})`,
  );
  console.log(`CSV:  ${fmt(csvRows)} rows: ${fmt(csvMedian)} encounters/s`);
  console.log(`FHIR / CSV: ${(fhirMedian / csvMedian).toFixed(3)}`);
  console.log(
    `command: npx tsx bench/fhir-ingest.bench.ts --encounters ${ENCOUNTERS} --rounds ${ROUNDS}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
