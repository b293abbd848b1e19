import type {
  ModelPromoted,
  ModelRejected,
  ModelRolledBack,
  PromotionCriterion,
  TrainingCompleted,
} from '@readmit/contracts';

/** Where a version stands. A candidate awaits a decision; one champion per model serves. */
export type Stage = 'candidate' | 'champion' | 'archived' | 'rejected';

export interface Decision {
  readonly kind: 'promoted' | 'rejected' | 'rolled-back-to' | 'rolled-back-from' | 'archived';
  readonly at: number;
  readonly decidedBy: string;
  readonly reason: string;
  readonly criteria: readonly PromotionCriterion[];
}

export interface ModelVersion {
  readonly modelName: string;
  readonly version: string;
  readonly stage: Stage;
  readonly training: TrainingCompleted;
  readonly registeredAt: number;
  /** Every decision about this version, oldest first. */
  readonly decisions: readonly Decision[];
}

export interface ModelHistory {
  readonly versions: ReadonlyMap<string, ModelVersion>;
  readonly champion: string | null;
}

/** The registry as a fold of its events: nothing is stored that the log cannot rebuild. */
export type RegistryState = ReadonlyMap<string, ModelHistory>;

export type RegistryEvent =
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted }
  | { readonly eventType: 'ModelPromoted'; readonly event: ModelPromoted }
  | { readonly eventType: 'ModelRejected'; readonly event: ModelRejected }
  | { readonly eventType: 'ModelRolledBack'; readonly event: ModelRolledBack };

export const EMPTY_REGISTRY: RegistryState = new Map();

function withVersion(history: ModelHistory, version: ModelVersion): ModelHistory {
  return { ...history, versions: new Map(history.versions).set(version.version, version) };
}

function decide(version: ModelVersion, stage: Stage, decision: Decision): ModelVersion {
  return { ...version, stage, decisions: [...version.decisions, decision] };
}

/** Makes `version` the champion and archives the one it replaces. */
function crown(
  history: ModelHistory,
  version: string,
  decision: Decision,
  replaced: Decision,
): ModelHistory {
  let next = history;
  const previous = history.champion;
  if (previous && previous !== version) {
    const old = history.versions.get(previous);
    if (old) next = withVersion(next, decide(old, 'archived', replaced));
  }
  const crowned = next.versions.get(version) as ModelVersion;
  return { ...withVersion(next, decide(crowned, 'champion', decision)), champion: version };
}

/**
 * Applies one event. Repeated events change nothing (promoting the champion again, registering
 * a version twice), so redelivery and replays are harmless; decisions about unknown versions
 * are ignored (their TrainingCompleted must come first in the log).
 */
export function evolve(state: RegistryState, { eventType, event }: RegistryEvent): RegistryState {
  const name = event.modelName;
  const history: ModelHistory = state.get(name) ?? { versions: new Map(), champion: null };
  const at = event.envelope.occurredAt;
  const update = (next: ModelHistory) => new Map(state).set(name, next);
  switch (eventType) {
    case 'TrainingCompleted': {
      if (history.versions.has(event.modelVersion)) return state;
      return update(
        withVersion(history, {
          modelName: name,
          version: event.modelVersion,
          stage: 'candidate',
          training: event,
          registeredAt: at,
          decisions: [],
        }),
      );
    }
    case 'ModelPromoted': {
      if (!history.versions.has(event.version) || history.champion === event.version) return state;
      const decision = {
        at,
        decidedBy: event.decidedBy,
        reason: event.reason,
        criteria: event.criteria,
      };
      return update(
        crown(
          history,
          event.version,
          { kind: 'promoted', ...decision },
          { kind: 'archived', ...decision, reason: `replaced by ${event.version}`, criteria: [] },
        ),
      );
    }
    case 'ModelRejected': {
      const version = history.versions.get(event.version);
      if (!version || version.stage !== 'candidate') return state;
      return update(
        withVersion(
          history,
          decide(version, 'rejected', {
            kind: 'rejected',
            at,
            decidedBy: event.decidedBy,
            reason: event.reason,
            criteria: event.criteria,
          }),
        ),
      );
    }
    case 'ModelRolledBack': {
      if (!history.versions.has(event.toVersion) || history.champion === event.toVersion)
        return state;
      const decision = { at, decidedBy: event.decidedBy, reason: event.reason, criteria: [] };
      return update(
        crown(
          history,
          event.toVersion,
          { kind: 'rolled-back-to', ...decision },
          { kind: 'rolled-back-from', ...decision },
        ),
      );
    }
  }
}

export function foldRegistry(events: Iterable<RegistryEvent>): RegistryState {
  let state = EMPTY_REGISTRY;
  for (const event of events) state = evolve(state, event);
  return state;
}
