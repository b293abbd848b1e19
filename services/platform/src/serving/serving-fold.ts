import type { TrainingCompleted } from '@readmit/contracts';
import {
  MODEL_DECISION_TYPES,
  ServingPointers,
  type ModelDecisionEvent,
  type ServedModel,
  type ServedModels,
} from '@readmit/ml';

/** The events a follower of one model's serving reads: decisions (ml.models) and trainings (ml.training). */
export type ServingEvent =
  | ModelDecisionEvent
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted };

export const SERVING_EVENT_TYPES = [...MODEL_DECISION_TYPES, 'TrainingCompleted'] as const;

/** What the registry's topics say about one model, as far as they have been read. */
export interface ServingView {
  /** The champion and challenger, with their artifacts and thresholds. */
  readonly served: ServedModels;
  /** A version's artifact and threshold from the registry's decisions (null: never decided). */
  decided(version: string): ServedModel | null;
  /** A version's TrainingCompleted (null: not read, or ml.training not read at all). */
  trained(version: string): TrainingCompleted | null;
}

/**
 * One model's serving folded from its events: decisions by ServingPointers (the rules every
 * reader of ml.models shares), trainings by version. Other models' events change nothing.
 */
export class ServingFold implements ServingView {
  private readonly pointers = new ServingPointers();
  private readonly trainings = new Map<string, TrainingCompleted>();

  constructor(readonly modelName: string) {}

  /** Folds one event; true when it changed what serves. */
  apply(event: ServingEvent): boolean {
    if (event.event.modelName !== this.modelName) return false;
    if (event.eventType === 'TrainingCompleted') {
      this.trainings.set(event.event.modelVersion, event.event);
      return false;
    }
    return this.pointers.apply(event);
  }

  get served(): ServedModels {
    return this.pointers.of(this.modelName);
  }

  decided(version: string): ServedModel | null {
    return this.pointers.decided(this.modelName, version);
  }

  trained(version: string): TrainingCompleted | null {
    return this.trainings.get(version) ?? null;
  }
}
