import { backfillRun } from '../backfill-throughput.bench';
import { scoringRound, type BenchCluster } from '../scoring-throughput.bench';

/** Encounters/s of one scoring process and of one backfill on a Kafka. */
export interface ScoringAndBackfillRates {
  readonly scoring: number;
  readonly backfill: number;
}

/**
 * One scoring process (transactions of `batch`) and then one backfill (chunks of `chunk`) over
 * `encounters` each, against `cluster`; prints each rate under `name`. For benches that compare
 * Kafka setups (replication, security) in one run.
 */
export async function measureScoringAndBackfill(
  name: string,
  cluster: BenchCluster,
  model: { readonly root: string; readonly uri: string; readonly sha256: string },
  sizes: { readonly encounters: number; readonly batch: number; readonly chunk: number },
): Promise<ScoringAndBackfillRates> {
  const scoring = await scoringRound(1, model.root, model, {
    encounters: sizes.encounters,
    batch: sizes.batch,
    cluster,
  });
  console.log(
    `${name}: stream scoring ${Math.round(scoring.perSecond)} encounters/s (${scoring.encounters} in ${scoring.scoringSeconds.toFixed(1)} s)`,
  );
  const backfill = await backfillRun({
    encounters: sizes.encounters,
    chunk: sizes.chunk,
    artifactsRoot: model.root,
    model,
    cluster,
  });
  console.log(
    `${name}: backfill ${Math.round(backfill.perSecond)} encounters/s (${backfill.processed} in ${backfill.seconds.toFixed(1)} s)`,
  );
  return { scoring: scoring.perSecond, backfill: backfill.perSecond };
}
