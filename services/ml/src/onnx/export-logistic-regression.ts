import type { LogisticRegressionModel } from '../linear/logistic-regression';
import type { OnnxModel } from './onnx-model';

/** Graph input and output names shared by every Readmit model. */
export const ONNX_INPUT = 'features';
export const ONNX_OUTPUT = 'probability';

export interface OnnxExportOptions {
  /** Carried as metadata_props (feature spec, reference profile, lineage…). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly producerVersion: string;
  readonly docString?: string;
}

/**
 * The logistic regression as plain ONNX operators: probability = Sigmoid(features · W + b),
 * float32 [N, F] in, float32 [N, 1] out.
 */
export function logisticRegressionToOnnx(
  model: LogisticRegressionModel,
  options: OnnxExportOptions,
): OnnxModel {
  const features = model.weights.length;
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'readmit',
    producerVersion: options.producerVersion,
    docString: options.docString,
    graph: {
      name: 'readmit-logistic-regression',
      nodes: [
        { opType: 'MatMul', inputs: [ONNX_INPUT, 'weights'], outputs: ['weighted'] },
        { opType: 'Add', inputs: ['weighted', 'intercept'], outputs: ['logit'] },
        { opType: 'Sigmoid', inputs: ['logit'], outputs: [ONNX_OUTPUT] },
      ],
      initializers: [
        { name: 'weights', dims: [features, 1], type: 'float', values: model.weights },
        { name: 'intercept', dims: [1], type: 'float', values: [model.intercept] },
      ],
      inputs: [{ name: ONNX_INPUT, type: 'float', shape: ['N', features] }],
      outputs: [{ name: ONNX_OUTPUT, type: 'float', shape: ['N', 1] }],
    },
    metadata: options.metadata,
  };
}
