// What TLS and SASL/SCRAM-SHA-512 cost: stream scoring and a backfill against a plaintext broker
// and against a broker that takes only TLS + SCRAM clients (with ACLs on; the bench connects
// as its super user), both started here from the local platform's jars, in one run, as a ratio.
//   npx tsx bench/kafka-security.bench.ts [--encounters 30000] [--batch 500] [--chunk 2000]
// Needs the local platform's schema registry (`./readmit infra up`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { KafkaSecurity } from '@readmit/platform/config';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { startDisposableKafka } from '../test/support/disposable-kafka';
import { trainBenchModel } from './support/bench-model';
import {
  measureScoringAndBackfill,
  type ScoringAndBackfillRates,
} from './support/scoring-and-backfill';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '30000' },
    batch: { type: 'string', default: '500' },
    chunk: { type: 'string', default: '2000' },
  },
});
const ENCOUNTERS = Number(values.encounters);
const BATCH = Number(values.batch);
const CHUNK = Number(values.chunk);

async function main() {
  console.log(
    `npx tsx bench/kafka-security.bench.ts --encounters ${ENCOUNTERS} --batch ${BATCH} --chunk ${CHUNK}`,
  );
  const trained = trainBenchModel();
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-security-'));
  const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
    'readmission',
    'bench',
    trained.artifact,
  );
  const model = { root, ...stored };
  const sizes = { encounters: ENCOUNTERS, batch: BATCH, chunk: CHUNK };
  let plain: ScoringAndBackfillRates;
  const plaintext = await startDisposableKafka();
  try {
    plain = await measureScoringAndBackfill(
      'plaintext',
      { brokers: plaintext.brokers, kafka: plaintext.client('bench-plaintext') },
      model,
      sizes,
    );
  } finally {
    await plaintext.destroy();
  }
  const password = randomBytes(18).toString('base64url');
  const secured = await startDisposableKafka({ secureUsers: { admin: password } });
  let secure: ScoringAndBackfillRates;
  try {
    const caFile = secured.caFile as string;
    const security: KafkaSecurity = {
      tls: { caFile },
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password },
    };
    secure = await measureScoringAndBackfill(
      'TLS + SCRAM-SHA-512',
      {
        brokers: secured.brokers,
        kafka: secured.client('bench-secure', security),
        fixtureEnv: {
          READMIT_KAFKA_TLS: 'true',
          READMIT_KAFKA_TLS_CA_FILE: caFile,
          READMIT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
          READMIT_KAFKA_SASL_USERNAME: 'admin',
          READMIT_KAFKA_SASL_PASSWORD: password,
        },
      },
      model,
      sizes,
    );
  } finally {
    await secured.destroy();
    rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `TLS + SCRAM / plaintext: stream scoring ×${(secure.scoring / plain.scoring).toFixed(2)}, backfill ×${(secure.backfill / plain.backfill).toFixed(2)}`,
  );
  process.exit(0);
}

void main();
