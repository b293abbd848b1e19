import {
  DEFAULT_RETRAINING_POLICY,
  INITIAL_RETRAINING_STATE,
  RetrainingPolicy,
  stepRetrainingPolicy,
  type RetrainingDecision,
  type RetrainingPolicyConfig,
  type RetrainingSignal,
} from './retraining-policy';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2024, 0, 1, 8, 0, 0);

const drift = (eventId: string, at: number, severity: 'LOW' | 'MEDIUM' | 'HIGH' = 'MEDIUM') =>
  ({ type: 'DriftDetected', eventId, at, severity }) as const;
const batch = (eventId: string, at: number) => ({ type: 'BatchArrived', eventId, at }) as const;

/** A policy whose every decision is checked to carry a reason. */
function policy(config: Partial<RetrainingPolicyConfig> = {}) {
  const inner = new RetrainingPolicy({ ...DEFAULT_RETRAINING_POLICY, ...config });
  const checked = (decision: RetrainingDecision) => {
    expect(decision.why.length).toBeGreaterThan(10);
    return decision;
  };
  return {
    handle: (signal: RetrainingSignal) => checked(inner.handle(signal)),
    tick: (now: number) => checked(inner.tick(now)),
    get state() {
      return inner.state;
    },
  };
}

/** Requests at T0 + 5 min from one drift, confirmed as run r1 and completed at `completedAt`. */
function afterOneRun(config: Partial<RetrainingPolicyConfig> = {}, completedAt?: number) {
  const retraining = policy(config);
  retraining.handle(drift('d0', T0));
  expect(retraining.tick(T0 + 5 * MINUTE)).toMatchObject({ kind: 'request', triggeredBy: ['d0'] });
  retraining.handle({ type: 'TrainingRequested', runId: 'r1', at: T0 + 5 * MINUTE + SECOND });
  if (completedAt !== undefined) {
    expect(retraining.handle({ type: 'TrainingCompleted', runId: 'r1', at: completedAt })).toEqual({
      kind: 'ignore',
      why: 'run r1 completed; nothing to retrain for',
    });
  }
  return retraining;
}

const REQUESTED_AT = T0 + 5 * MINUTE;

describe('RetrainingPolicy: debounce', () => {
  it('turns a storm of 50 drift signals within a minute into exactly one request', () => {
    const retraining = policy();
    const ids = Array.from({ length: 50 }, (_, index) => `drift-${index}`);
    const decisions = ids.map((id, index) =>
      retraining.handle(drift(id, T0 + index * SECOND, index === 30 ? 'HIGH' : 'MEDIUM')),
    );
    // Each one waits for the end of the debounce, counted from the first.
    for (const decision of decisions) {
      expect(decision).toMatchObject({ kind: 'wait', until: T0 + 5 * MINUTE });
    }
    expect(decisions[49].why).toBe(
      'MEDIUM drift drift-49 gathered; gathering signals for 5 min after 2024-01-01T08:00:00.000Z; ' +
        '50 drift signal(s), worst HIGH so far',
    );
    expect(retraining.tick(T0 + 4 * MINUTE)).toMatchObject({
      kind: 'wait',
      until: T0 + 5 * MINUTE,
    });

    const requests = [T0 + 5 * MINUTE, T0 + 6 * MINUTE, T0 + 10 * MINUTE]
      .map((now) => retraining.tick(now))
      .filter((decision) => decision.kind === 'request');
    expect(requests).toEqual([
      {
        kind: 'request',
        reason: 'DRIFT_DETECTED',
        triggeredBy: ids,
        why: 'retrain for 50 drift signal(s), worst HIGH',
      },
    ]);
  });

  it('requests at once when the debounce is zero and nothing holds it back', () => {
    const retraining = policy({ debounceMs: 0 });
    expect(retraining.handle(batch('b1', T0))).toMatchObject({
      kind: 'request',
      reason: 'BATCH_ARRIVED',
      triggeredBy: ['b1'],
    });
  });
});

