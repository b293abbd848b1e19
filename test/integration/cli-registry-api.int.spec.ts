import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type AuditRecorded,
  type ModelPromoted,
  type TrainingCompleted,
} from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { apiKeysEnv, testApiKey } from '../support/api-keys';
import { smallModelArtifact } from '../support/artifacts';
import { PROJECT_ROOT, testEndpoints, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../support/kafka';
import { ServiceStarter } from '../support/service-starter';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { RegistryModule } from '../../services/registry/src/registry.module';

const OPERATOR = testApiKey('dr.lee', ['operate']);
const READER = testApiKey('analyst', ['read']);

/** `readmit models … --api`: decisions through the registry's REST API, as the key's principal. */
describe('readmit models through the registry API', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  let registry: INestApplication;
  let api: string;

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [TOPICS.training, TOPICS.models, TOPICS.audit],
      ['TrainingCompleted', 'AuditRecorded'],
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-cli-api-'));
    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_OBJECT_STORE_ROOT: root, READMIT_API_KEYS: apiKeysEnv(OPERATOR, READER) },
    });
    registry = await services.start(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('cliapi').replace(/-/g, '_'),
        READMIT_ORCHESTRATOR_ENABLED: 'false',
        // A person decides: the registry records candidates but promotes none by itself.
        READMIT_PROMOTION_MODE: 'manual',
      },
    );
    api = `http://127.0.0.1:${(registry.getHttpServer().address() as AddressInfo).port}`;
    const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
    const stored = await artifacts.save(
      'readmission',
      'v1',
      smallModelArtifact('readmission', 'v1'),
    );
    const completed: TrainingCompleted = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
      runId: 'run-v1',
      modelVersion: 'v1',
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      metrics: { roc_auc: 0.66, brier: 0.2 },
      championEvaluation: null,
    };
    await streams.publisher.publish('TrainingCompleted', completed.runId, completed);
  });

  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /**
   * The CLI as a child process, awaited without blocking: the registry answers from this process,
   * so a synchronous spawn would leave its requests waiting.
   */
  const readmit = (key: string | undefined, ...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
      const child = spawn(
        process.execPath,
        [
          join(PROJECT_ROOT, 'bin', 'readmit.js'),
          ...args,
          '--prefix',
          streams.prefix,
          '--api',
          api,
          '--brokers',
          kafkaBrokers.join(','),
          '--registry',
          schemaRegistryUrl,
        ],
        { cwd: PROJECT_ROOT, env: { ...process.env, READMIT_API_KEY: key ?? '' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('refuses without a key, a key lacking operate, and a self-declared --by', async () => {
    const noKey = await readmit(undefined, 'models', 'promote', 'v1', '--reason', 'reviewed');
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toMatch(/needs an API key with the operate role in READMIT_API_KEY/);

    const reader = await readmit(READER.key, 'models', 'promote', 'v1', '--reason', 'reviewed');
    expect(reader.status).toBe(1);
    expect(reader.stderr).toMatch(/the registry answered 403: this route needs the operate role/);
    expect(reader.stderr).not.toContain(READER.key);

    const selfDeclared = await readmit(
      OPERATOR.key,
      'models',
      'promote',
      'v1',
      '--reason',
      'x',
      '--by',
      'someone',
    );
    expect(selfDeclared.status).toBe(1);
    expect(selfDeclared.stderr).toMatch(/--by is not taken with --api/);
  });

  it('promotes as the key’s principal, recorded on the decision and in the audit trail', async () => {
    const promoted = await readmit(OPERATOR.key, 'models', 'promote', 'v1', '--reason', 'reviewed');
    expect(promoted.stderr).toBe('');
    expect(promoted.stdout).toMatch(/^readmission v1 is champion \(was none\)$/m);

    const decisions = await watchEvents<ModelPromoted>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.models, streams.prefix),
      ['ModelPromoted'],
    );
    const audit = await watchEvents<AuditRecorded>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.audit, streams.prefix),
    );
    try {
      const deadline = Date.now() + 20_000;
      while (
        (decisions.events.length < 1 ||
          !audit.events.some((record) => record.outcome === 'succeeded')) &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(decisions.events.map((event) => [event.version, event.decidedBy])).toEqual([
        ['v1', 'dr.lee'],
      ]);
      const byOutcome = audit.events.map((record) => [
        record.principal,
        record.outcome,
        record.status,
      ]);
      expect(byOutcome).toEqual(
        expect.arrayContaining([
          ['analyst', 'refused', 403],
          ['dr.lee', 'succeeded', 200],
        ]),
      );
      expect(audit.events.find((record) => record.outcome === 'succeeded')?.action).toBe(
        'POST /v1/models/:name/versions/:version/promote',
      );
    } finally {
      await decisions.stop();
      await audit.stop();
    }
  });
});
