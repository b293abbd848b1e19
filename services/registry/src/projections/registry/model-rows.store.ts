import { rowGroupStore, rowStore, type ProjectionStore } from '@readmit/platform/projections';
import { ModelDecisionRow } from './model-decision.entity';
import { ModelVersionRow } from './model-version.entity';
import type { ModelRows, ModelRowsKey } from './registry-rows';

const versions = rowGroupStore(ModelVersionRow, ['modelName', 'version']);
const decisions = rowStore(ModelDecisionRow, ['eventId']);

/** ModelRows in Postgres: the model's rows of registry_versions, and one of registry_decisions. */
export const modelRowsStore: ProjectionStore<ModelRows, ModelRowsKey> = {
  entities: [...versions.entities, ...decisions.entities],
  load: async (manager, { modelName, eventId }) => ({
    versions: await versions.load(manager, { modelName }),
    decision: await decisions.load(manager, { eventId }),
  }),
  async save(manager, { modelName, eventId }, before, after) {
    await versions.save(manager, { modelName }, before.versions, after.versions);
    await decisions.save(manager, { eventId }, before.decision, after.decision);
  },
};
