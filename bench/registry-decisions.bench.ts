// How long a registry decision takes as the log grows: each decision takes the model's lock,
// replays ml.training and ml.models to their ends, verifies the artifact and publishes.
//   npx tsx bench/registry-decisions.bench.ts [--sizes 100,1000,10000] [--repeats 10]
// Needs the local platform (`./readmit infra up`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_EVENTS, TOPICS, type TrainingCompleted } from '@readmit/contracts';
import { createDataSource } from '@readmit/platform/database';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { DEFAULT_PROMOTION_POLICY } from '@readmit/registry';
import { ModelRegistry } from '../services/registry/src/application/model-registry';
import { readRegistry } from '../services/registry/src/infrastructure/registry-log';
import { smallModelArtifact } from '../test/support/artifacts';
import { testEndpoints } from '../test/support/endpoints';
import { isolatedEventStreams, quietLogger } from '../test/support/kafka';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,10000' },
    repeats: { type: 'string', default: '10' },
  },
});
const SIZES = values.sizes.split(',').map(Number);
const REPEATS = Number(values.repeats);
const MODEL = 'readmission';

const median = (samples: number[]) =>
  [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function measure(size: number) {
  const streams = await isolatedEventStreams(
    [TOPICS.training, TOPICS.models],
    [
      'TrainingCompleted',
      'ModelPromoted',
      'ModelRejected',
      'ModelRolledBack',
      'ChallengerAssigned',
    ],
  );
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-registry-'));
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
  const lock = createDataSource({ url: testEndpoints().databaseUrl });
  await lock.initialize();
  try {
    // size training runs on the log; two of them have real artifacts to promote back and forth.
    const events: OutgoingEvent[] = [];
    for (let index = 0; index < size; index += 1) {
      const version = `v${String(index).padStart(6, '0')}`;
      const stored =
        index < 2
          ? await artifacts.save(MODEL, version, smallModelArtifact(MODEL, version))
          : { uri: `file:///nowhere/${version}`, sha256: '0'.repeat(64) };
      const event: TrainingCompleted = {
        ...EXAMPLE_EVENTS.TrainingCompleted,
        envelope: newEnvelope('TrainingCompleted', { producer: 'bench' }),
        runId: `run-${version}`,
        modelVersion: version,
        artifactUri: stored.uri,
        artifactSha256: stored.sha256,
        championEvaluation: null,
      };
      events.push({ eventType: 'TrainingCompleted', key: event.runId, event });
    }
    for (let start = 0; start < events.length; start += 1000)
      await streams.publisher.publishAll(events.slice(start, start + 1000));

    const read = () => readRegistry(streams.kafka, streams.serde, streams.prefix);
    const registry = new ModelRegistry(read, streams.publisher, artifacts, lock, quietLogger, {
      topicPrefix: streams.prefix,
      policy: DEFAULT_PROMOTION_POLICY,
      producer: 'bench',
    });
    await read(); // warm the schema cache and the broker's metadata
    const replays: number[] = [];
    const decisions: number[] = [];
    for (let round = 0; round < REPEATS; round += 1) {
      replays.push(await timed(read));
      const version = round % 2 === 0 ? 'v000000' : 'v000001';
      decisions.push(
        await timed(() =>
          registry.promote(MODEL, version, { decidedBy: 'bench', reason: 'bench', force: true }),
        ),
      );
    }
    return { size, replayMs: median(replays), decisionMs: median(decisions) };
  } finally {
    await streams.publisher.disconnect();
    await lock.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main() {
  console.log(
    `npx tsx bench/registry-decisions.bench.ts --sizes ${SIZES.join(',')} --repeats ${REPEATS}`,
  );
  const rows = [];
  for (const size of SIZES) {
    const row = await measure(size);
    rows.push(row);
    console.log(
      `${size} training runs on the log: replay + fold ${row.replayMs.toFixed(0)} ms, promotion (lock, replay, verify, publish) ${row.decisionMs.toFixed(0)} ms (medians of ${REPEATS})`,
    );
  }
  const first = rows[0];
  for (const row of rows.slice(1))
    console.log(
      `decision time ${row.size} vs ${first.size} runs: ×${(row.decisionMs / first.decisionMs).toFixed(1)}`,
    );
  process.exit(0);
}

void main();
