import { InferenceSession, Tensor } from 'onnxruntime-node';

/** Rows of float32 features, row-major (the shape of @readmit/ml's DenseMatrix). */
export interface FeatureRows {
  readonly rows: number;
  readonly columns: number;
  readonly values: Float32Array;
}

/**
 * A Readmit model loaded into onnxruntime: float32 features [N, F] in, one probability per row
 * out. The graph's single input and output are found by position, so any of our exporters'
 * models load the same way.
 */
export class OnnxScorer {
  private constructor(
    private readonly session: InferenceSession,
    readonly inputName: string,
    readonly outputName: string,
  ) {}

  static async load(model: Uint8Array): Promise<OnnxScorer> {
    const session = await InferenceSession.create(model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // Our graphs are small (a tree ensemble or a matrix product): one thread scores a batch
      // as fast as several, and onnxruntime's default spinning threads burn most of a core
      // between calls, which on a small machine slows Kafka and everything else down.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
    const [inputName] = session.inputNames;
    const outputName =
      session.outputNames.find((name) => name === 'probability') ?? session.outputNames[0];
    if (!inputName || !outputName)
      throw new Error('the ONNX model needs one input (features) and an output (probability)');
    return new OnnxScorer(session, inputName, outputName);
  }

  /** One probability per row. */
  async score(features: FeatureRows): Promise<Float32Array> {
    const input = new Tensor('float32', features.values, [features.rows, features.columns]);
    const outputs = await this.session.run({ [this.inputName]: input });
    const output = outputs[this.outputName];
    if (output.type !== 'float32')
      throw new Error(`the model's ${this.outputName} output is ${output.type}, not float32`);
    return output.data as Float32Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
