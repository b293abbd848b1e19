import { EXAMPLE_EVENTS, type EventTypeMap } from '@readmit/contracts';
import type { Stage } from '../../domain/registry-state';
import { evolveModelRows, UNTRAINED } from './evolve';
import type {
  DecisionRowKind,
  ModelDecisionRecord,
  ModelRows,
  ModelVersionRecord,
} from './registry-rows';

const MODEL = 'readmission';
const AT = new Date(EXAMPLE_EVENTS.ModelPromoted.envelope.occurredAt);
const EARLIER = new Date(AT.getTime() - 86_400_000);
const position = { offset: '41' };

function versionRow(
  version: string,
  stage: Stage,
  runId: string | null = `run-${version}`,
): ModelVersionRecord {
  const trained = runId === null ? {} : { runId, algorithm: 'gbdt', registeredAt: EARLIER };
  return { modelName: MODEL, version, stage, stageChangedAt: EARLIER, ...UNTRAINED, ...trained };
}

const rowsOf = (...versions: ModelVersionRecord[]): ModelRows => ({ versions, decision: null });

function event<K extends keyof EventTypeMap>(eventType: K, changes: Partial<EventTypeMap[K]> = {}) {
  return { eventType, event: { ...EXAMPLE_EVENTS[eventType], ...changes } } as {
    readonly eventType: K;
    readonly event: EventTypeMap[K];
  };
}

const stages = (rows: ModelRows) =>
  Object.fromEntries(rows.versions.map((row) => [row.version, row.stage]));
type RegistryEvent = Parameters<typeof evolveModelRows>[1];
const KIND_OF: Record<string, DecisionRowKind> = {
  ModelPromoted: 'promoted',
  ModelRejected: 'rejected',
  ModelRolledBack: 'rolled-back',
  ChallengerAssigned: 'challenger',
};

/** The stages after a decision, and the row that records it. */
function decide(before: ModelRows, decision: RegistryEvent) {
  const after = evolveModelRows(before, decision, position);
  return { stages: stages(after), decision: after.decision };
}

/** Asserts the stages of every version after a decision, and what its row records. */
function expectDecided(
  before: ModelRows,
  decision: RegistryEvent,
  expected: { stages: Record<string, Stage>; recorded: Partial<ModelDecisionRecord> },
) {
  expect(decide(before, decision)).toEqual({
    stages: expected.stages,
    decision: expect.objectContaining(expected.recorded),
  });
}
/** Asserts a decision is void: no version changes, and its row records it as not applied. */
function expectVoid(before: ModelRows, decision: RegistryEvent) {
  const after = evolveModelRows(before, decision, position);
  expect(after.versions).toBe(before.versions);
  expect(after.decision).toMatchObject({ kind: KIND_OF[decision.eventType], applied: false });
}
const row = (rows: ModelRows, version: string) =>
  rows.versions.find((candidate) => candidate.version === version);

