import type { DriftSeverity } from '@readmit/contracts';

/**
 * When to ask for a training run of one model, from the events about it. Pure and
 * deterministic: time only comes in with the signals (event times, and ticks from the caller's
 * timer), so a replay of the same signals gives the same decisions.
 *
 * - Debounce: signals close together become one request, due `debounceMs` after the moment a
 *   request became warranted (a drift storm from several windows is one retrain, not fifty).
 * - Cooldown: no request within `cooldownMs` of the previous one; HIGH drift may shorten it.
 * - One run at a time: while a run is in flight, signals are gathered for after it.
 * - Batches: a retrain every `batchesPerRetrain` batches; any drift triggers one by itself.
 * Nothing is lost while waiting: every gathered event id ends up in a request's triggeredBy.
 */

export type RetrainingSignal =
  | { readonly type: 'BatchArrived'; readonly eventId: string; readonly at: number }
  | {
      readonly type: 'DriftDetected';
      readonly eventId: string;
      readonly at: number;
      readonly severity: DriftSeverity;
    }
  /** A run of this model started: the echo of our own request, or a manual one. */
  | { readonly type: 'TrainingRequested'; readonly runId: string; readonly at: number }
  | { readonly type: 'TrainingCompleted'; readonly runId: string; readonly at: number }
  | {
      readonly type: 'TrainingFailed';
      readonly runId: string;
      readonly at: number;
      /** A retriable failure puts the run's triggers back in line; a final one drops them. */
      readonly retriable: boolean;
    }
  /** The caller's timer: releases a request whose time has come. */
  | { readonly type: 'Tick'; readonly at: number };

/** What to do now, always with a reason a person can read. */
export type RetrainingDecision =
  | {
      readonly kind: 'request';
      readonly reason: 'BATCH_ARRIVED' | 'DRIFT_DETECTED';
      /** Event ids of the BatchArrived / DriftDetected events behind the request, oldest first. */
      readonly triggeredBy: readonly string[];
      readonly why: string;
    }
  /** Not now: call again (tick) at `until`, or earlier if a signal arrives. */
  | { readonly kind: 'wait'; readonly until: number; readonly why: string }
  | { readonly kind: 'ignore'; readonly why: string };

export interface RetrainingPolicyConfig {
  /** How long to gather signals once a request is warranted. */
  readonly debounceMs: number;
  /** Minimum time between two requests. */
  readonly cooldownMs: number;
  /** The cooldown when HIGH drift is pending (0 bypasses it); null: HIGH drift waits too. */
  readonly highSeverityCooldownMs: number | null;
  /** Batches per retrain: 1 retrains on every batch, 3 on every third. */
  readonly batchesPerRetrain: number;
  /** Drift below this severity is ignored. */
  readonly minimumDriftSeverity: DriftSeverity;
  /** A run without TrainingCompleted or TrainingFailed after this long is presumed lost. */
  readonly runTimeoutMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Defaults: gather for 5 minutes (the monitor reports data, prediction and performance drift of
 * one window within seconds of each other, and a batch often lands with them); at most one
 * request an hour, since a run on 100,000 encounters takes minutes and a new champion needs
 * time to show its own drift; HIGH drift may request after 10 minutes, because a model that
 * no longer fits its population should not wait out the hour; every batch retrains; a run
 * silent for 2 hours is presumed lost, so one crashed trainer cannot block retraining forever.
 */
export const DEFAULT_RETRAINING_POLICY: RetrainingPolicyConfig = {
  debounceMs: 5 * MINUTE,
  cooldownMs: HOUR,
  highSeverityCooldownMs: 10 * MINUTE,
  batchesPerRetrain: 1,
  minimumDriftSeverity: 'LOW',
  runTimeoutMs: 2 * HOUR,
};

/** A BatchArrived or DriftDetected waiting to be part of a request. */
export interface GatheredSignal {
  readonly eventId: string;
  readonly type: 'BatchArrived' | 'DriftDetected';
  readonly at: number;
  readonly severity: DriftSeverity | null;
}

/** A run in flight; runId is null between our request and its TrainingRequested. */
export interface RunInFlight {
  readonly runId: string | null;
  readonly since: number;
  readonly triggeredBy: readonly GatheredSignal[];
}

/** Plain data, so the caller can keep or persist it. */
export interface RetrainingState {
  /** The latest time seen: the policy's clock never goes back. */
  readonly now: number | null;
  readonly gathered: readonly GatheredSignal[];
  /** When the gathered signals first warranted a request; null while they do not. */
  readonly warrantedSince: number | null;
  readonly lastRequestAt: number | null;
  readonly runs: readonly RunInFlight[];
}

export const INITIAL_RETRAINING_STATE: RetrainingState = {
  now: null,
  gathered: [],
  warrantedSince: null,
  lastRequestAt: null,
  runs: [],
};

const SEVERITY_RANK: Readonly<Record<DriftSeverity, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2 };

