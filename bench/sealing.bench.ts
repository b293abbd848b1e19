// What sealing patient events costs (issue 23), on vs off in one run, as ratios:
// 1. the serde alone: encode + decodeAll of synthetic EncounterRecorded events over a pool of
//    patients, in the clear vs sealed, with the patients' data keys in Postgres (a throwaway
//    schema) and the key cache cold (a new process's sealer) or warm;
// 2. stream scoring (bench/scoring-throughput.bench.ts's round, one scoring process) and
// 3. backfill (bench/backfill-throughput.bench.ts's run), each with a backlog in the clear vs
//    sealed (the fixture processes then open it with the same keys).
// On and off runs alternate (off, on, off, on, ...) and medians are reported: the machine is
// shared and noisy.
//   npx tsx bench/sealing.bench.ts [--events 20000] [--patients 2000] [--encounters 50000]
//     [--rounds 2] [--only serde,scoring,backfill]
// Needs the local platform (`./readmit infra up`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_EVENTS, type EncounterRecorded } from '@readmit/contracts';
import { EventSerde, newEnvelope } from '@readmit/platform/kafka';
import { patientSealingFromEnv, type PatientSealing } from '@readmit/platform/privacy/sealing';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { encounterPseudonym, patientPseudonym } from '../test/support/pseudonyms';
import { backfillRun } from './backfill-throughput.bench';
import { syntheticEncounters, trainBenchModel } from './support/bench-model';
import { benchSealing, type BenchSealing } from './support/sealing';
import { median } from './support/stats';
import { scoringRound } from './scoring-throughput.bench';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    patients: { type: 'string', default: '2000' },
    encounters: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '2' },
    batch: { type: 'string', default: '2000' },
    chunk: { type: 'string', default: '5000' },
    only: { type: 'string', default: 'serde,scoring,backfill' },
  },
});
const EVENTS = Number(values.events);
const PATIENTS = Number(values.patients);
const ENCOUNTERS = Number(values.encounters);
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const CHUNK = Number(values.chunk);
const ONLY = new Set(values.only.split(','));
/** Events per encode/decodeAll batch at the serde level: a consumer batch of the scorer. */
const SERDE_BATCH = 2_000;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const now = (): number => performance.now();

/** The serde's events: synthetic encounters, `PATIENTS` patients in turn. */
function serdeEvents(): EncounterRecorded[] {
  return syntheticEncounters(EVENTS, 7).map((row, index) => ({
    ...EXAMPLE_EVENTS.EncounterRecorded,
    ...row.encounter,
    encounter_id: encounterPseudonym(index + 1),
    patient_nbr: patientPseudonym(index % PATIENTS),
    envelope: newEnvelope('EncounterRecorded', { producer: 'bench' }),
  }));
}

interface SerdeTiming {
  /** Microseconds per event, keys prepared (sealed) and encoded. */
  readonly encodeUs: number;
  /** Microseconds per event, decodeAll in batches (sealed: keys fetched, fields opened). */
  readonly decodeUs: number;
}

/** Encodes every event with `writer` (prepareToWrite per batch), then decodeAll's with `reader`. */
async function serdePass(
  writer: EventSerde,
  reader: EventSerde,
  events: readonly EncounterRecorded[],
): Promise<SerdeTiming> {
  const messages: Buffer[] = new Array<Buffer>(events.length);
  const encodeStart = now();
  for (let start = 0; start < events.length; start += SERDE_BATCH) {
    const batch = events.slice(start, start + SERDE_BATCH);
    await writer.prepareToWrite(batch.map((event) => ({ eventType: 'EncounterRecorded', event })));
    for (let index = 0; index < batch.length; index++)
      messages[start + index] = writer.encode('EncounterRecorded', batch[index]);
  }
  const encodeMs = now() - encodeStart;
  const decodeStart = now();
  let failed = 0;
  for (let start = 0; start < messages.length; start += SERDE_BATCH) {
    const decoded = await reader.decodeAll(messages.slice(start, start + SERDE_BATCH));
    for (const item of decoded) if (!('event' in item)) failed++;
  }
  const decodeMs = now() - decodeStart;
  if (failed > 0) throw new Error(`${failed} events did not decode`);
  return {
    encodeUs: (encodeMs * 1000) / events.length,
    decodeUs: (decodeMs * 1000) / events.length,
  };
}