describe('RetrainingPolicy: cooldown', () => {
  it('holds signals until the cooldown after the last request ends, then requests them all', () => {
    const retraining = afterOneRun({}, REQUESTED_AT + 20 * MINUTE);
    expect(retraining.handle(drift('d1', REQUESTED_AT + 30 * MINUTE))).toEqual({
      kind: 'wait',
      until: REQUESTED_AT + HOUR,
      why:
        'MEDIUM drift d1 gathered; cooling down for 1 h after the request at 2024-01-01T08:05:00.000Z; ' +
        '1 drift signal(s), worst MEDIUM so far',
    });
    expect(retraining.handle(batch('b1', REQUESTED_AT + 40 * MINUTE))).toMatchObject({
      kind: 'wait',
      until: REQUESTED_AT + HOUR,
    });
    expect(retraining.tick(REQUESTED_AT + HOUR - 1)).toMatchObject({ kind: 'wait' });
    expect(retraining.tick(REQUESTED_AT + HOUR)).toEqual({
      kind: 'request',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['d1', 'b1'],
      why: 'retrain for 1 drift signal(s), worst MEDIUM and 1 batch(es)',
    });
  });

  it('lets HIGH drift shorten the cooldown, if configured', () => {
    const signal = drift('d1', REQUESTED_AT + 12 * MINUTE, 'HIGH');
    // Default: a 10-minute cooldown for HIGH drift, so only the debounce holds it.
    const shortened = afterOneRun({}, REQUESTED_AT + 11 * MINUTE);
    expect(shortened.handle(signal)).toMatchObject({
      kind: 'wait',
      until: REQUESTED_AT + 17 * MINUTE,
    });
    expect(shortened.tick(REQUESTED_AT + 17 * MINUTE)).toMatchObject({ kind: 'request' });

    const waitsLikeTheRest = afterOneRun({ highSeverityCooldownMs: null }, REQUESTED_AT + MINUTE);
    expect(waitsLikeTheRest.handle(signal)).toMatchObject({ until: REQUESTED_AT + HOUR });

    const bypassed = afterOneRun({ highSeverityCooldownMs: 0 }, REQUESTED_AT + MINUTE);
    expect(bypassed.handle(drift('d1', REQUESTED_AT + 2 * MINUTE, 'HIGH'))).toMatchObject({
      kind: 'wait',
      until: REQUESTED_AT + 7 * MINUTE,
    });
    // MEDIUM drift does not get the exception.
    const medium = afterOneRun({ highSeverityCooldownMs: 0 }, REQUESTED_AT + MINUTE);
    expect(medium.handle(drift('d1', REQUESTED_AT + 12 * MINUTE))).toMatchObject({
      until: REQUESTED_AT + HOUR,
    });
  });
});

