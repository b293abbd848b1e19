import { In, type DataSource, type FindOptionsSelect } from 'typeorm';
import { ModelDecisionRow } from '../../projections/registry/model-decision.entity';
import { ModelVersionRow } from '../../projections/registry/model-version.entity';
import {
  numberVersions,
  type FirstDecision,
  type NumberedVersion,
  type VersionRow,
} from '../domain/version-numbers';

/** Every column of registry_versions but the two MLflow has no place for (see VersionRow). */
const VIEW_COLUMNS: FindOptionsSelect<ModelVersionRow> = {
  modelName: true,
  version: true,
  stage: true,
  stageChangedAt: true,
  runId: true,
  algorithm: true,
  params: true,
  artifactUri: true,
  artifactSha256: true,
  featureSpecVersion: true,
  threshold: true,
  metrics: true,
  lineage: true,
  trainingDurationMs: true,
  registeredAt: true,
};

/**
 * The MLflow view's reads of the registry projection (registry_versions, registry_decisions; a
 * moment behind the log, like /v1's reads). Both tables are read in one REPEATABLE READ
 * transaction, so a version's row and the decisions that number it come from the same moment.
 */
export class RegistryViewReader {
  constructor(private readonly database: DataSource) {}

  /** Each model's numbered versions, oldest first: every model's, or only those named. */
  async numberedVersions(modelNames?: readonly string[]): Promise<Map<string, NumberedVersion[]>> {
    if (modelNames?.length === 0) return new Map();
    return this.database.transaction('REPEATABLE READ', async (manager) => {
      const rows = await manager.getRepository(ModelVersionRow).find({
        select: VIEW_COLUMNS,
        where: modelNames ? { modelName: In([...modelNames]) } : {},
      });
      const query = manager
        .getRepository(ModelDecisionRow)
        .createQueryBuilder('decision')
        .select('decision.modelName', 'modelName')
        .addSelect('decision.version', 'version')
        .addSelect('MIN(decision.logOffset)', 'logOffset')
        .groupBy('decision.modelName')
        .addGroupBy('decision.version');
      if (modelNames) query.where('decision.modelName IN (:...modelNames)', { modelNames });
      const firsts: Array<{ modelName: string; version: string; logOffset: string }> =
        await query.getRawMany();
      return numberVersions(
        rows as VersionRow[],
        firsts.map((first): FirstDecision => ({
          modelName: first.modelName,
          version: first.version,
          logOffset: Number(first.logOffset),
        })),
      );
    });
  }

  /** Whether the projection has recorded the decision `eventId` yet. */
  async decisionProjected(eventId: string): Promise<boolean> {
    return this.database.getRepository(ModelDecisionRow).existsBy({ eventId });
  }
}
