import type {
  ChallengerAssigned,
  ModelPromoted,
  ModelRejected,
  ModelRolledBack,
} from '@readmit/contracts';

/** An event of the ml.models topic: the registry's decisions. */
export type ModelDecisionEvent =
  | { readonly eventType: 'ModelPromoted'; readonly event: ModelPromoted }
  | { readonly eventType: 'ModelRejected'; readonly event: ModelRejected }
  | { readonly eventType: 'ModelRolledBack'; readonly event: ModelRolledBack }
  | { readonly eventType: 'ChallengerAssigned'; readonly event: ChallengerAssigned };

/** The event types of the registry's decisions. */
export const MODEL_DECISION_TYPES = [
  'ModelPromoted',
  'ModelRejected',
  'ModelRolledBack',
  'ChallengerAssigned',
] as const satisfies readonly ModelDecisionEvent['eventType'][];

/** Which versions serve a model now. */
export interface ServingVersions {
  readonly champion: string | null;
  readonly challenger: string | null;
}

export const NOTHING_SERVING: ServingVersions = { champion: null, challenger: null };

/**
 * Whether a decision still applies. Each one names the state it was made against (the champion
 * it replaces, the challenger it replaces), and a decision made against a state that has since
 * changed is void: two deciders racing cannot both win, and every reader of the log (registry,
 * scorers, projections) agrees on which one did. Repeats are void too, so replays are harmless.
 */
export function decisionApplies(
  serving: ServingVersions,
  { eventType, event }: ModelDecisionEvent,
): boolean {
  switch (eventType) {
    case 'ModelPromoted':
      return (
        (event.previousVersion ?? null) === serving.champion && event.version !== serving.champion
      );
    case 'ModelRolledBack':
      return event.fromVersion === serving.champion && event.toVersion !== serving.champion;
    case 'ChallengerAssigned':
      return (
        (event.previousChallenger ?? null) === serving.challenger &&
        event.version !== serving.challenger &&
        event.version !== serving.champion
      );
    case 'ModelRejected':
      return event.version !== serving.champion;
  }
}

/** The serving versions after a decision (unchanged when it does not apply). */
export function nextServing(
  serving: ServingVersions,
  decision: ModelDecisionEvent,
): ServingVersions {
  if (!decisionApplies(serving, decision)) return serving;
  const { eventType, event } = decision;
  switch (eventType) {
    case 'ModelPromoted':
      return {
        champion: event.version,
        challenger: serving.challenger === event.version ? null : serving.challenger,
      };
    case 'ModelRolledBack':
      return {
        champion: event.toVersion,
        challenger: serving.challenger === event.toVersion ? null : serving.challenger,
      };
    case 'ChallengerAssigned':
      return { ...serving, challenger: event.version };
    case 'ModelRejected':
      return serving.challenger === event.version ? { ...serving, challenger: null } : serving;
  }
}

/** What a scorer (or the trainer) needs to load a served version. */
export interface ServedModel {
  readonly version: string;
  readonly artifactUri: string;
  readonly artifactSha256: string;
  readonly threshold: number;
}

export interface ServedModels {
  readonly champion: ServedModel | null;
  readonly challenger: ServedModel | null;
}

/**
 * The champion and challenger of every model from the ml.models topic alone (the decisions carry
 * the artifact's address and digest), under the same rules as the registry's own fold.
 */
export class ServingPointers {
  private readonly models = new Map<string, ServedModels>();
  private readonly artifacts = new Map<string, ServedModel>();

  apply(decision: ModelDecisionEvent): boolean {
    const { event } = decision;
    const current = this.of(event.modelName);
    const serving = {
      champion: current.champion?.version ?? null,
      challenger: current.challenger?.version ?? null,
    };
    if (decision.eventType !== 'ModelRejected') {
      const served =
        decision.eventType === 'ModelRolledBack'
          ? { ...decision.event, version: decision.event.toVersion }
          : decision.event;
      this.artifacts.set(`${event.modelName}/${served.version}`, {
        version: served.version,
        artifactUri: served.artifactUri,
        artifactSha256: served.artifactSha256,
        threshold: served.threshold,
      });
    }
    if (!decisionApplies(serving, decision)) return false;
    const next = nextServing(serving, decision);
    const lookup = (version: string | null) =>
      version === null ? null : (this.artifacts.get(`${event.modelName}/${version}`) ?? null);
    this.models.set(event.modelName, {
      champion: lookup(next.champion),
      challenger: lookup(next.challenger),
    });
    return true;
  }

  of(modelName: string): ServedModels {
    return this.models.get(modelName) ?? { champion: null, challenger: null };
  }

  /**
   * A version's artifact and threshold as the last decision that served it, or would have,
   * gives them (null: no decision ever named it to serve).
   */
  decided(modelName: string, version: string): ServedModel | null {
    return this.artifacts.get(`${modelName}/${version}`) ?? null;
  }
}
