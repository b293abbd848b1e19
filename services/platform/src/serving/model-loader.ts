import {
  FeatureEncoder,
  ModelExplainer,
  readModelArtifact,
  type ModelInfo,
  type ServedModel,
} from '@readmit/ml';
import { OnnxScorer } from '../onnx/onnx-scorer';
import type { ModelArtifactStore } from '../storage/model-artifact-store';

/** A model ready to score: its artifact verified, its session warmed. */
export interface LoadedModel {
  readonly modelName: string;
  readonly version: string;
  /** The threshold it serves at (from the registry's decision). */
  readonly threshold: number;
  readonly artifactSha256: string;
  readonly info: ModelInfo;
  readonly encoder: FeatureEncoder;
  readonly scorer: OnnxScorer;
  /** Per-feature contributions, when the artifact carries the model's parameters. */
  readonly explainer: ModelExplainer | null;
}

/** An artifact that cannot serve: missing, altered (sha256), unreadable, or failing to score. */
export class ModelLoadError extends Error {
  constructor(
    readonly version: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/**
 * Loads a served version: fetches and verifies the artifact, reads its feature spec, opens an
 * onnxruntime session and scores one row, so the first real batch pays no warm-up and a model
 * that cannot score is refused before it replaces anything.
 */
export async function loadModel(
  modelName: string,
  served: ServedModel,
  artifacts: ModelArtifactStore,
): Promise<LoadedModel> {
  let scorer: OnnxScorer | undefined;
  try {
    const bytes = await artifacts.load(served.artifactUri, served.artifactSha256);
    const contents = readModelArtifact(bytes);
    const { info, featureSpec } = contents;
    const encoder = new FeatureEncoder(featureSpec);
    scorer = await OnnxScorer.load(bytes);
    const warmUp = await scorer.score({
      rows: 1,
      columns: encoder.width,
      values: new Float32Array(encoder.width),
    });
    if (warmUp.length !== 1 || !Number.isFinite(warmUp[0]))
      throw new Error('the model does not give one finite probability per row');
    return {
      modelName,
      version: served.version,
      threshold: served.threshold,
      artifactSha256: served.artifactSha256,
      info,
      encoder,
      scorer,
      explainer: contents.model ? ModelExplainer.fromArtifact(contents) : null,
    };
  } catch (error) {
    await scorer?.close().catch(() => undefined);
    throw new ModelLoadError(
      served.version,
      `${modelName} ${served.version} cannot serve: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