async function serdeBench(sealing: BenchSealing): Promise<string[]> {
  const { schemaRegistryUrl } = testEndpoints();
  // Subjects only (nothing is produced): a prefix of its own in the registry.
  const topicPrefix = `${uniqueName('bench-sealing')}.`;
  const serdeWith = async (sealer?: BenchSealing['sealer']) => {
    const serde = EventSerde.create(schemaRegistryUrl, { topicPrefix, sealer });
    await serde.register(['EncounterRecorded']);
    return serde;
  };
  const plain = await serdeWith();
  const warm = await serdeWith(sealing.sealer);
  const events = serdeEvents();
  // Every patient's key made (and cached by the warm sealer), and one pass of each to warm up.
  await serdePass(plain, plain, events);
  await serdePass(warm, warm, events);
  /** A sealer as a new process has it: the wrapping key unwrapped, no patient key cached. */
  const coldSealing = async (): Promise<PatientSealing> => {
    const made = await patientSealingFromEnv(
      { READMIT_KEK: sealing.fixtureEnv.SEALING_KEK, READMIT_KMS_REGION: 'us-east-1' },
      { databaseUrl: sealing.databaseUrl, databaseSchema: sealing.schema },
    );
    if (!made) throw new Error('no sealing made');
    return made;
  };
  const timings: Record<'plain' | 'cold' | 'warm', SerdeTiming[]> = {
    plain: [],
    cold: [],
    warm: [],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    timings.plain.push(await serdePass(plain, plain, events));
    // Writer and reader each with a cold cache: one key fetch per batch on both sides.
    const [coldWriter, coldReader] = [await coldSealing(), await coldSealing()];
    try {
      timings.cold.push(
        await serdePass(
          await serdeWith(coldWriter.sealer),
          await serdeWith(coldReader.sealer),
          events,
        ),
      );
    } finally {
      await coldWriter.close();
      await coldReader.close();
    }
    timings.warm.push(await serdePass(warm, warm, events));
    console.log(
      `serde round ${round}: ${(['plain', 'cold', 'warm'] as const)
        .map((variant) => {
          const t = timings[variant][round - 1];
          return `${variant} encode ${t.encodeUs.toFixed(1)} µs + decode ${t.decodeUs.toFixed(1)} µs`;
        })
        .join('; ')}`,
    );
  }
  const rows: string[] = [];
  const plainRate = 1e6 / median(timings.plain.map((t) => t.encodeUs + t.decodeUs));
  const labels = {
    plain: 'in the clear',
    cold: 'sealed, keys cache cold (Postgres getMany per batch)',
    warm: 'sealed, keys cached',
  };
  for (const variant of ['plain', 'cold', 'warm'] as const) {
    const encodeUs = median(timings[variant].map((t) => t.encodeUs));
    const decodeUs = median(timings[variant].map((t) => t.decodeUs));
    const rate = 1e6 / median(timings[variant].map((t) => t.encodeUs + t.decodeUs));
    rows.push(
      `| ${labels[variant]} | ${encodeUs.toFixed(1)} | ${decodeUs.toFixed(1)} | ${fmt(rate)} | ${(rate / plainRate).toFixed(2)} |`,
    );
  }
  return rows;
}

/** Runs `run` off, on, off, on, ... and returns the rates of each. */
async function alternate(
  name: string,
  sealing: BenchSealing,
  run: (sealing: BenchSealing | undefined) => Promise<number>,
): Promise<{ off: number[]; on: number[] }> {
  const rates = { off: [] as number[], on: [] as number[] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const sealed of [false, true]) {
      const rate = await run(sealed ? sealing : undefined);
      (sealed ? rates.on : rates.off).push(rate);
      console.log(
        `${name} round ${round}, sealing ${sealed ? 'on' : 'off'}: ${fmt(rate)} encounters/s`,
      );
    }
  }
  return rates;
}

function onOffRow(label: string, rates: { off: number[]; on: number[] }): string {
  const off = median(rates.off);
  const on = median(rates.on);
  return `| ${label} | ${rates.off.map(fmt).join(', ')} | ${rates.on.map(fmt).join(', ')} | ${fmt(off)} | ${fmt(on)} | ${(on / off).toFixed(2)} |`;
}

async function main(): Promise<void> {
  const command = `npx tsx bench/sealing.bench.ts --events ${EVENTS} --patients ${PATIENTS} --encounters ${ENCOUNTERS} --rounds ${ROUNDS} --batch ${BATCH} --chunk ${CHUNK} --only ${values.only}`;
  console.log(command);
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-sealing-'));
  const sealing = await benchSealing(root);
  const report: string[] = [];
  try {
    if (ONLY.has('serde')) {
      const rows = await serdeBench(sealing);
      report.push(
        `\nSerde: ${fmt(EVENTS)} EncounterRecorded over ${fmt(PATIENTS)} patients, encode (keys prepared per batch) then decodeAll, batches of ${fmt(SERDE_BATCH)}, medians of ${ROUNDS} rounds\n`,
        '| variant | encode (µs/event) | decodeAll (µs/event) | encode + decode (events/s) | vs clear |',
        '|---|---|---|---|---|',
        ...rows,
      );
    }
    const runs: string[] = [];
    if (ONLY.has('scoring') || ONLY.has('backfill')) {
      const trained = trainBenchModel();
      const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
        'readmission',
        'bench',
        trained.artifact,
      );
      if (ONLY.has('scoring')) {
        const rates = await alternate('scoring', sealing, async (sealed) => {
          const result = await scoringRound(1, root, stored, {
            encounters: ENCOUNTERS,
            batch: BATCH,
            sealing: sealed,
          });
          return result.perSecond;
        });
        runs.push(onOffRow(`stream scoring, 1 process, micro-batch ${fmt(BATCH)}`, rates));
      }
      if (ONLY.has('backfill')) {
        const rates = await alternate('backfill', sealing, async (sealed) => {
          const result = await backfillRun({
            encounters: ENCOUNTERS,
            chunk: CHUNK,
            artifactsRoot: root,
            model: stored,
            sealing: sealed,
          });
          if (result.processed !== result.count)
            throw new Error(`the backfill processed ${result.processed} of ${result.count}`);
          return result.perSecond;
        });
        runs.push(onOffRow(`backfill, chunk ${fmt(CHUNK)}`, rates));
      }
      report.push(
        `\n${fmt(ENCOUNTERS)} synthetic encounters per run (GBDT ${Math.round(trained.artifact.length / 1024)} KiB), runs alternating off/on\n`,
        '| path | off (encounters/s) | on (encounters/s) | off, median | on, median | on / off |',
        '|---|---|---|---|---|---|',
        ...runs,
      );
    }
    console.log(report.join('\n'));
    console.log(`\ncommand: ${command}`);
  } finally {
    await sealing.close();
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
