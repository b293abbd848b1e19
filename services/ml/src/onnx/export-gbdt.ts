import type { GbdtModel, GbdtTree } from '../trees/gbdt-model';
import { ONNX_INPUT, ONNX_OUTPUT, type OnnxExportOptions } from './export-logistic-regression';
import { attribute, type OnnxModel } from './onnx-model';

const SINGLE_ZERO_LEAF: GbdtTree = {
  feature: Int32Array.of(-1),
  threshold: Float32Array.of(0),
  left: Int32Array.of(-1),
  right: Int32Array.of(-1),
  missingGoesLeft: Uint8Array.of(0),
  value: Float32Array.of(0),
  cover: Float64Array.of(0),
};

/**
 * The boosted trees as ONNX: ai.onnx.ml TreeEnsembleRegressor (BRANCH_LEQ, missing values routed
 * per node, SUM of leaf weights plus the base score) for the margin, then Sigmoid. Float32
 * [N, F] in, probability [N, 1] out, like every Readmit model.
 */
export function gbdtToOnnx(model: GbdtModel, options: OnnxExportOptions): OnnxModel {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const thresholds: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTracksTrue: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetWeights: number[] = [];
  // A model early stopping left with no trees is its base score: one leaf of weight 0 keeps the
  // ensemble valid for ONNX, which needs at least one node.
  const trees = model.trees.length > 0 ? model.trees : [SINGLE_ZERO_LEAF];
  trees.forEach((tree, treeId) => {
    for (let node = 0; node < tree.feature.length; node++) {
      const leaf = tree.feature[node] < 0;
      treeIds.push(treeId);
      nodeIds.push(node);
      featureIds.push(leaf ? 0 : tree.feature[node]);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      thresholds.push(leaf ? 0 : tree.threshold[node]);
      trueIds.push(leaf ? 0 : tree.left[node]);
      falseIds.push(leaf ? 0 : tree.right[node]);
      missingTracksTrue.push(leaf ? 0 : tree.missingGoesLeft[node]);
      if (leaf) {
        targetTreeIds.push(treeId);
        targetNodeIds.push(node);
        targetWeights.push(tree.value[node]);
      }
    }
  });
  return {
    irVersion: 8,
    opsets: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    producerName: 'readmit',
    producerVersion: options.producerVersion,
    docString: options.docString,
    graph: {
      name: 'readmit-gbdt',
      nodes: [
        {
          opType: 'TreeEnsembleRegressor',
          domain: 'ai.onnx.ml',
          inputs: [ONNX_INPUT],
          outputs: ['margin'],
          attributes: {
            n_targets: attribute.int(1),
            aggregate_function: attribute.string('SUM'),
            post_transform: attribute.string('NONE'),
            base_values: attribute.floats([model.baseScore]),
            nodes_treeids: attribute.ints(treeIds),
            nodes_nodeids: attribute.ints(nodeIds),
            nodes_featureids: attribute.ints(featureIds),
            nodes_modes: attribute.strings(modes),
            nodes_values: attribute.floats(thresholds),
            nodes_truenodeids: attribute.ints(trueIds),
            nodes_falsenodeids: attribute.ints(falseIds),
            nodes_missing_value_tracks_true: attribute.ints(missingTracksTrue),
            target_treeids: attribute.ints(targetTreeIds),
            target_nodeids: attribute.ints(targetNodeIds),
            target_ids: attribute.ints(new Array<number>(targetNodeIds.length).fill(0)),
            target_weights: attribute.floats(targetWeights),
          },
        },
        { opType: 'Sigmoid', inputs: ['margin'], outputs: [ONNX_OUTPUT] },
      ],
      initializers: [],
      inputs: [{ name: ONNX_INPUT, type: 'float', shape: ['N', model.features] }],
      outputs: [{ name: ONNX_OUTPUT, type: 'float', shape: ['N', 1] }],
    },
    metadata: options.metadata,
  };
}
