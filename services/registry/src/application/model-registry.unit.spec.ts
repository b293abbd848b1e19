import { EXAMPLE_EVENTS, type TrainingCompleted } from '@readmit/contracts';
import type { EventPublisher } from '@readmit/platform/kafka';
import type { ModelArtifactStore } from '@readmit/platform/storage';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { DEFAULT_PROMOTION_POLICY } from '../domain/promotion-policy';
import { foldRegistry, type RegistryEvent } from '../domain/registry-state';
import { ModelRegistry } from './model-registry';

const completion = (
  runId: string,
  changes: Partial<TrainingCompleted> = {},
): TrainingCompleted => ({
  ...EXAMPLE_EVENTS.TrainingCompleted,
  runId,
  modelName: 'readmission',
  modelVersion: 'v1',
  ...changes,
});

/**
 * The registry over an in-memory log: what it publishes is appended and read back by the next
 * decision, as ml.training and ml.models are. The artifact store holds nothing, so no artifact
 * verifies and the policy rejects every candidate: a decision all the same.
 */
function registryOverLog(log: RegistryEvent[]) {
  const published: RegistryEvent[] = [];
  const publisher = {
    publish: async (eventType: string, _key: string, event: unknown) => {
      const decision = { eventType, event } as RegistryEvent;
      published.push(decision);
      log.push(decision);
      return [];
    },
  };
  const artifacts = {
    load: async () => {
      throw new Error('no such artifact');
    },
  };
  // The advisory lock is Postgres's business; here one decision runs at a time anyway.
  const lockDatabase = {
    transaction: <T>(work: (manager: { query: () => Promise<unknown[]> }) => Promise<T>) =>
      work({ query: async () => [] }),
  };
  const registry = new ModelRegistry(
    async () => foldRegistry(log),
    publisher as unknown as EventPublisher,
    artifacts as unknown as ModelArtifactStore,
    lockDatabase as unknown as DataSource,
    pino({ level: 'silent' }),
    { topicPrefix: '', policy: DEFAULT_PROMOTION_POLICY, producer: 'registry-test' },
  );
  return { registry, published };
}

describe('the registry given a second TrainingCompleted for a version', () => {
  it('decides once: the second completion of the same run publishes nothing', async () => {
    const first = completion('run-1');
    // The same run trained twice: the same version, other bytes.
    const second = completion('run-1', { artifactSha256: 'f'.repeat(64) });
    const log: RegistryEvent[] = [
      { eventType: 'TrainingCompleted', event: first },
      { eventType: 'TrainingCompleted', event: second },
    ];
    const { registry, published } = registryOverLog(log);

    expect(await registry.decideOnTraining(first)).toMatchObject({ kind: 'rejected' });
    expect(await registry.decideOnTraining(second)).toEqual({
      kind: 'unchanged',
      modelName: 'readmission',
      version: 'v1',
      reason: 'already decided (rejected)',
    });
    expect(await registry.decideOnTraining(first)).toMatchObject({ kind: 'unchanged' });
    expect(published.map(({ eventType }) => eventType)).toEqual(['ModelRejected']);
  });

  it('leaves a promoted version alone: no second promotion, no rejection', async () => {
    const first = completion('run-1');
    const log: RegistryEvent[] = [
      { eventType: 'TrainingCompleted', event: first },
      {
        eventType: 'ModelPromoted',
        event: {
          ...EXAMPLE_EVENTS.ModelPromoted,
          modelName: 'readmission',
          version: 'v1',
          previousVersion: null,
        },
      },
    ];
    const { registry, published } = registryOverLog(log);

    expect(await registry.decideOnTraining(completion('run-1'))).toMatchObject({
      kind: 'unchanged',
      reason: 'already decided (champion)',
    });
    expect(published).toEqual([]);
  });
});
