import { compareText, type NumberedVersion } from './version-numbers';
import { versionWithAlias } from './stages';

/** An MLflow tag: a key and a string value. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** The prefix of every tag Readmit derives, so none can be taken for a tag someone set. */
export const TAG_PREFIX = 'readmit.';

/**
 * Where a version comes from: `import` for a model trained elsewhere and uploaded to be judged
 * (`POST /v1/models/:name/imports`; the trainer's TrainingCompleted for it names the algorithm
 * `external`), `trainer` for one Readmit's trainer trained.
 */
export function originOf(version: Pick<NumberedVersion, 'algorithm'>): 'trainer' | 'import' {
  return version.algorithm === 'external' ? 'import' : 'trainer';
}

/**
 * A version's tags, derived from what its TrainingCompleted and the decisions about it say (so
 * they cannot be set or deleted: the log is where they come from). Keys under `readmit.`: the
 * Readmit version id, stage, origin, run id, algorithm, feature spec version, threshold,
 * artifact sha256, holdout id and rows, every holdout metric (`readmit.holdout.roc_auc`) and
 * training parameter (`readmit.param.l2`), training time. Unknown values are left out (a
 * version decided before its completion was projected has only the first two).
 */
export function versionTags(version: NumberedVersion): Tag[] {
  const tags: Tag[] = [
    { key: 'readmit.version_id', value: version.version },
    { key: 'readmit.stage', value: version.stage },
  ];
  const add = (key: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined) tags.push({ key, value: String(value) });
  };
  if (version.runId !== null) add('readmit.origin', originOf(version));
  add('readmit.run_id', version.runId);
  add('readmit.algorithm', version.algorithm);
  add('readmit.feature_spec_version', version.featureSpecVersion);
  add('readmit.threshold', version.threshold);
  add('readmit.artifact_sha256', version.artifactSha256);
  add('readmit.holdout_id', version.lineage?.holdoutId);
  add('readmit.train_rows', version.lineage?.trainRows);
  add('readmit.holdout_rows', version.lineage?.holdoutRows);
  add('readmit.training_duration_ms', version.trainingDurationMs);
  for (const [metric, value] of sortedEntries(version.metrics))
    add(`readmit.holdout.${metric}`, value);
  for (const [param, value] of sortedEntries(version.params)) add(`readmit.param.${param}`, value);
  return tags;
}

/**
 * A registered model's tags: how many versions it has, and the Readmit version ids of its
 * champion, challenger and newest version.
 */
export function modelTags(versions: readonly NumberedVersion[]): Tag[] {
  const tags: Tag[] = [{ key: 'readmit.versions', value: String(versions.length) }];
  const champion = versionWithAlias(versions, 'champion');
  const challenger = versionWithAlias(versions, 'challenger');
  const newest = versions.reduce<NumberedVersion | undefined>(
    (latest, version) =>
      latest === undefined || version.number > latest.number ? version : latest,
    undefined,
  );
  if (champion) tags.push({ key: 'readmit.champion_version_id', value: champion.version });
  if (challenger) tags.push({ key: 'readmit.challenger_version_id', value: challenger.version });
  if (newest) tags.push({ key: 'readmit.latest_version_id', value: newest.version });
  return tags;
}

/** Tags as a map, for filters on `tags.<key>`. */
export function tagMap(tags: readonly Tag[]): ReadonlyMap<string, string> {
  return new Map(tags.map((tag) => [tag.key, tag.value]));
}

function sortedEntries<V>(record: Readonly<Record<string, V>> | null): Array<[string, V]> {
  return Object.entries(record ?? {}).sort(([a], [b]) => compareText(a, b));
}