describe('RetrainingPolicy: one run in flight', () => {
  it('gathers signals during a run and requests them when it completes', () => {
    const retraining = afterOneRun();
    const during = retraining.handle(drift('d1', REQUESTED_AT + 70 * MINUTE));
    expect(during).toEqual({
      kind: 'wait',
      until: REQUESTED_AT + 2 * HOUR,
      why: 'MEDIUM drift d1 gathered; run r1 is in flight; 1 drift signal(s), worst MEDIUM held for after it',
    });
    expect(retraining.tick(REQUESTED_AT + 80 * MINUTE)).toMatchObject({ kind: 'wait' });
    // Past cooldown and debounce: the completion releases the request at once.
    expect(
      retraining.handle({ type: 'TrainingCompleted', runId: 'r1', at: REQUESTED_AT + 90 * MINUTE }),
    ).toEqual({
      kind: 'request',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['d1'],
      why: 'run r1 completed; retrain for 1 drift signal(s), worst MEDIUM',
    });
  });

  it('is in flight from its own request, before the run confirms it', () => {
    const retraining = policy({ debounceMs: 0, cooldownMs: 0 });
    expect(retraining.handle(batch('b1', T0))).toMatchObject({ kind: 'request' });
    expect(retraining.handle(batch('b2', T0 + SECOND))).toMatchObject({
      kind: 'wait',
      why: 'batch b2 gathered; the requested run is in flight; 1 batch(es) held for after it',
    });
    expect(
      retraining.handle({ type: 'TrainingRequested', runId: 'r1', at: T0 + 2 * SECOND }),
    ).toEqual({ kind: 'ignore', why: 'run r1 started, as requested' });
    expect(
      retraining.handle({ type: 'TrainingCompleted', runId: 'r1', at: T0 + 3 * SECOND }),
    ).toMatchObject({ kind: 'request', triggeredBy: ['b2'] });
  });

  it("counts someone else's run (a manual one) as in flight and as a request", () => {
    const retraining = policy();
    expect(retraining.handle({ type: 'TrainingRequested', runId: 'manual', at: T0 })).toEqual({
      kind: 'ignore',
      why: 'run manual started by someone else; nothing to retrain for',
    });
    expect(retraining.handle(drift('d1', T0 + MINUTE))).toMatchObject({
      kind: 'wait',
      until: T0 + 2 * HOUR,
    });
    // Completed after 30 minutes: the cooldown runs from the manual request.
    expect(
      retraining.handle({ type: 'TrainingCompleted', runId: 'manual', at: T0 + 30 * MINUTE }),
    ).toMatchObject({ kind: 'wait', until: T0 + HOUR });
  });

  it('retries the triggers of a retriable failure after the cooldown, and drops a final one', () => {
    const retriable = afterOneRun();
    expect(
      retriable.handle({
        type: 'TrainingFailed',
        runId: 'r1',
        at: REQUESTED_AT + 10 * MINUTE,
        retriable: true,
      }),
    ).toEqual({
      kind: 'wait',
      until: REQUESTED_AT + HOUR,
      why:
        'run r1 failed; its 1 trigger(s) wait for a retry; cooling down for 1 h after the request at ' +
        '2024-01-01T08:05:00.000Z; 1 drift signal(s), worst MEDIUM so far',
    });
    expect(retriable.tick(REQUESTED_AT + HOUR)).toMatchObject({
      kind: 'request',
      triggeredBy: ['d0'],
    });

    const final = afterOneRun();
    expect(
      final.handle({
        type: 'TrainingFailed',
        runId: 'r1',
        at: REQUESTED_AT + MINUTE,
        retriable: false,
      }),
    ).toEqual({
      kind: 'ignore',
      why: 'run r1 failed for good; its 1 trigger(s) dropped; nothing to retrain for',
    });
  });

  it('presumes a silent run lost after the timeout, and retries its triggers', () => {
    const retraining = afterOneRun();
    retraining.handle(batch('b1', REQUESTED_AT + 30 * MINUTE));
    expect(retraining.tick(REQUESTED_AT + 2 * HOUR - 1)).toMatchObject({ kind: 'wait' });
    expect(retraining.tick(REQUESTED_AT + 2 * HOUR)).toEqual({
      kind: 'request',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['d0', 'b1'],
      why:
        'run r1 presumed lost after 2 h without an outcome; ' +
        'retrain for 1 drift signal(s), worst MEDIUM and 1 batch(es)',
    });
    // A late outcome of the lost run changes nothing.
    expect(
      retraining.handle({ type: 'TrainingCompleted', runId: 'r1', at: REQUESTED_AT + 3 * HOUR }),
    ).toEqual({ kind: 'ignore', why: 'run r1 is not one in flight' });
  });
});

