import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { EventSerde } from '@readmit/platform/kafka';
import { sharedDataFile, testEndpoints } from '../../../../test/support/endpoints';
import { runReadmit } from '../../../../test/support/processes';
import { isolatedCatalog, physical, readTopic, testKafka } from '../../../../test/support/kafka';
import { encounterPseudonym, patientPseudonym } from '../../../../test/support/pseudonyms';
import { stayNdjsonFiles } from '../../../../test/support/fhir-bundles';

const produce = (...args: string[]) => runReadmit(['produce', ...args]);

describe('readmit produce --fhir', () => {
  it('publishes the finished inpatient stays of a Bulk Data export, and lists what it left out', async () => {
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const folder = mkdtempSync(join(tmpdir(), 'readmit-produce-fhir-'));
    const files = stayNdjsonFiles([
      { mrn: '7001', visitNumber: '91001' },
      { mrn: 'MRN-7002', visitNumber: 'V-7002', diagnoses: ['E11.9', 'N18.3'] },
      { mrn: 'MRN-7003', visitNumber: 'V-7003', status: 'in-progress' },
    ]);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    writeFileSync(join(folder, 'Observation.ndjson'), `${files['Observation.ndjson']}{oops\n`);

    const result = produce('--fhir', folder, '--prefix', prefix);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('rows: 2, encounters published: 2');
    expect(result.stderr).toContain('not-finished 1');
    expect(result.stderr).toMatch(/Observation\.ndjson line 4: the line is not JSON/);
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    const encounters = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: 2,
      timeoutMs: 30_000,
      settleMs: 1_000,
    });
    expect(encounters).toHaveLength(2);
    // A numeric MRN and visit number are the patient and encounter a CSV row with them would be.
    const decoded = await Promise.all(encounters.map(({ message }) => serde.decode(message.value)));
    expect(decoded.map(({ event }) => (event as EncounterRecorded).encounter_id)).toContain(
      encounterPseudonym(91001),
    );
    expect(decoded.map(({ event }) => (event as EncounterRecorded).patient_nbr)).toContain(
      patientPseudonym(7001),
    );
  });
});

describe('readmit produce --csv', () => {
  it('publishes every row of the real sample as an encounter and an outcome, rejecting none', async () => {
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const result = produce('--csv', sharedDataFile('diabetic_data_sample.csv'), '--prefix', prefix);
    expect(result.stderr).toContain('producing diabetic_data_sample.csv');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'rows: 4999, encounters published: 4999, outcomes published: 4999, rejected rows: 0',
    );

    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    const encounters = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: 4999,
      timeoutMs: 60_000,
    });
    const outcomes = await readTopic(kafka, physical(TOPICS.outcomes, prefix), {
      count: 4999,
      timeoutMs: 60_000,
    });
    expect(encounters).toHaveLength(4999);
    expect(outcomes).toHaveLength(4999);
    // Keyed and identified by pseudonyms under the site key: 2278392 is nowhere on the topic.
    const first = await serde.decode(
      encounters.find(({ message }) => String(message.key) === encounterPseudonym(2278392))?.message
        .value ?? null,
    );
    expect(first.event).toMatchObject({
      encounter_id: encounterPseudonym(2278392),
      patient_nbr: patientPseudonym(8222157),
      medical_specialty: 'Pediatrics-Endocrinology',
      source: 'csv:diabetic_data_sample.csv#2',
    });
  });

  it('loads every good row of a broken file and reports each bad one with its line and field', async () => {
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const folder = mkdtempSync(join(tmpdir(), 'readmit-produce-'));
    const lines = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8')
      .split('\n')
      .slice(0, 11);
    lines[3] = lines[3].replace(/,\[\d+-\d+\),/, ',[70-85),');
    lines[7] = lines[7].split(',').slice(0, 20).join(',');
    writeFileSync(join(folder, 'broken.csv'), `${lines.join('\n')}\n`);
    copyFileSync(sharedDataFile('IDs_mapping.csv'), join(folder, 'IDs_mapping.csv'));

    const result = produce('--csv', join(folder, 'broken.csv'), '--prefix', prefix);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'rows: 10, encounters published: 8, outcomes published: 8, rejected rows: 2',
    );
    expect(result.stdout).toMatch(/line 4: age: '\[70-85\)' is not one of/);
    expect(result.stdout).toContain('line 8: (row): the row does not have one cell per column');
    expect(
      await readTopic(kafka, physical(TOPICS.encounters, prefix), {
        count: 8,
        timeoutMs: 30_000,
        settleMs: 1_000,
      }),
    ).toHaveLength(8);
  });

  it('publishes a synthetic stream, the same for the same seed, with drift from the stated encounter', async () => {
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.outcomes]);
    const result = produce(
      '--synthetic',
      '3000',
      '--seed',
      '42',
      '--drift',
      'at=1500,age=1',
      '--prefix',
      prefix,
    );
    expect(result.stderr).toContain(
      'producing 3000 synthetic encounters (seed 42, drift from encounter 1500)',
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'rows: 3000, encounters published: 3000, outcomes published: 3000, rejected rows: 0',
    );

    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    const messages = await readTopic(kafka, physical(TOPICS.encounters, prefix), {
      count: 3000,
      timeoutMs: 60_000,
    });
    const events = await Promise.all(
      messages.map(
        async ({ message }) => (await serde.decode(message.value)).event as EncounterRecorded,
      ),
    );
    const older = (band: string) => ['[70-80)', '[80-90)', '[90-100)'].includes(band);
    const share = (rows: EncounterRecorded[]) =>
      rows.filter((row) => older(row.age)).length / rows.length;
    const position = (event: EncounterRecorded) => Number(event.source.split('#')[1]);
    const before = events.filter((event) => position(event) <= 1500);
    const after = events.filter((event) => position(event) > 1500);
    expect(share(after)).toBeGreaterThan(share(before) + 0.15);
    expect(events[0].source).toMatch(/^synthetic:seed=42#\d+$/);
  });

  it('refuses to write to topics that do not exist, naming them, instead of waiting forever', () => {
    const result = produce(
      '--csv',
      sharedDataFile('diabetic_data_sample.csv'),
      '--prefix',
      'nowhere.',
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n').pop()).toBe(
      'readmit: topics nowhere.patient.encounters, nowhere.patient.outcomes do not exist: create the catalog with `readmit topics create` (with --prefix if you use one)',
    );
  });

  it('publishes nothing without a site key, saying how to make one and never printing a key', () => {
    const missing = runReadmit(
      ['produce', '--csv', sharedDataFile('diabetic_data_sample.csv'), '--prefix', 'nowhere.'],
      { env: { READMIT_PSEUDONYM_KEY: '' } },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'readmit: readmit produce: invalid configuration: READMIT_PSEUDONYM_KEY is required but not set (the site key that pseudonymises patient identifiers; `readmit pseudonyms key` makes one)',
    );
    const weak = Buffer.alloc(32, 7).toString('base64');
    const refused = runReadmit(
      ['produce', '--csv', sharedDataFile('diabetic_data_sample.csv'), '--prefix', 'nowhere.'],
      { env: { READMIT_PSEUDONYM_KEY: weak } },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('READMIT_PSEUDONYM_KEY: must be base64 of at least 32');
    expect(refused.stderr).not.toContain(weak);
  });

  it('says what is missing when no input is given', () => {
    const result = produce();
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'readmit: say what to produce, once: --csv <file>, --fhir <dir> or --synthetic <count>',
    );
  });
});
