import {
  INITIAL_RETRAINING_STATE,
  stepRetrainingPolicy,
  type RetrainingDecision,
  type RetrainingPolicyConfig,
  type RetrainingState,
} from './retraining-policy';
import { describeEntry, type RetrainingEntry } from './retraining-entry';

export type RequestDecision = Extract<RetrainingDecision, { readonly kind: 'request' }>;

export interface EntryStep {
  readonly state: RetrainingState;
  /** The policy's decision on the entry: the one to act on when live. */
  readonly decision: RetrainingDecision;
  /**
   * For an own request the state did not expect: the request the policy released for it (it is
   * already on the log, so nobody acts on it), or why it could not be matched.
   */
  readonly absorbed: {
    readonly decision: RetrainingDecision;
    readonly mismatch: string | null;
  } | null;
}

/** Whether the policy has asked for a run that no TrainingRequested has confirmed yet. */
export function awaitsConfirmation(state: RetrainingState): boolean {
  return state.runs.some((run) => run.runId === null);
}

/**
 * Feeds one logged event to the policy. Our own TrainingRequested is the log's record that a
 * request was made at that moment, whatever the timers said then (they are not in the log): if
 * the state is not already waiting for it, a tick at its time with no debounce or cooldown
 * releases the gathered signals first, so the request takes them into flight and a restarted
 * orchestrator does not ask for them again.
 */
export function stepEntry(
  state: RetrainingState,
  entry: RetrainingEntry,
  config: RetrainingPolicyConfig,
): EntryStep {
  let absorbed: EntryStep['absorbed'] = null;
  const signal = entry.signal;
  const known =
    signal.type === 'TrainingRequested' && state.runs.some((run) => run.runId === signal.runId);
  if (entry.ownRequest !== null && !known && !awaitsConfirmation(state)) {
    const released = stepRetrainingPolicy(
      state,
      { type: 'Tick', at: signal.at },
      { ...config, debounceMs: 0, cooldownMs: 0, highSeverityCooldownMs: 0 },
    );
    absorbed = {
      decision: released.decision,
      mismatch: mismatchOf(released.decision, entry.ownRequest.triggeredBy),
    };
    state = released.state;
  }
  const step = stepRetrainingPolicy(state, signal, config);
  return { state: step.state, decision: step.decision, absorbed };
}

function mismatchOf(decision: RetrainingDecision, triggeredBy: readonly string[]): string | null {
  if (decision.kind !== 'request')
    return `the policy had nothing to release (${decision.why}); the configuration may have changed`;
  const listed = new Set(triggeredBy);
  const released = new Set(decision.triggeredBy);
  const differ =
    listed.size !== released.size || [...listed].some((eventId) => !released.has(eventId));
  return differ
    ? `the request named ${listed.size} trigger(s), the policy released ${released.size}`
    : null;
}

export interface ReplayOutcome {
  readonly state: RetrainingState;
  /** Entries folded. */
  readonly entries: number;
  /**
   * A request the policy made during replay that no TrainingRequested on the log confirms: it
   * fell due while no orchestrator was active (or its publication failed), so it is still owed.
   */
  readonly owed: RequestDecision | null;
  /** Own requests the state could not match, each with why: worth a warning, not a stop. */
  readonly mismatches: readonly string[];
}

/**
 * Rebuilds the policy's state from the log, in replay order. No decision is acted on here; the
 * caller publishes `owed`, if any, and ticks at the current time once it is caught up.
 */
export function replayRetraining(
  entries: readonly RetrainingEntry[],
  config: RetrainingPolicyConfig,
  initial: RetrainingState = INITIAL_RETRAINING_STATE,
): ReplayOutcome {
  let state = initial;
  let owed: RequestDecision | null = null;
  const mismatches: string[] = [];
  for (const entry of entries) {
    const step = stepEntry(state, entry, config);
    if (step.absorbed?.mismatch)
      mismatches.push(`${describeEntry(entry)}: ${step.absorbed.mismatch}`);
    if (step.decision.kind === 'request') owed = step.decision;
    state = step.state;
    // Confirmed by a TrainingRequested, or given up as lost: either way nothing is owed.
    if (!awaitsConfirmation(state)) owed = null;
  }
  return { state, entries: entries.length, owed, mismatches };
}
