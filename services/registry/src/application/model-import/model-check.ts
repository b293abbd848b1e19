import { readOnnxMetadata, type FeatureSpec } from '@readmit/ml';
import { OnnxScorer } from '@readmit/platform/onnx';

/**
 * Whether an uploaded ONNX file can serve as a model of the given feature spec: it loads in
 * onnxruntime (as scoring runs it), takes one input, scores a batch of the spec's FP32 [N, F]
 * features and gives one probability per row. Returns the problems found, none when it can.
 * The trainer judges it on the holdout afterwards; this is what can be refused at once.
 */
export async function checkImportedModel(
  onnx: Uint8Array,
  featureSpec: FeatureSpec,
): Promise<string[]> {
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxMetadata(onnx);
  } catch (error) {
    return [`not an ONNX model: ${(error as Error).message}`];
  }
  const ours = Object.keys(metadata).filter((key) => key.startsWith('readmit.'));
  if (ours.length > 0)
    return [
      `the file is a Readmit artifact already (it carries ${ours.join(', ')}): import the model as it was trained`,
    ];
  let scorer: OnnxScorer;
  try {
    scorer = await OnnxScorer.load(onnx);
  } catch (error) {
    return [`onnxruntime cannot load the model: ${(error as Error).message}`];
  }
  try {
    const width = featureSpec.featureNames.length;
    if (scorer.inputNames.length !== 1)
      return [
        `the model takes ${scorer.inputNames.length} inputs (${scorer.inputNames.join(', ')}); an imported model takes one FP32 [N, ${width}] feature tensor (a pipeline over raw columns is not supported yet)`,
      ];
    const rows = 2;
    try {
      const scores = await scorer.score({
        rows,
        columns: width,
        values: new Float32Array(rows * width),
      });
      if (scores.length !== rows)
        return [`the model gave ${scores.length} scores for ${rows} rows`];
    } catch (error) {
      return [
        `the model does not score the feature spec's FP32 [N, ${width}] features: ${(error as Error).message}`,
      ];
    }
    return [];
  } finally {
    await scorer.close().catch(() => undefined);
  }
}
