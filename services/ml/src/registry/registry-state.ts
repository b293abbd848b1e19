import type { PromotionCriterion, TrainingCompleted } from '@readmit/contracts';
import { decisionApplies, type ModelDecisionEvent } from './serving-pointers';

/**
 * Where a version stands. A candidate awaits a decision; the challenger is scored beside the
 * champion on live traffic; one champion per model serves; archived versions served before.
 */
export type Stage = 'candidate' | 'challenger' | 'champion' | 'archived' | 'rejected';

export type DecisionKind =
  | 'promoted'
  | 'rejected'
  | 'challenger'
  | 'challenger-replaced'
  | 'rolled-back-to'
  | 'rolled-back-from'
  | 'archived';

export interface Decision {
  readonly kind: DecisionKind;
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
  readonly challenger: string | null;
}

/** The registry as a fold of its events: nothing is stored that the log cannot rebuild. */
export type RegistryState = ReadonlyMap<string, ModelHistory>;

export type RegistryEvent =
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted }
  | ModelDecisionEvent;

export const EMPTY_REGISTRY: RegistryState = new Map();

const EMPTY_HISTORY: ModelHistory = { versions: new Map(), champion: null, challenger: null };

function withVersion(history: ModelHistory, version: ModelVersion): ModelHistory {
  return { ...history, versions: new Map(history.versions).set(version.version, version) };
}

function decide(
  history: ModelHistory,
  version: string | null,
  stage: Stage,
  decision: Decision,
): ModelHistory {
  const current = version === null ? undefined : history.versions.get(version);
  if (!current) return history;
  return withVersion(history, {
    ...current,
    stage,
    decisions: [...current.decisions, decision],
  });
}

/** The version a decision is about. */
export function subjectOf({ eventType, event }: ModelDecisionEvent): string {
  return eventType === 'ModelRolledBack' ? event.toVersion : event.version;
}

/** Makes `version` the champion: the one it replaces is archived, a challenger slot it held is freed. */
function crown(
  history: ModelHistory,
  version: string,
  decision: Decision,
  replaced: Decision,
): ModelHistory {
  const previous = history.champion;
  let next = decide(history, previous, 'archived', replaced);
  next = decide(next, version, 'champion', decision);
  return {
    ...next,
    champion: version,
    challenger: history.challenger === version ? null : history.challenger,
  };
}

/**
 * Applies one event. Decisions made against a state that no longer holds are void (see
 * decisionApplies), repeated events change nothing (registering a version twice, promoting the
 * champion again), and decisions about unknown versions are ignored: their TrainingCompleted
 * comes first in any fold (see foldRegistry). So redelivery and replays are harmless.
 */
export function evolve(state: RegistryState, registryEvent: RegistryEvent): RegistryState {
  const name = registryEvent.event.modelName;
  const history = state.get(name) ?? EMPTY_HISTORY;
  const at = registryEvent.event.envelope.occurredAt;
  const update = (next: ModelHistory) => new Map(state).set(name, next);
  if (registryEvent.eventType === 'TrainingCompleted') {
    const { event } = registryEvent;
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
  const subject = history.versions.get(subjectOf(registryEvent));
  if (!subject || !decisionApplies(history, registryEvent)) return state;
  const { eventType, event } = registryEvent;
  const said = { at, decidedBy: event.decidedBy, reason: event.reason };
  switch (eventType) {
    case 'ModelPromoted':
      return update(
        crown(
          history,
          event.version,
          { kind: 'promoted', ...said, criteria: event.criteria },
          { kind: 'archived', ...said, reason: `replaced by ${event.version}`, criteria: [] },
        ),
      );
    case 'ModelRolledBack':
      return update(
        crown(
          history,
          event.toVersion,
          { kind: 'rolled-back-to', ...said, criteria: [] },
          { kind: 'rolled-back-from', ...said, criteria: [] },
        ),
      );
    case 'ChallengerAssigned': {
      const next = decide(history, history.challenger, 'candidate', {
        kind: 'challenger-replaced',
        ...said,
        reason: `replaced by ${event.version}`,
        criteria: [],
      });
      return update({
        ...decide(next, event.version, 'challenger', {
          kind: 'challenger',
          ...said,
          criteria: event.criteria,
        }),
        challenger: event.version,
      });
    }
    case 'ModelRejected': {
      if (subject.stage !== 'candidate' && subject.stage !== 'challenger') return state;
      const next = decide(history, event.version, 'rejected', {
        kind: 'rejected',
        ...said,
        criteria: event.criteria,
      });
      return update({
        ...next,
        challenger: history.challenger === event.version ? null : history.challenger,
      });
    }
  }
}

/**
 * Folds a log: training completions first (they come from another topic, so their interleaving
 * with decisions is not ordered), then decisions in ml.models order.
 */
export function foldRegistry(events: Iterable<RegistryEvent>): RegistryState {
  const all = [...events];
  let state = EMPTY_REGISTRY;
  for (const event of all)
    if (event.eventType === 'TrainingCompleted') state = evolve(state, event);
  for (const event of all)
    if (event.eventType !== 'TrainingCompleted') state = evolve(state, event);
  return state;
}
