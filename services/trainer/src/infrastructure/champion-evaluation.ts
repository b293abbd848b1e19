import type { ChampionEvaluation } from '@readmit/contracts';
import { FeatureEncoder, readModelArtifact, type ReadmissionTarget } from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';
import { evaluateOnHoldout } from '../application/train-models';
import type { LabelledEncounter } from '../domain/training-set';

/** The champion as the trainer judges it: its verified artifact and the threshold it serves at. */
export interface ChampionArtifact {
  readonly version: string;
  readonly artifactSha256: string;
  readonly threshold: number;
  readonly bytes: Uint8Array;
}

/** The champion scored on the run's holdout, or why it was not. */
export type ChampionVerdict =
  | { readonly evaluation: ChampionEvaluation }
  | { readonly evaluation: null; readonly reason: string };

/**
 * Scores the champion on this run's holdout with its own feature spec and graph (in
 * onnxruntime, as it serves), and judges the scores at the champion's threshold exactly as the
 * candidate was judged. A champion of another target cannot be compared; any failure to read or
 * run its artifact leaves the run without a champion evaluation rather than failing it.
 */
export async function evaluateChampion(
  champion: ChampionArtifact,
  holdout: { readonly rows: readonly LabelledEncounter[]; readonly labels: Uint8Array },
  target: ReadmissionTarget,
): Promise<ChampionVerdict> {
  let scorer: OnnxScorer | undefined;
  try {
    const { info, featureSpec } = readModelArtifact(champion.bytes);
    if (info.target !== target)
      return {
        evaluation: null,
        reason: `champion ${champion.version} predicts target ${info.target}, this run ${target}`,
      };
    const features = new FeatureEncoder(featureSpec).encodeAll(
      holdout.rows.map((row) => row.encounter),
    );
    scorer = await OnnxScorer.load(champion.bytes);
    const scores = await scorer.score(features);
    const judged = evaluateOnHoldout(holdout.rows, holdout.labels, scores, champion.threshold);
    return {
      evaluation: {
        version: champion.version,
        artifactSha256: champion.artifactSha256,
        threshold: champion.threshold,
        metrics: judged.metrics,
        subgroupMetrics: judged.subgroupMetrics,
      },
    };
  } catch (error) {
    return {
      evaluation: null,
      reason: `champion ${champion.version} could not be scored: ${(error as Error).message}`,
    };
  } finally {
    // A failed release must not turn a verdict into an error.
    await scorer?.close().catch(() => undefined);
  }
}
