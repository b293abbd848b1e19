import type { ReferenceProfile } from '../drift/reference-profile';
import { parseFeatureSpec, type FeatureSpec } from '../features/feature-spec';
import type { ReadmissionTarget } from '../features/target';
import {
  logisticRegressionFromJson,
  type LogisticRegressionJson,
} from '../linear/logistic-regression-json';
import { encodeOnnxModel, type OnnxModel } from '../onnx/onnx-model';
import { ProtobufWriter } from '../onnx/protobuf-writer';
import { protobufFields, readOnnxMetadata } from '../onnx/protobuf-reader';
import { gbdtFromJson, type GbdtJson } from '../trees/gbdt-json';

export const ARTIFACT_FORMAT = '1';

/** What a model is, carried inside its artifact. */
export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  /** `external`: trained elsewhere and imported (its framework is in params). */
  readonly algorithm: 'logistic-regression' | 'gbdt' | 'external';
  readonly target: ReadmissionTarget;
  /** Scores at or above it are labelled positive. */
  readonly threshold: number;
  readonly params: Readonly<Record<string, string>>;
  readonly trainedAt: number;
}

/**
 * The model's parameters in the JSON forms our own code reads, beside the ONNX graph that
 * onnxruntime runs: what per-prediction explanations are computed from.
 */
export type ModelParameters =
  | { readonly algorithm: 'logistic-regression'; readonly json: LogisticRegressionJson }
  | { readonly algorithm: 'gbdt'; readonly json: GbdtJson };

/** Everything serving and monitoring need besides the graph, read back from an artifact. */
export interface ArtifactContents {
  readonly info: ModelInfo;
  readonly featureSpec: FeatureSpec;
  readonly referenceProfile: ReferenceProfile;
  /**
   * Undefined for artifacts built before they carried it: such models score, but cannot be
   * explained. An optional key, so the artifact format stays 1 and older artifacts still load.
   */
  readonly model?: ModelParameters;
}

const KEYS = {
  format: 'readmit.artifact_format',
  info: 'readmit.model',
  featureSpec: 'readmit.feature_spec',
  referenceProfile: 'readmit.reference_profile',
  model: 'readmit.model_params',
} as const;

/**
 * A self-describing model artifact: the ONNX graph with the model's info, its feature spec and
 * its reference data profile in metadata_props, so one file is all a scorer or monitor needs.
 * Its sha256 travels in the events that name it.
 */
export function buildModelArtifact(graph: OnnxModel, contents: ArtifactContents): Uint8Array {
  return encodeOnnxModel({
    ...graph,
    metadata: {
      ...graph.metadata,
      [KEYS.format]: ARTIFACT_FORMAT,
      [KEYS.info]: JSON.stringify(contents.info),
      [KEYS.featureSpec]: JSON.stringify(contents.featureSpec),
      [KEYS.referenceProfile]: JSON.stringify(contents.referenceProfile),
      ...(contents.model && { [KEYS.model]: JSON.stringify(contents.model) }),
    },
  });
}

/**
 * An externally trained ONNX model made a Readmit artifact: the model's own bytes, untouched,
 * followed by Readmit's metadata_props entries. Protobuf merges a repeated field written after
 * the rest of a message into it, so every ONNX reader sees the model with our metadata added;
 * a model that already carries `readmit.` keys is refused rather than given two of them.
 * External models carry no parameters of ours: they score, but are not explained.
 */
export function wrapExternalModel(
  model: Uint8Array,
  contents: Omit<ArtifactContents, 'model'>,
): Uint8Array {
  let existing: Record<string, string>;
  try {
    existing = readOnnxMetadata(model);
  } catch (error) {
    throw new Error(`not an ONNX model: ${(error as Error).message}`);
  }
  if (![...protobufFields(model)].some((field) => field.field === 7 && field.wireType === 2))
    throw new Error('not an ONNX model: it has no graph');
  const clashing = Object.keys(existing).filter((key) => key.startsWith('readmit.'));
  if (clashing.length > 0)
    throw new Error(
      `the model already carries Readmit metadata (${clashing.join(', ')}): import the model as trained, not a Readmit artifact`,
    );
  const entries = new ProtobufWriter();
  for (const [key, value] of Object.entries({
    [KEYS.format]: ARTIFACT_FORMAT,
    [KEYS.info]: JSON.stringify(contents.info),
    [KEYS.featureSpec]: JSON.stringify(contents.featureSpec),
    [KEYS.referenceProfile]: JSON.stringify(contents.referenceProfile),
  }))
    entries.message(14, (entry) => entry.string(1, key).string(2, value));
  const appended = entries.finish();
  const artifact = new Uint8Array(model.length + appended.length);
  artifact.set(model, 0);
  artifact.set(appended, model.length);
  return artifact;
}

export function readModelArtifact(bytes: Uint8Array): ArtifactContents {
  const metadata = readOnnxMetadata(bytes);
  if (metadata[KEYS.format] !== ARTIFACT_FORMAT)
    throw new Error(
      `not a Readmit model artifact of format ${ARTIFACT_FORMAT} (found ${metadata[KEYS.format] ?? 'none'})`,
    );
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]);
    } catch {
      throw new Error(`model artifact: ${key} is not valid JSON`);
    }
  };
  const info = json(KEYS.info) as ModelInfo;
  const featureSpec = parseFeatureSpec(json(KEYS.featureSpec));
  const contents = {
    info,
    featureSpec,
    referenceProfile: json(KEYS.referenceProfile) as ReferenceProfile,
  };
  if (metadata[KEYS.model] === undefined) return contents;
  return { ...contents, model: parseModelParameters(json(KEYS.model), info, featureSpec) };
}

/**
 * Checks the parameters as the model they describe (the FromJson parsers validate every
 * number and tree), and that they fit the artifact around them: the same algorithm as its
 * info, one weight or split column per feature column.
 */
function parseModelParameters(
  parsed: unknown,
  info: ModelInfo,
  featureSpec: FeatureSpec,
): ModelParameters {
  const where = `model artifact: ${KEYS.model}`;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${where} is not an object`);
  const { algorithm, json } = parsed as { algorithm?: unknown; json?: unknown };
  if (algorithm !== info.algorithm)
    throw new Error(
      `${where}: algorithm ${JSON.stringify(algorithm)} is not the model's ${info.algorithm}`,
    );
  const features =
    algorithm === 'gbdt'
      ? gbdtFromJson(json).features
      : logisticRegressionFromJson(json).weights.length;
  const columns = featureSpec.featureNames.length;
  if (features !== columns)
    throw new Error(
      `${where}: the model takes ${features} features, the feature spec has ${columns}`,
    );
  return parsed as ModelParameters;
}
