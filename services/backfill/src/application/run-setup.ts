import type { BackfillProgressed, BackfillRequested } from '@readmit/contracts';
import type { EventSerde } from '@readmit/platform/kafka';
import { loadModel, type LoadedModel } from '@readmit/platform/serving';
import { type ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import type { Backfill } from '../domain/backfill-state';
import { readBackfills } from '../infrastructure/backfill-log';
import { resolveModelVersion } from '../infrastructure/model-versions';
import type { PredictionTable } from '../infrastructure/prediction-table';

// What a run needs before it reads: where earlier runs left it, targets it can write, and the
// model version it scores with. A request this service cannot serve as asked is refused.

/** A backfill that cannot run as asked (unknown version, no target it can write): it fails. */
export class BackfillRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackfillRefused';
  }
}

/** Where a backfill's earlier runs left it, from ml.backfills (committed records only). */
export async function lastCheckpointOf(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix: string,
  backfillId: string,
): Promise<Pick<Backfill, 'progress' | 'completed' | 'startedAt'>> {
  const backfill = (await readBackfills(kafka, serde, topicPrefix, 'backfill-checkpoint')).get(
    backfillId,
  );
  return {
    progress: backfill?.progress ?? null,
    completed: backfill?.completed ?? null,
    startedAt: backfill?.startedAt ?? null,
  };
}

/** Refuses a request with no target this service can write; readies the table it asks for. */
export async function readyTargets(
  request: BackfillRequested,
  table: PredictionTable | null | undefined,
): Promise<void> {
  if (request.targets.length === 0)
    throw new BackfillRefused('no target: ask for TOPIC, TABLE or both');
  if (!request.targets.includes('TABLE')) return;
  if (!table)
    throw new BackfillRefused(
      'the TABLE target needs a database: this backfill service has none configured',
    );
  // Not a refusal: a database that is down may be up for the next attempt.
  await table.ensure().catch((error: unknown) => {
    throw new Error(`the TABLE target is unreachable: ${(error as Error).message}`);
  });
}

export interface RunModelSource {
  readonly kafka: Kafka;
  readonly serde: EventSerde;
  readonly artifacts: ModelArtifactStore;
  readonly modelName: string;
  readonly topicPrefix: string;
}

/**
 * Loads the version a run scores with: the one its earlier runs used, so a resumed backfill
 * keeps its model when the champion has changed; otherwise the version asked for. One that
 * cannot be found or loaded refuses the backfill.
 */
export async function loadRunModel(
  source: RunModelSource,
  request: BackfillRequested,
  resumed: BackfillProgressed | null,
): Promise<LoadedModel> {
  const version =
    resumed?.modelVersion ?? (request.modelVersion === 'champion' ? null : request.modelVersion);
  const served = await resolveModelVersion(
    source.kafka,
    source.serde,
    source.modelName,
    version ?? 'champion',
    source.topicPrefix,
  ).catch((error: unknown) => {
    throw new BackfillRefused((error as Error).message);
  });
  return loadModel(source.modelName, served, source.artifacts).catch((error: unknown) => {
    throw new BackfillRefused((error as Error).message);
  });
}