/** One step: the state after a signal, and the decision it leads to. */
export function stepRetrainingPolicy(
  state: RetrainingState,
  signal: RetrainingSignal,
  config: RetrainingPolicyConfig = DEFAULT_RETRAINING_POLICY,
): { readonly state: RetrainingState; readonly decision: RetrainingDecision } {
  assertConfig(config);
  const now = Math.max(state.now ?? signal.at, signal.at);
  const expired = expireLostRuns({ ...state, now }, config);
  const handled = handleSignal(expired.state, signal, config);
  const notes = [...expired.notes, handled.note].filter((note) => note !== '');
  if (handled.ignore !== null) {
    return { state: handled.state, decision: { kind: 'ignore', why: join(notes, handled.ignore) } };
  }
  return decide(handled.state, notes, config);
}

/** The policy as an object, for callers that keep it in memory. */
export class RetrainingPolicy {
  private current: RetrainingState;

  constructor(
    private readonly config: RetrainingPolicyConfig = DEFAULT_RETRAINING_POLICY,
    initial: RetrainingState = INITIAL_RETRAINING_STATE,
  ) {
    assertConfig(config);
    this.current = initial;
  }

  get state(): RetrainingState {
    return this.current;
  }

  handle(signal: RetrainingSignal): RetrainingDecision {
    const { state, decision } = stepRetrainingPolicy(this.current, signal, this.config);
    this.current = state;
    return decision;
  }

  tick(now: number): RetrainingDecision {
    return this.handle({ type: 'Tick', at: now });
  }
}

interface Handled {
  readonly state: RetrainingState;
  readonly note: string;
  /** A reason to stop here with "ignore"; null to go on to the decision. */
  readonly ignore: string | null;
}

function handleSignal(
  state: RetrainingState,
  signal: RetrainingSignal,
  config: RetrainingPolicyConfig,
): Handled {
  const now = state.now ?? signal.at;
  switch (signal.type) {
    case 'BatchArrived':
    case 'DriftDetected': {
      const known = [...state.gathered, ...state.runs.flatMap((run) => run.triggeredBy)];
      if (known.some((gathered) => gathered.eventId === signal.eventId)) {
        return ignore(state, `${signal.eventId} is already counted (a redelivery)`);
      }
      const severity = signal.type === 'DriftDetected' ? signal.severity : null;
      if (
        severity !== null &&
        SEVERITY_RANK[severity] < SEVERITY_RANK[config.minimumDriftSeverity]
      ) {
        return ignore(
          state,
          `${severity} drift ${signal.eventId} is below the ${config.minimumDriftSeverity} that retrains`,
        );
      }
      const gathered = [
        ...state.gathered,
        { eventId: signal.eventId, type: signal.type, at: now, severity },
      ];
      const next = withGathered(state, gathered, now, config);
      if (next.warrantedSince === null) {
        const batches = countBatches(gathered);
        return ignore(
          next,
          `batch ${signal.eventId} kept: ${batches} of the ${config.batchesPerRetrain} batches that retrain`,
        );
      }
      const what = severity === null ? 'batch' : `${severity} drift`;
      return { state: next, note: `${what} ${signal.eventId} gathered`, ignore: null };
    }
    case 'TrainingRequested': {
      if (state.runs.some((run) => run.runId === signal.runId)) {
        return ignore(state, `run ${signal.runId} is already known`);
      }
      const ours = state.runs.findIndex((run) => run.runId === null);
      if (ours >= 0) {
        const runs = state.runs.map((run, index) =>
          index === ours ? { ...run, runId: signal.runId } : run,
        );
        return ignore({ ...state, runs }, `run ${signal.runId} started, as requested`);
      }
      // Someone else's run (a manual one): it is in flight, and it starts a cooldown.
      const runs = [...state.runs, { runId: signal.runId, since: now, triggeredBy: [] }];
      return {
        state: { ...state, runs, lastRequestAt: now },
        note: `run ${signal.runId} started by someone else`,
        ignore: null,
      };
    }
    case 'TrainingCompleted':
    case 'TrainingFailed': {
      // An unknown run (a late outcome of one presumed lost) changes nothing.
      const index = state.runs.findIndex((run) => run.runId === signal.runId);
      if (index < 0) return ignore(state, `run ${signal.runId} is not one in flight`);
      const run = state.runs[index];
      const runs = state.runs.filter((_, position) => position !== index);
      if (signal.type === 'TrainingCompleted') {
        return {
          state: { ...state, runs },
          note: `run ${signal.runId} completed`,
          ignore: null,
        };
      }
      if (!signal.retriable) {
        const dropped = run.triggeredBy.length;
        return {
          state: { ...state, runs },
          note: `run ${signal.runId} failed for good; its ${dropped} trigger(s) dropped`,
          ignore: null,
        };
      }
      return {
        state: requeue({ ...state, runs }, run.triggeredBy, now, config),
        note: `run ${signal.runId} failed; its ${run.triggeredBy.length} trigger(s) wait for a retry`,
        ignore: null,
      };
    }
    case 'Tick':
      return { state, note: '', ignore: null };
  }
}

