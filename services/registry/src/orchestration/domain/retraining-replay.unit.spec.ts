import type { Envelope } from '@readmit/contracts';
import { replayOrder } from './replay-order';
import type { LoggedSignal, RetrainingEntry } from './retraining-entry';
import {
  DEFAULT_RETRAINING_POLICY,
  RetrainingPolicy,
  type RetrainingPolicyConfig,
} from './retraining-policy';
import { awaitsConfirmation, replayRetraining, stepEntry } from './retraining-replay';

const T0 = Date.UTC(2026, 0, 1);
const s = (seconds: number) => T0 + seconds * 1000;
const CONFIG: RetrainingPolicyConfig = {
  ...DEFAULT_RETRAINING_POLICY,
  debounceMs: 2_000,
  cooldownMs: 10_000,
  highSeverityCooldownMs: null,
};

let offset = 0;
function entry(signal: LoggedSignal, ownRequest: readonly string[] | null = null): RetrainingEntry {
  offset += 1;
  return {
    position: { topic: 't', partition: 0, offset: String(offset) },
    signal,
    envelope: { occurredAt: signal.at } as Envelope,
    ownRequest: ownRequest === null ? null : { triggeredBy: ownRequest },
  };
}
const drift = (id: string, at: number) =>
  entry({ type: 'DriftDetected', eventId: id, at, severity: 'MEDIUM' });
const batch = (id: string, at: number) => entry({ type: 'BatchArrived', eventId: id, at });
const ownRequest = (runId: string, at: number, triggeredBy: string[]) =>
  entry({ type: 'TrainingRequested', runId, at }, triggeredBy);
const completed = (runId: string, at: number) => entry({ type: 'TrainingCompleted', runId, at });

describe('replayRetraining: the state a restarted orchestrator rebuilds', () => {
  it('equals the live state, own request and its triggers included, so nothing is asked twice', () => {
    // Live: a storm, a tick that requests, the echo of the request, then more signals.
    const live = new RetrainingPolicy(CONFIG);
    live.handle(drift('d1', s(0)).signal);
    live.handle(drift('d2', s(0.5)).signal);
    live.handle(batch('b1', s(1)).signal);
    expect(live.tick(s(2.1))).toMatchObject({ kind: 'request', triggeredBy: ['d1', 'd2', 'b1'] });
    live.handle({ type: 'TrainingRequested', runId: 'r1', at: s(2.1) });
    // Stamped before the request, but read after the tick: not one of its triggers.
    live.handle(batch('b2', s(2)).signal);
    live.handle(drift('d3', s(3)).signal);

    const log = [
      [batch('b1', s(1)), batch('b2', s(2))],
      [drift('d1', s(0)), drift('d2', s(0.5)), drift('d3', s(3))],
      [ownRequest('r1', s(2.1), ['d1', 'd2', 'b1'])],
    ];
    const replayed = replayRetraining(replayOrder(log), CONFIG);
    expect(replayed).toMatchObject({ entries: 6, owed: null, mismatches: [] });
    expect(replayed.state).toEqual(live.state);

    // After the restart the policy goes on as it would have: the run's completion, then cooldown.
    const after = new RetrainingPolicy(CONFIG, replayed.state);
    expect(after.handle({ type: 'TrainingCompleted', runId: 'r1', at: s(5) })).toMatchObject({
      kind: 'wait',
      until: s(12.1),
    });
    expect(after.tick(s(12.1))).toMatchObject({ kind: 'request', triggeredBy: ['b2', 'd3'] });
  });

  it('owes a request that fell due while no orchestrator was active', () => {
    const log = [drift('d1', s(0)), batch('b1', s(5))];
    const replayed = replayRetraining(log, CONFIG);
    expect(replayed.owed).toMatchObject({
      kind: 'request',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['d1', 'b1'],
    });
    expect(awaitsConfirmation(replayed.state)).toBe(true);
    // ... and owes nothing once the log shows it was made.
    const confirmed = replayRetraining([...log, ownRequest('r1', s(5.1), ['d1', 'b1'])], CONFIG);
    expect(confirmed.owed).toBe(null);
    expect(confirmed.state.runs).toEqual([
      expect.objectContaining({ runId: 'r1', triggeredBy: [expect.anything(), expect.anything()] }),
    ]);
  });

  it('does not owe what is still within its debounce: the tick after replay handles that', () => {
    const replayed = replayRetraining([drift('d1', s(0))], CONFIG);
    expect(replayed.owed).toBe(null);
    expect(replayed.state.gathered).toHaveLength(1);
  });

  it('takes a completed own run as done and starts the cooldown from its request', () => {
    const replayed = replayRetraining(
      [drift('d1', s(0)), ownRequest('r1', s(2), ['d1']), completed('r1', s(4))],
      CONFIG,
    );
    expect(replayed.state).toMatchObject({ gathered: [], runs: [], lastRequestAt: s(2) });
  });

  it('reports an own request the policy cannot match (its configuration changed since)', () => {
    const replayed = replayRetraining([batch('b1', s(0)), ownRequest('r1', s(3), ['b1'])], {
      ...CONFIG,
      batchesPerRetrain: 3,
    });
    expect(replayed.mismatches).toEqual([
      expect.stringMatching(/^TrainingRequested run r1: the policy had nothing to release/),
    ]);
    // The run still counts as in flight.
    expect(replayed.state.runs).toEqual([expect.objectContaining({ runId: 'r1' })]);
  });
});

describe('stepEntry', () => {
  it('does not absorb the echo of a request the state is waiting for', () => {
    const live = new RetrainingPolicy({ ...CONFIG, debounceMs: 0 });
    live.handle(batch('b1', s(0)).signal);
    const step = stepEntry(live.state, ownRequest('r1', s(1), ['b1']), CONFIG);
    expect(step.absorbed).toBe(null);
    expect(step.decision).toEqual({ kind: 'ignore', why: 'run r1 started, as requested' });
  });

  it("absorbs another instance's request: its triggers go into flight, nothing to act on", () => {
    const live = new RetrainingPolicy(CONFIG);
    live.handle(drift('d1', s(0)).signal);
    const step = stepEntry(live.state, ownRequest('r9', s(0.5), ['d1']), CONFIG);
    expect(step.absorbed).toEqual({
      decision: expect.objectContaining({ kind: 'request', triggeredBy: ['d1'] }),
      mismatch: null,
    });
    expect(step.decision.kind).toBe('ignore');
    expect(step.state.gathered).toEqual([]);
    expect(step.state.runs).toEqual([expect.objectContaining({ runId: 'r9' })]);
  });
});
