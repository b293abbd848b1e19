import type { PromotionCriterion, TrainingCompleted } from '@readmit/contracts';
import { decisionApplies, type ModelDecisionEvent } from '@readmit/ml';

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

/**
 * Whether the promotion policy still owes a version its decision on its TrainingCompleted. A
 * version is decided once: promoted, rejected or made challenger, and whatever happens to it
 * later (archived, rolled back, sent back to candidate when another challenger replaces it)
 * keeps it decided. So a second TrainingCompleted for it (a redelivery, or the same run trained
 * again, which the fold does not register twice) decides nothing.
 */
export function awaitsDecision(version: Pick<ModelVersion, 'stage' | 'decisions'>): boolean {
  return version.stage === 'candidate' && version.decisions.length === 0;
}

/** The registry as a fold of its events: nothing is stored that the log cannot rebuild. */
export type RegistryState = ReadonlyMap<string, ModelHistory>;

export type RegistryEvent =
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted }
  | ModelDecisionEvent;

export const EMPTY_REGISTRY: RegistryState = new Map();

/** A model's history while events are applied to it (a fold owns its drafts). */
interface DraftHistory {
  versions: Map<string, ModelVersion>;
  champion: string | null;
  challenger: string | null;
}

function decide(
  history: DraftHistory,
  version: string | null,
  stage: Stage,
  decision: Decision,
): void {
  const current = version === null ? undefined : history.versions.get(version);
  if (!current) return;
  history.versions.set(current.version, {
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
  history: DraftHistory,
  version: string,
  decision: Decision,
  replaced: Decision,
): void {
  decide(history, history.champion, 'archived', replaced);
  decide(history, version, 'champion', decision);
  if (history.challenger === version) history.challenger = null;
  history.champion = version;
}

/**
 * Applies one event to a draft in place; returns whether anything changed. Decisions made
 * against a state that no longer holds are void (see decisionApplies), repeated events change
 * nothing (registering a version twice, promoting the champion again), and decisions about
 * unknown versions are ignored: their TrainingCompleted comes first in any fold (see
 * foldRegistry). So redelivery and replays are harmless.
 */
function applyTo(history: DraftHistory, registryEvent: RegistryEvent): boolean {
  const at = registryEvent.event.envelope.occurredAt;
  if (registryEvent.eventType === 'TrainingCompleted') {
    const { event } = registryEvent;
    if (history.versions.has(event.modelVersion)) return false;
    history.versions.set(event.modelVersion, {
      modelName: event.modelName,
      version: event.modelVersion,
      stage: 'candidate',
      training: event,
      registeredAt: at,
      decisions: [],
    });
    return true;
  }
  const subject = history.versions.get(subjectOf(registryEvent));
  if (!subject || !decisionApplies(history, registryEvent)) return false;
  const { eventType, event } = registryEvent;
  const said = { at, decidedBy: event.decidedBy, reason: event.reason };
  switch (eventType) {
    case 'ModelPromoted':
      crown(
        history,
        event.version,
        { kind: 'promoted', ...said, criteria: event.criteria },
        { kind: 'archived', ...said, reason: `replaced by ${event.version}`, criteria: [] },
      );
      return true;
    case 'ModelRolledBack':
      crown(
        history,
        event.toVersion,
        { kind: 'rolled-back-to', ...said, criteria: [] },
        { kind: 'rolled-back-from', ...said, criteria: [] },
      );
      return true;
    case 'ChallengerAssigned':
      decide(history, history.challenger, 'candidate', {
        kind: 'challenger-replaced',
        ...said,
        reason: `replaced by ${event.version}`,
        criteria: [],
      });
      decide(history, event.version, 'challenger', {
        kind: 'challenger',
        ...said,
        criteria: event.criteria,
      });
      history.challenger = event.version;
      return true;
    case 'ModelRejected':
      if (subject.stage !== 'candidate' && subject.stage !== 'challenger') return false;
      decide(history, event.version, 'rejected', {
        kind: 'rejected',
        ...said,
        criteria: event.criteria,
      });
      if (history.challenger === event.version) history.challenger = null;
      return true;
  }
}

/** Applies one event to a state, leaving the given state as it was (see applyTo for the rules). */
export function evolve(state: RegistryState, registryEvent: RegistryEvent): RegistryState {
  const name = registryEvent.event.modelName;
  const current = state.get(name);
  const draft: DraftHistory = {
    versions: new Map(current?.versions),
    champion: current?.champion ?? null,
    challenger: current?.challenger ?? null,
  };
  if (!applyTo(draft, registryEvent)) return state;
  return new Map(state).set(name, draft);
}

/**
 * Folds a log: training completions first (they come from another topic, so their interleaving
 * with decisions is not ordered), then decisions in ml.models order.
 */
export function foldRegistry(events: Iterable<RegistryEvent>): RegistryState {
  const all = [...events];
  // One draft per model, changed in place: linear in the log, where evolve copies per event.
  const models = new Map<string, DraftHistory>();
  const apply = (registryEvent: RegistryEvent) => {
    const name = registryEvent.event.modelName;
    const draft = models.get(name) ?? { versions: new Map(), champion: null, challenger: null };
    if (applyTo(draft, registryEvent)) models.set(name, draft);
  };
  for (const event of all) if (event.eventType === 'TrainingCompleted') apply(event);
  for (const event of all) if (event.eventType !== 'TrainingCompleted') apply(event);
  return models;
}
