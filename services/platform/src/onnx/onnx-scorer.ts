import { InferenceSession, Tensor } from 'onnxruntime-node';

/** Rows of float32 features, row-major (the shape of @readmit/ml's DenseMatrix). */
export interface FeatureRows {
  readonly rows: number;
  readonly columns: number;
  readonly values: Float32Array;
}

/** The output names that carry the positive class's probability, in order of preference. */
const PROBABILITY_OUTPUTS = ['probability', 'probabilities', 'output_probability'];

/**
 * A Readmit model loaded into onnxruntime: float32 features [N, F] in, one probability per row
 * out. The graph's first input takes the features. The probability is the output named
 * `probability` (ours: [N]), else `probabilities` (onnxmltools' and skl2onnx's classifiers
 * without ZipMap: [N, 2], the positive class second), else the first output.
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
      PROBABILITY_OUTPUTS.find((name) => session.outputNames.includes(name)) ??
      session.outputNames[0];
    if (!inputName || !outputName)
      throw new Error('the ONNX model needs one input (features) and an output (probability)');
    return new OnnxScorer(session, inputName, outputName);
  }

  /** Every input the graph declares: a model scored by features has exactly one. */
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** One probability per row. */
  async score(features: FeatureRows): Promise<Float32Array> {
    const input = new Tensor('float32', features.values, [features.rows, features.columns]);
    // Only the probability: a converter's other outputs (a label declared [1] by onnxmltools)
    // are neither computed for nothing nor checked against shapes they do not have.
    const outputs = await this.session.run({ [this.inputName]: input }, [this.outputName]);
    const output = outputs[this.outputName];
    if (output.type !== 'float32')
      throw new Error(
        `the model's ${this.outputName} output is ${output.type}, not float32 (a classifier exported with ZipMap gives a sequence of maps: export it with zipmap=False)`,
      );
    const data = output.data as Float32Array;
    const perRow = features.rows === 0 ? 1 : data.length / features.rows;
    if (perRow === 1) return data;
    if (perRow === 2 && output.dims.length === 2) {
      // [N, 2]: the probabilities of classes 0 and 1; the positive class is second.
      const positive = new Float32Array(features.rows);
      for (let row = 0; row < features.rows; row++) positive[row] = data[row * 2 + 1];
      return positive;
    }
    throw new Error(
      `the model's ${this.outputName} output has shape [${output.dims.join(', ')}] for ${features.rows} rows: expected one probability per row, or two (classes 0 and 1)`,
    );
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