describe('evolveModelRows (the registry read model)', () => {
  describe('TrainingCompleted', () => {
    const completed = event('TrainingCompleted');
    const training = completed.event;

    it('registers a new version as a candidate with what its run reported', () => {
      const after = evolveModelRows(rowsOf(versionRow('7', 'champion')), completed, position);
      expect(row(after, '8')).toEqual({
        modelName: MODEL,
        version: '8',
        stage: 'candidate',
        stageChangedAt: null,
        runId: training.runId,
        algorithm: training.algorithm,
        params: training.params,
        artifactUri: training.artifactUri,
        artifactSha256: training.artifactSha256,
        featureSpecVersion: training.featureSpecVersion,
        threshold: training.threshold,
        metrics: training.metrics,
        subgroupMetrics: training.subgroupMetrics,
        lineage: training.lineage,
        championEvaluation: training.championEvaluation,
        trainingDurationMs: training.durationMs,
        registeredAt: new Date(training.envelope.occurredAt),
      });
      expect(row(after, '7')).toEqual(versionRow('7', 'champion'));
      expect(after.decision).toBeNull();
    });

    it('fills in the training of a version decided before its completion was read, keeping its stage', () => {
      const after = evolveModelRows(rowsOf(versionRow('8', 'champion', null)), completed, position);
      expect(row(after, '8')).toMatchObject({
        stage: 'champion',
        stageChangedAt: EARLIER,
        runId: training.runId,
        artifactSha256: training.artifactSha256,
      });
    });

    it('keeps the first completion of a version: a second one changes nothing', () => {
      const before = rowsOf(versionRow('8', 'candidate', 'run-first'));
      expect(evolveModelRows(before, completed, position)).toBe(before);
    });
  });

  describe('ModelPromoted', () => {
    const promoted = event('ModelPromoted'); // 8 replaces 7

    it('crowns the version and archives the champion it was decided against', () => {
      const before = rowsOf(versionRow('7', 'champion'), versionRow('8', 'candidate'));
      const after = evolveModelRows(before, promoted, position);
      expect(stages(after)).toEqual({ '7': 'archived', '8': 'champion' });
      expect(row(after, '8')?.stageChangedAt).toEqual(AT);
      expect(row(after, '8')?.runId).toBe('run-8');
      expect(after.decision).toEqual({
        eventId: promoted.event.envelope.eventId,
        modelName: MODEL,
        version: '8',
        kind: 'promoted',
        previousVersion: '7',
        mode: 'AUTOMATIC',
        decidedBy: promoted.event.decidedBy,
        reason: promoted.event.reason,
        criteria: promoted.event.criteria,
        applied: true,
        decidedAt: AT,
        logOffset: 41,
      });
    });

    it('is void against a champion that has changed: the versions stay, the decision is recorded as not applied', () => {
      expectVoid(rowsOf(versionRow('6', 'champion'), versionRow('8', 'candidate')), promoted);
    });

    it('gives a version it has not seen trained a row without training', () => {
      const after = evolveModelRows(rowsOf(versionRow('7', 'champion')), promoted, position);
      expect(row(after, '8')).toEqual({
        ...versionRow('8', 'champion', null),
        stageChangedAt: AT,
      });
    });

    it('changes nothing when its decision is already recorded (the event written twice)', () => {
      const once = evolveModelRows(
        rowsOf(versionRow('7', 'champion'), versionRow('8', 'candidate')),
        promoted,
        position,
      );
      expect(evolveModelRows(once, promoted, { offset: '42' })).toBe(once);
    });
  });

  describe('ModelRejected', () => {
    const rejected = event('ModelRejected'); // 9, against champion 8

    it('rejects a candidate', () => {
      const before = rowsOf(versionRow('8', 'champion'), versionRow('9', 'candidate'));
      expectDecided(before, rejected, {
        stages: { '8': 'champion', '9': 'rejected' },
        recorded: {
          kind: 'rejected',
          version: '9',
          previousVersion: '8',
          mode: null,
          applied: true,
        },
      });
    });

    it('rejects the challenger', () => {
      const before = rowsOf(versionRow('8', 'champion'), versionRow('9', 'challenger'));
      expect(stages(evolveModelRows(before, rejected, position))).toMatchObject({
        '9': 'rejected',
      });
    });

    it.each<Stage>(['archived', 'rejected'])('does not apply to a version already %s', (stage) => {
      expectVoid(rowsOf(versionRow('8', 'champion'), versionRow('9', stage)), rejected);
    });

    it('does not apply to the champion', () => {
      expectVoid(rowsOf(versionRow('9', 'champion')), rejected);
    });
  });

  describe('ModelRolledBack', () => {
    const rolledBack = event('ModelRolledBack'); // 9 back to 8

    it('makes the version rolled back to the champion and archives the one left', () => {
      const before = rowsOf(versionRow('8', 'archived'), versionRow('9', 'champion'));
      expectDecided(before, rolledBack, {
        stages: { '8': 'champion', '9': 'archived' },
        recorded: { kind: 'rolled-back', version: '8', previousVersion: '9', applied: true },
      });
      // A rollback is a person's call on no criteria.
      expect(decide(before, rolledBack).decision).toMatchObject({ criteria: [], mode: null });
    });

    it('is void when the version it leaves no longer serves', () => {
      expectVoid(rowsOf(versionRow('8', 'archived'), versionRow('10', 'champion')), rolledBack);
    });
  });

  describe('ChallengerAssigned', () => {
    it('makes a candidate the challenger when there is none', () => {
      const before = rowsOf(versionRow('8', 'champion'), versionRow('10', 'candidate'));
      expectDecided(before, event('ChallengerAssigned'), {
        stages: { '8': 'champion', '10': 'challenger' },
        recorded: { kind: 'challenger', version: '10', previousVersion: null, applied: true },
      });
    });

    it('sends the challenger it replaces back to the candidates', () => {
      const before = rowsOf(
        versionRow('8', 'champion'),
        versionRow('9', 'challenger'),
        versionRow('10', 'candidate'),
      );
      const assigned = event('ChallengerAssigned', { previousChallenger: '9' });
      expect(decide(before, assigned).stages).toEqual({
        '8': 'champion',
        '9': 'candidate',
        '10': 'challenger',
      });
    });

    it('is void against a challenger that has changed', () => {
      const before = rowsOf(versionRow('9', 'challenger'), versionRow('10', 'candidate'));
      expectVoid(before, event('ChallengerAssigned')); // decided against no challenger
    });
  });
});
