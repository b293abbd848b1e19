import type { ReferenceProfile } from '../drift/reference-profile';
import { parseFeatureSpec, type FeatureSpec } from '../features/feature-spec';
import type { ReadmissionTarget } from '../features/target';
import { encodeOnnxModel, type OnnxModel } from '../onnx/onnx-model';
import { readOnnxMetadata } from '../onnx/protobuf-reader';

export const ARTIFACT_FORMAT = '1';

/** What a model is, carried inside its artifact. */
export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  readonly algorithm: 'logistic-regression' | 'gbdt';
  readonly target: ReadmissionTarget;
  /** Scores at or above it are labelled positive. */
  readonly threshold: number;
  readonly params: Readonly<Record<string, string>>;
  readonly trainedAt: number;
}

/** Everything serving and monitoring need besides the graph, read back from an artifact. */
export interface ArtifactContents {
  readonly info: ModelInfo;
  readonly featureSpec: FeatureSpec;
  readonly referenceProfile: ReferenceProfile;
}

const KEYS = {
  format: 'readmit.artifact_format',
  info: 'readmit.model',
  featureSpec: 'readmit.feature_spec',
  referenceProfile: 'readmit.reference_profile',
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
    },
  });
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
  return {
    info: json(KEYS.info) as ModelInfo,
    featureSpec: parseFeatureSpec(json(KEYS.featureSpec)),
    referenceProfile: json(KEYS.referenceProfile) as ReferenceProfile,
  };
}
