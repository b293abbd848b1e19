import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { ServingPointers, type ModelDecisionEvent } from '@readmit/ml';
import {
  awaitsDecision,
  evolve,
  foldRegistry,
  EMPTY_REGISTRY,
  type RegistryEvent,
} from './registry-state';

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
const promoted = (version: string, previousVersion: string | null, at: number) =>
  ({
    eventType: 'ModelPromoted',
    event: {
      ...EXAMPLE_EVENTS.ModelPromoted,
      envelope: envelope(at),
      modelName: 'readmission',
      version,
      previousVersion,
      artifactUri: `file:///models/${version}`,
      reason: `promote ${version}`,
    },
  }) satisfies ModelDecisionEvent;
const rejected = (version: string, at: number) =>
  ({
    eventType: 'ModelRejected',
    event: {
      ...EXAMPLE_EVENTS.ModelRejected,
      envelope: envelope(at),
      modelName: 'readmission',
      version,
      reason: 'failed holdout_auc_margin',
    },
  }) satisfies ModelDecisionEvent;
const rolledBack = (fromVersion: string, toVersion: string, at: number) =>
  ({
    eventType: 'ModelRolledBack',
    event: {
      ...EXAMPLE_EVENTS.ModelRolledBack,
      envelope: envelope(at),
      modelName: 'readmission',
      fromVersion,
      toVersion,
      artifactUri: `file:///models/${toVersion}`,
      reason: 'alerts after release',
    },
  }) satisfies ModelDecisionEvent;
const challenged = (version: string, previousChallenger: string | null, at: number) =>
  ({
    eventType: 'ChallengerAssigned',
    event: {
      ...EXAMPLE_EVENTS.ChallengerAssigned,
      envelope: envelope(at),
      modelName: 'readmission',
      version,
      previousChallenger,
      artifactUri: `file:///models/${version}`,
    },
  }) satisfies ModelDecisionEvent;

describe('the registry as a fold of events', () => {
  const events: RegistryEvent[] = [
    trained('v1', 1),
    promoted('v1', null, 2),
    trained('v2', 3),
    rejected('v2', 4),
    trained('v3', 5),
    promoted('v3', 'v1', 6),
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
      foldRegistry([
        ...events,
        promoted('v1', 'v1', 8),
        rolledBack('v3', 'v1', 9),
        trained('v2', 10),
      ]),
    ).toEqual(state);
    expect(evolve(EMPTY_REGISTRY, promoted('v9', null, 1))).toBe(EMPTY_REGISTRY);
    expect(evolve(state, rejected('v1', 11))).toBe(state); // the champion is not rejected
    expect(evolve(state, rejected('v3', 11))).toBe(state); // nor an archived version
  });

  it('voids a decision made against a champion that has since changed: racing deciders cannot both win', () => {
    const racing = foldRegistry([
      trained('v1', 1),
      trained('v2', 2),
      trained('v3', 3),
      promoted('v1', null, 4),
      promoted('v2', 'v1', 5),
      promoted('v3', 'v1', 6), // decided before v2's promotion was seen
    ]).get('readmission');
    expect(racing?.champion).toBe('v2');
    expect(racing?.versions.get('v3')?.stage).toBe('candidate');
    expect(
      [...(racing?.versions.values() ?? [])].filter((version) => version.stage === 'champion'),
    ).toHaveLength(1);
  });

  it('keeps one challenger: a new one sends the old back to candidate, promotion or rejection frees the slot', () => {
    const base = [
      trained('v1', 1),
      trained('v2', 2),
      trained('v3', 3),
      promoted('v1', null, 4),
      challenged('v2', null, 5),
    ];
    const withChallenger = foldRegistry(base).get('readmission');
    expect(withChallenger?.challenger).toBe('v2');
    expect(withChallenger?.versions.get('v2')?.stage).toBe('challenger');

    const replaced = foldRegistry([...base, challenged('v3', 'v2', 6)]).get('readmission');
    expect(replaced?.challenger).toBe('v3');
    expect(replaced?.versions.get('v2')?.stage).toBe('candidate');
    expect(replaced?.versions.get('v2')?.decisions.at(-1)?.kind).toBe('challenger-replaced');

    const promotedChallenger = foldRegistry([...base, promoted('v2', 'v1', 6)]).get('readmission');
    expect(promotedChallenger).toMatchObject({ champion: 'v2', challenger: null });

    const rejectedChallenger = foldRegistry([...base, rejected('v2', 6)]).get('readmission');
    expect(rejectedChallenger).toMatchObject({ champion: 'v1', challenger: null });
    expect(rejectedChallenger?.versions.get('v2')?.stage).toBe('rejected');

    // The champion cannot be challenger; a stale assignment is void.
    expect(foldRegistry([...base, challenged('v1', 'v2', 6)]).get('readmission')?.challenger).toBe(
      'v2',
    );
    expect(foldRegistry([...base, challenged('v3', null, 6)]).get('readmission')?.challenger).toBe(
      'v2',
    );
  });

  it('folds training completions before decisions, whatever their interleaving', () => {
    const [first, ...rest] = events;
    expect(foldRegistry([...rest.slice(0, 1), first, ...rest.slice(1)])).toEqual(state);
  });
});

