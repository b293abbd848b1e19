import { TOPICS } from '@readmit/contracts';
import type { ProjectionDefinition } from '@readmit/platform/projections';
import { evolveModelRows } from './evolve';
import { modelRowsStore } from './model-rows.store';
import type { ModelRows, ModelRowsKey } from './registry-rows';

/**
 * Model versions and every decision about them (registry_versions, registry_decisions). Not one
 * row per event: whether a decision applies depends on which versions serve the model, found
 * across its version rows, so an event evolves all of its model's rows (ModelRows) at once.
 */
export const registryProjection: ProjectionDefinition<
  ModelRows,
  ModelRowsKey,
  'TrainingCompleted' | 'ModelPromoted' | 'ModelRejected' | 'ModelRolledBack' | 'ChallengerAssigned'
> = {
  name: 'registry',
  description: 'model versions with their stage, metrics and lineage, and every registry decision',
  topics: [TOPICS.training, TOPICS.models],
  eventTypes: [
    'TrainingCompleted',
    'ModelPromoted',
    'ModelRejected',
    'ModelRolledBack',
    'ChallengerAssigned',
  ],
  store: modelRowsStore,
  keyOf: ({ event }) => ({ modelName: event.modelName, eventId: event.envelope.eventId }),
  evolve: evolveModelRows,
};