/** After handling: request, wait, or (nothing warranted) ignore. */
function decide(
  state: RetrainingState,
  notes: readonly string[],
  config: RetrainingPolicyConfig,
): { readonly state: RetrainingState; readonly decision: RetrainingDecision } {
  const now = state.now ?? 0;
  if (state.warrantedSince === null) {
    const batches = countBatches(state.gathered);
    const nothing =
      batches > 0
        ? `${batches} of the ${config.batchesPerRetrain} batches that retrain so far`
        : 'nothing to retrain for';
    return { state, decision: { kind: 'ignore', why: join(notes, nothing) } };
  }
  const summary = summarise(state.gathered);
  if (state.runs.length > 0) {
    const run = state.runs[0];
    const name = run.runId === null ? 'the requested run' : `run ${run.runId}`;
    return {
      state,
      decision: {
        kind: 'wait',
        until: run.since + config.runTimeoutMs,
        why: join(notes, `${name} is in flight; ${summary} held for after it`),
      },
    };
  }
  const gatheredUntil = state.warrantedSince + config.debounceMs;
  const cooldown = effectiveCooldown(state.gathered, config);
  const cooledAt = state.lastRequestAt === null ? -Infinity : state.lastRequestAt + cooldown;
  if (now < gatheredUntil || now < cooledAt) {
    const until = Math.max(gatheredUntil, cooledAt);
    const because =
      cooledAt >= gatheredUntil
        ? `cooling down for ${duration(cooldown)} after the request at ${time(state.lastRequestAt ?? 0)}`
        : `gathering signals for ${duration(config.debounceMs)} after ${time(state.warrantedSince)}`;
    return {
      state,
      decision: { kind: 'wait', until, why: join(notes, `${because}; ${summary} so far`) },
    };
  }
  const drifts = state.gathered.filter((signal) => signal.type === 'DriftDetected');
  const triggeredBy = state.gathered.map((signal) => signal.eventId);
  const decision: RetrainingDecision = {
    kind: 'request',
    reason: drifts.length > 0 ? 'DRIFT_DETECTED' : 'BATCH_ARRIVED',
    triggeredBy,
    why: join(notes, `retrain for ${summary}`),
  };
  const next: RetrainingState = {
    ...state,
    gathered: [],
    warrantedSince: null,
    lastRequestAt: now,
    runs: [{ runId: null, since: now, triggeredBy: state.gathered }],
  };
  return { state: next, decision };
}