describe('a second TrainingCompleted for a version (the same run trained twice)', () => {
  const again = (version: string, at: number): RegistryEvent => {
    const first = trained(version, at);
    if (first.eventType !== 'TrainingCompleted') throw new Error('not a training completion');
    // A second training of the same run: same version, another artifact and other metrics.
    return {
      eventType: 'TrainingCompleted',
      event: {
        ...first.event,
        artifactSha256: 'f'.repeat(64),
        metrics: { ...first.event.metrics, roc_auc: 0.51 },
      },
    };
  };

  it('registers nothing: the first completion of a version stays the one judged', () => {
    const once = foldRegistry([trained('v1', 1)]);
    expect(evolve(once, again('v1', 2))).toBe(once);
    expect(foldRegistry([trained('v1', 1), again('v1', 2)])).toEqual(once);
  });

  it('asks for no decision once the version is decided, whatever became of it since', () => {
    const stageOf = (log: RegistryEvent[], version: string) => {
      const found = foldRegistry([...log, again(version, 99)])
        .get('readmission')
        ?.versions.get(version);
      if (!found) throw new Error(`${version} is not registered`);
      return found;
    };
    const v1Promoted = [trained('v1', 1), promoted('v1', null, 2)];
    // Not decided yet: the policy owes it a decision, and the second completion does not change that.
    expect(awaitsDecision(stageOf([trained('v1', 1)], 'v1'))).toBe(true);
    for (const [what, log, version] of [
      ['promoted', v1Promoted, 'v1'],
      ['rejected', [...v1Promoted, trained('v2', 3), rejected('v2', 4)], 'v2'],
      ['challenger', [...v1Promoted, trained('v2', 3), challenged('v2', null, 4)], 'v2'],
      [
        'challenger replaced, back to candidate',
        [
          ...v1Promoted,
          trained('v2', 3),
          trained('v3', 4),
          challenged('v2', null, 5),
          challenged('v3', 'v2', 6),
        ],
        'v2',
      ],
      ['archived', [...v1Promoted, trained('v2', 3), promoted('v2', 'v1', 4)], 'v1'],
    ] as const) {
      const decided = stageOf([...log], version);
      expect({ what, awaits: awaitsDecision(decided) }).toEqual({ what, awaits: false });
    }
  });
});

describe('serving pointers from ml.models alone', () => {
  it('follow the champion and challenger with their artifacts, under the registry rules', () => {
    const pointers = new ServingPointers();
    expect(pointers.apply(promoted('v1', null, 1))).toBe(true);
    expect(pointers.apply(promoted('v2', null, 2))).toBe(false); // stale: v1 is champion
    expect(pointers.apply(challenged('v3', null, 3))).toBe(true);
    expect(pointers.of('readmission')).toMatchObject({
      champion: { version: 'v1', artifactUri: 'file:///models/v1' },
      challenger: { version: 'v3', artifactUri: 'file:///models/v3' },
    });
    expect(pointers.apply(promoted('v3', 'v1', 4))).toBe(true);
    expect(pointers.of('readmission')).toMatchObject({
      champion: { version: 'v3' },
      challenger: null,
    });
    expect(pointers.apply(rolledBack('v3', 'v1', 5))).toBe(true);
    expect(pointers.of('readmission').champion).toMatchObject({
      version: 'v1',
      artifactUri: 'file:///models/v1',
    });
    expect(pointers.of('other')).toEqual({ champion: null, challenger: null });
  });

  it('agree with the registry fold on every decision', () => {
    const decisions: ModelDecisionEvent[] = [
      promoted('v1', null, 1),
      challenged('v2', null, 2),
      promoted('v3', null, 3),
      rejected('v2', 4),
      promoted('v3', 'v1', 5),
      rolledBack('v3', 'v1', 6),
      challenged('v3', null, 7),
    ];
    const pointers = new ServingPointers();
    for (const decision of decisions) pointers.apply(decision);
    const history = foldRegistry([
      trained('v1', 0),
      trained('v2', 0),
      trained('v3', 0),
      ...decisions,
    ]).get('readmission');
    expect(pointers.of('readmission').champion?.version ?? null).toBe(history?.champion);
    expect(pointers.of('readmission').challenger?.version ?? null).toBe(history?.challenger);
  });
});
