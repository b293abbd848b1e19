import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { evolve, foldRegistry, EMPTY_REGISTRY, type RegistryEvent } from './registry-state';

const envelope = (occurredAt: number) => ({
  ...EXAMPLE_EVENTS.TrainingCompleted.envelope,
  occurredAt,
});

const trained = (version: string, at: number): RegistryEvent => ({
  eventType: 'TrainingCompleted',
  event: {
    ...EXAMPLE_EVENTS.TrainingCompleted,
    envelope: envelope(at),
    modelName: 'readmission',
    modelVersion: version,
  },
});
const promoted = (version: string, at: number): RegistryEvent => ({
  eventType: 'ModelPromoted',
  event: {
    ...EXAMPLE_EVENTS.ModelPromoted,
    envelope: envelope(at),
    modelName: 'readmission',
    version,
    reason: `promote ${version}`,
  },
});
const rejected = (version: string, at: number): RegistryEvent => ({
  eventType: 'ModelRejected',
  event: {
    ...EXAMPLE_EVENTS.ModelRejected,
    envelope: envelope(at),
    modelName: 'readmission',
    version,
    reason: 'failed holdout_auc_margin',
  },
});
const rolledBack = (fromVersion: string, toVersion: string, at: number): RegistryEvent => ({
  eventType: 'ModelRolledBack',
  event: {
    ...EXAMPLE_EVENTS.ModelRolledBack,
    envelope: envelope(at),
    modelName: 'readmission',
    fromVersion,
    toVersion,
    reason: 'alerts after release',
  },
});

describe('the registry as a fold of events', () => {
  const events = [
    trained('v1', 1),
    promoted('v1', 2),
    trained('v2', 3),
    rejected('v2', 4),
    trained('v3', 5),
    promoted('v3', 6),
    rolledBack('v3', 'v1', 7),
  ];
  const state = foldRegistry(events);
  const history = state.get('readmission');

  it('keeps every version with its stage, and one champion', () => {
    expect(history?.champion).toBe('v1');
    expect(
      [...(history?.versions.values() ?? [])].map((version) => [version.version, version.stage]),
    ).toEqual([
      ['v1', 'champion'],
      ['v2', 'rejected'],
      ['v3', 'archived'],
    ]);
    expect(history?.versions.get('v1')?.training.modelVersion).toBe('v1');
  });

  it('records who decided what and why, in order', () => {
    expect(
      history?.versions.get('v1')?.decisions.map((decision) => [decision.kind, decision.at]),
    ).toEqual([
      ['promoted', 2],
      ['archived', 6],
      ['rolled-back-to', 7],
    ]);
    expect(history?.versions.get('v2')?.decisions[0]).toMatchObject({
      kind: 'rejected',
      reason: 'failed holdout_auc_margin',
    });
    expect(history?.versions.get('v3')?.decisions.map((decision) => decision.kind)).toEqual([
      'promoted',
      'rolled-back-from',
    ]);
  });

  it('is unchanged by repeated events (promotion and rollback are idempotent) and by events about unknown versions', () => {
    expect(
      foldRegistry([...events, promoted('v1', 8), rolledBack('v3', 'v1', 9), trained('v2', 10)]),
    ).toEqual(state);
    expect(evolve(EMPTY_REGISTRY, promoted('v9', 1))).toBe(EMPTY_REGISTRY);
    expect(evolve(state, rejected('v1', 11))).toBe(state); // only candidates are rejected
  });

  it('replays to the same state from the same log', () => {
    expect(foldRegistry(events)).toEqual(state);
  });
});