/** Drops runs silent for longer than the timeout; their triggers go back in line. */
function expireLostRuns(
  state: RetrainingState,
  config: RetrainingPolicyConfig,
): { readonly state: RetrainingState; readonly notes: readonly string[] } {
  const now = state.now ?? 0;
  const lost = state.runs.filter((run) => now >= run.since + config.runTimeoutMs);
  if (lost.length === 0) return { state, notes: [] };
  const alive = state.runs.filter((run) => now < run.since + config.runTimeoutMs);
  const triggers = lost.flatMap((run) => run.triggeredBy);
  const notes = lost.map(
    (run) =>
      `${run.runId === null ? 'the requested run' : `run ${run.runId}`} presumed lost after ${duration(config.runTimeoutMs)} without an outcome`,
  );
  return { state: requeue({ ...state, runs: alive }, triggers, now, config), notes };
}

/** Puts triggers of a failed or lost run back before the signals gathered since. */
function requeue(
  state: RetrainingState,
  triggers: readonly GatheredSignal[],
  now: number,
  config: RetrainingPolicyConfig,
): RetrainingState {
  const pending = new Set(state.gathered.map((signal) => signal.eventId));
  const gathered = [
    ...triggers.filter((signal) => !pending.has(signal.eventId)),
    ...state.gathered,
  ];
  return withGathered(state, gathered, now, config);
}

/** The state with these gathered signals, and since when they warrant a request (if they do). */
function withGathered(
  state: RetrainingState,
  gathered: readonly GatheredSignal[],
  now: number,
  config: RetrainingPolicyConfig,
): RetrainingState {
  const warranted =
    gathered.some((signal) => signal.type === 'DriftDetected') ||
    countBatches(gathered) >= config.batchesPerRetrain;
  const warrantedSince = warranted ? (state.warrantedSince ?? now) : null;
  return { ...state, gathered, warrantedSince };
}

function effectiveCooldown(
  gathered: readonly GatheredSignal[],
  config: RetrainingPolicyConfig,
): number {
  const high = gathered.some((signal) => signal.severity === 'HIGH');
  return high && config.highSeverityCooldownMs !== null
    ? Math.min(config.cooldownMs, config.highSeverityCooldownMs)
    : config.cooldownMs;
}

function countBatches(gathered: readonly GatheredSignal[]): number {
  return gathered.filter((signal) => signal.type === 'BatchArrived').length;
}

function summarise(gathered: readonly GatheredSignal[]): string {
  const drifts = gathered.filter((signal) => signal.type === 'DriftDetected');
  const batches = gathered.length - drifts.length;
  const parts: string[] = [];
  if (drifts.length > 0) {
    const worst = drifts.reduce((top, signal) =>
      SEVERITY_RANK[signal.severity ?? 'LOW'] > SEVERITY_RANK[top.severity ?? 'LOW'] ? signal : top,
    );
    parts.push(`${drifts.length} drift signal(s), worst ${worst.severity}`);
  }
  if (batches > 0) parts.push(`${batches} batch(es)`);
  return parts.join(' and ');
}

function ignore(state: RetrainingState, why: string): Handled {
  return { state, note: '', ignore: why };
}

function join(notes: readonly string[], conclusion: string): string {
  return [...notes, conclusion].join('; ');
}

function duration(ms: number): string {
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE} min`;
  return `${ms / 1000} s`;
}

/** ISO time: readable in logs, and a pure function of the number (no clock is read). */
function time(ms: number): string {
  return new Date(ms).toISOString();
}

function assertConfig(config: RetrainingPolicyConfig): void {
  const durations: Array<[string, number]> = [
    ['debounceMs', config.debounceMs],
    ['cooldownMs', config.cooldownMs],
    ['runTimeoutMs', config.runTimeoutMs],
    ['highSeverityCooldownMs', config.highSeverityCooldownMs ?? 0],
  ];
  for (const [name, value] of durations) {
    if (!(value >= 0 && Number.isFinite(value))) {
      throw new Error(`Retraining policy: ${name} must be a duration >= 0 (got ${value})`);
    }
  }
  if (!(Number.isInteger(config.batchesPerRetrain) && config.batchesPerRetrain >= 1)) {
    throw new Error(
      `Retraining policy: batchesPerRetrain must be a whole number >= 1 (got ${config.batchesPerRetrain})`,
    );
  }
  if (!(config.runTimeoutMs > 0)) {
    throw new Error('Retraining policy: runTimeoutMs must be positive');
  }
}
