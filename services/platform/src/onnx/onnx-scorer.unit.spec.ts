import { encodeOnnxModel, type OnnxModel } from '@readmit/ml';
import { OnnxScorer } from './onnx-scorer';

/**
 * A two-feature classifier as converters write them (onnxmltools, skl2onnx with zipmap=False):
 * `label` first, then `probabilities` [N, 2] = Softmax(features · W), classes 0 and 1.
 */
function twoClassModel(probabilityOutput: string, columns: 1 | 2 = 2): OnnxModel {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 'elsewhere',
    producerVersion: '1',
    graph: {
      name: 'classifier',
      nodes: [
        { opType: 'MatMul', inputs: ['input', 'weights'], outputs: ['logits'] },
        { opType: 'Softmax', inputs: ['logits'], outputs: [probabilityOutput] },
        { opType: 'ArgMax', inputs: [probabilityOutput], outputs: ['label'] },
      ],
      initializers: [
        {
          name: 'weights',
          dims: [2, columns],
          type: 'float',
          values: columns === 2 ? [0, 1, 0, -1] : [1, -1],
        },
      ],
      inputs: [{ name: 'input', type: 'float', shape: ['N', 2] }],
      outputs: [
        { name: 'label', type: 'int64', shape: ['A', 'B'] },
        { name: probabilityOutput, type: 'float', shape: ['N', columns] },
      ],
    },
    metadata: {},
  };
}

const rows = { rows: 3, columns: 2, values: new Float32Array([0, 0, 1, 0, 0, 1]) };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('OnnxScorer on models trained elsewhere', () => {
  it("reads the positive class from a converter's [N, 2] probabilities, whatever comes first", async () => {
    const scorer = await OnnxScorer.load(encodeOnnxModel(twoClassModel('probabilities')));
    expect(scorer.outputName).toBe('probabilities');
    expect(scorer.inputNames).toEqual(['input']);
    // Softmax over (0, x1 - x2) is Sigmoid(x1 - x2).
    const scores = await scorer.score(rows);
    expect(Array.from(scores)).toEqual(
      [0, 1, -1].map((logit) => expect.closeTo(sigmoid(logit), 6)),
    );
    await scorer.close();
  });

  it('refuses an output with other than one or two values per row, saying its shape', async () => {
    const model = twoClassModel('probabilities');
    const three: OnnxModel = {
      ...model,
      graph: {
        ...model.graph,
        initializers: [
          { name: 'weights', dims: [2, 3], type: 'float', values: [0, 1, 2, 0, 1, 2] },
        ],
        outputs: [{ name: 'probabilities', type: 'float', shape: ['N', 3] }],
        nodes: model.graph.nodes.slice(0, 2),
      },
    };
    const scorer = await OnnxScorer.load(encodeOnnxModel(three));
    await expect(scorer.score(rows)).rejects.toThrow(
      /output has shape \[3, 3\] for 3 rows: expected one probability per row, or two/,
    );
    await scorer.close();
  });
});
