import type { MlflowModelVersion, MlflowRegisteredModel } from './entities';
import { MODEL_VERSION_FILTERS, REGISTERED_MODEL_FILTERS } from './search-filter';
import type { SearchDefinition } from './search';
import { tagMap } from './tags';

/**
 * search-registered-models: filter on `name` and `tags.<key>`; order by `name` or
 * `last_updated_timestamp` (also `timestamp`), by name when none is given, ties by name.
 */
export const REGISTERED_MODEL_SEARCH: SearchDefinition<MlflowRegisteredModel> = {
  kind: 'registered-models',
  target: REGISTERED_MODEL_FILTERS,
  fields: {
    name: (model) => model.name,
    last_updated_timestamp: (model) => model.last_updated_timestamp,
  },
  fieldAliases: { timestamp: 'last_updated_timestamp' },
  defaultOrder: [{ field: 'name', ascending: true }],
  tiebreak: [{ field: 'name', ascending: true }],
  searchable: (model) => ({ attributes: { name: model.name }, tags: tagMap(model.tags) }),
};

/**
 * search-model-versions: filter on `name`, `run_id`, `version_number` and `tags.<key>`; order by
 * `name`, `version_number`, `creation_timestamp` or `last_updated_timestamp`. Without order_by:
 * by name, newest version first. (MLflow's SQL store puts the last update first; a stage change
 * would then move a version between pages while a client pages, so the default here is the
 * order that never changes.)
 */
export const MODEL_VERSION_SEARCH: SearchDefinition<MlflowModelVersion> = {
  kind: 'model-versions',
  target: MODEL_VERSION_FILTERS,
  fields: {
    name: (version) => version.name,
    version_number: (version) => Number(version.version),
    creation_timestamp: (version) => version.creation_timestamp,
    last_updated_timestamp: (version) => version.last_updated_timestamp,
  },
  defaultOrder: [
    { field: 'name', ascending: true },
    { field: 'version_number', ascending: false },
  ],
  tiebreak: [
    { field: 'name', ascending: true },
    { field: 'version_number', ascending: false },
  ],
  searchable: (version) => ({
    attributes: {
      name: version.name,
      version_number: Number(version.version),
      ...(version.run_id === undefined ? {} : { run_id: version.run_id }),
    },
    tags: tagMap(version.tags),
  }),
};