describe('RetrainingPolicy: batches and noise', () => {
  it('retrains every Nth batch, and on drift whatever the batch count', () => {
    const retraining = policy({ batchesPerRetrain: 3 });
    expect(retraining.handle(batch('b1', T0))).toEqual({
      kind: 'ignore',
      why: 'batch b1 kept: 1 of the 3 batches that retrain',
    });
    expect(retraining.handle(batch('b2', T0 + HOUR))).toMatchObject({ kind: 'ignore' });
    expect(retraining.tick(T0 + 2 * HOUR)).toEqual({
      kind: 'ignore',
      why: '2 of the 3 batches that retrain so far',
    });
    expect(retraining.handle(batch('b3', T0 + 3 * HOUR))).toMatchObject({
      kind: 'wait',
      until: T0 + 3 * HOUR + 5 * MINUTE,
    });
    expect(retraining.tick(T0 + 3 * HOUR + 5 * MINUTE)).toEqual({
      kind: 'request',
      reason: 'BATCH_ARRIVED',
      triggeredBy: ['b1', 'b2', 'b3'],
      why: 'retrain for 3 batch(es)',
    });

    const onDrift = policy({ batchesPerRetrain: 3 });
    onDrift.handle(batch('b1', T0));
    onDrift.handle(drift('d1', T0 + MINUTE, 'LOW'));
    expect(onDrift.tick(T0 + 6 * MINUTE)).toMatchObject({
      kind: 'request',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['b1', 'd1'],
    });
  });

  it('ignores redeliveries and drift below the configured severity', () => {
    const retraining = policy({ minimumDriftSeverity: 'MEDIUM' });
    expect(retraining.handle(drift('d1', T0, 'LOW'))).toEqual({
      kind: 'ignore',
      why: 'LOW drift d1 is below the MEDIUM that retrains',
    });
    retraining.handle(drift('d2', T0));
    expect(retraining.handle(drift('d2', T0 + SECOND))).toEqual({
      kind: 'ignore',
      why: 'd2 is already counted (a redelivery)',
    });
    expect(retraining.tick(T0 + 5 * MINUTE)).toMatchObject({ triggeredBy: ['d2'] });
    // Still in flight: a redelivery of a trigger of the running request is not counted again.
    expect(retraining.handle(drift('d2', T0 + 6 * MINUTE))).toMatchObject({ kind: 'ignore' });
  });

  it('is deterministic and its clock never goes back', () => {
    const signals: RetrainingSignal[] = [
      drift('d1', T0),
      batch('b1', T0 + MINUTE),
      // Late event time: handled at the latest time seen, so the debounce is not rewound.
      batch('b2', T0 - HOUR),
      { type: 'Tick', at: T0 + 5 * MINUTE },
      { type: 'TrainingRequested', runId: 'r1', at: T0 + 6 * MINUTE },
      drift('d3', T0 + 7 * MINUTE, 'HIGH'),
      { type: 'TrainingCompleted', runId: 'r1', at: T0 + 10 * MINUTE },
      { type: 'Tick', at: T0 + 25 * MINUTE },
    ];
    const replay = () => {
      let state = INITIAL_RETRAINING_STATE;
      return signals.map((signal) => {
        const step = stepRetrainingPolicy(state, signal);
        state = step.state;
        return step.decision;
      });
    };
    const decisions = replay();
    expect(replay()).toEqual(decisions);
    expect(decisions.map((decision) => decision.kind)).toEqual([
      'wait',
      'wait',
      'wait',
      'request',
      'ignore',
      'wait',
      'wait',
      'request',
    ]);
    expect(decisions[2]).toMatchObject({ until: T0 + 5 * MINUTE });
    expect(decisions[3]).toMatchObject({ triggeredBy: ['d1', 'b1', 'b2'] });
    // HIGH drift: debounce to T0 + 12 min, its 10-minute cooldown to T0 + 15 min.
    expect(decisions[6]).toMatchObject({ until: T0 + 15 * MINUTE });
    expect(decisions[7]).toMatchObject({ triggeredBy: ['d3'], reason: 'DRIFT_DETECTED' });
    // The state is plain data: it survives JSON (to be kept by the caller).
    const state = signals.reduce(
      (current, signal) => stepRetrainingPolicy(current, signal).state,
      INITIAL_RETRAINING_STATE,
    );
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('refuses a nonsensical configuration', () => {
    expect(
      () => new RetrainingPolicy({ ...DEFAULT_RETRAINING_POLICY, batchesPerRetrain: 0 }),
    ).toThrow(/batchesPerRetrain/);
    expect(() => new RetrainingPolicy({ ...DEFAULT_RETRAINING_POLICY, cooldownMs: -1 })).toThrow(
      /cooldownMs/,
    );
    expect(() => new RetrainingPolicy({ ...DEFAULT_RETRAINING_POLICY, runTimeoutMs: 0 })).toThrow(
      /runTimeoutMs/,
    );
  });
});
