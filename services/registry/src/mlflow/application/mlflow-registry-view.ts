import { doesNotExist, invalidParameter } from '../domain/mlflow-error';
import {
  mlflowModelVersion,
  mlflowRegisteredModel,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
} from '../domain/entities';
import { prepareSearch, runSearch, type SearchRequest } from '../domain/search';
import { modelNamesIn } from '../domain/search-filter';
import { MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH } from '../domain/searches';
import {
  latestVersions,
  parseMlflowStage,
  versionWithAlias,
  type ReadmitAlias,
} from '../domain/stages';
import { versionByNumber, type NumberedVersion } from '../domain/version-numbers';
import type { RegistryViewReader } from '../infrastructure/registry-view.reader';

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/**
 * The registry as MLflow's Model Registry sees it: reads of the projection, turned into MLflow's
 * entities by the pure mapping in ../domain. Unknown models and versions are
 * RESOURCE_DOES_NOT_EXIST, in MLflow's own words.
 */
export class MlflowRegistryView {
  constructor(readonly reader: RegistryViewReader) {}

  /** A model's numbered versions, oldest first. */
  async versionsOf(name: string): Promise<NumberedVersion[]> {
    const versions = (await this.reader.numberedVersions([name])).get(name);
    if (!versions || versions.length === 0)
      throw doesNotExist(`Registered Model with name=${name} not found`);
    return versions;
  }

  /** A version by its MLflow number ("3"). */
  async version(name: string, number: string): Promise<NumberedVersion> {
    if (!/^[0-9]+$/.test(number))
      throw invalidParameter(`Parameter 'version' must be an integer, got '${number}'.`);
    const found = versionByNumber(await this.versionsOf(name), number);
    if (!found) throw doesNotExist(`Model Version (name=${name}, version=${number}) not found`);
    return found;
  }

  async registeredModel(name: string): Promise<MlflowRegisteredModel> {
    return mlflowRegisteredModel(name, await this.versionsOf(name));
  }

  async modelVersion(name: string, number: string): Promise<MlflowModelVersion> {
    return mlflowModelVersion(await this.version(name, number));
  }

  /** The latest version of each stage asked (of all four when none is). */
  async latestVersions(name: string, stages: readonly string[]): Promise<MlflowModelVersion[]> {
    const asked = stages.length === 0 ? undefined : stages.map(parseMlflowStage);
    return latestVersions(await this.versionsOf(name), asked).map(mlflowModelVersion);
  }

  /** The version holding `alias`, or RESOURCE_DOES_NOT_EXIST as MLflow says it. */
  async versionWithAlias(name: string, alias: ReadmitAlias): Promise<NumberedVersion> {
    const found = versionWithAlias(await this.versionsOf(name), alias);
    if (!found) throw doesNotExist(`Registered model alias ${alias} not found.`);
    return found;
  }

  async searchRegisteredModels(request: SearchRequest): Promise<Page<MlflowRegisteredModel>> {
    const prepared = prepareSearch(request, REGISTERED_MODEL_SEARCH);
    const models = await this.reader.numberedVersions(modelNamesIn(prepared.filter));
    const entities = [...models].map(([name, versions]) => mlflowRegisteredModel(name, versions));
    const { page, nextPageToken } = runSearch(prepared, entities, REGISTERED_MODEL_SEARCH);
    return { items: page, nextPageToken };
  }

  async searchModelVersions(request: SearchRequest): Promise<Page<MlflowModelVersion>> {
    const prepared = prepareSearch(request, MODEL_VERSION_SEARCH);
    const models = await this.reader.numberedVersions(modelNamesIn(prepared.filter));
    const entities = [...models.values()].flat().map(mlflowModelVersion);
    const { page, nextPageToken } = runSearch(prepared, entities, MODEL_VERSION_SEARCH);
    return { items: page, nextPageToken };
  }
}
