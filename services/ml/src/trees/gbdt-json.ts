import type { GbdtModel, GbdtTree } from './gbdt-model';

/** One tree as plain JSON arrays, node by node as in GbdtTree. */
export interface GbdtTreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  missingGoesLeft: boolean[];
  value: number[];
  cover: number[];
}

/**
 * The model as plain JSON. Float32 thresholds and values are written as the float64 numbers they
 * equal, which JSON round-trips exactly, so a loaded model predicts bit for bit like the trained
 * one.
 */
export interface GbdtJson {
  kind: 'gbdt';
  baseScore: number;
  features: number;
  trees: GbdtTreeJson[];
}

export function gbdtToJson(model: GbdtModel): GbdtJson {
  return {
    kind: model.kind,
    baseScore: model.baseScore,
    features: model.features,
    trees: model.trees.map((tree) => ({
      feature: Array.from(tree.feature),
      threshold: Array.from(tree.threshold),
      left: Array.from(tree.left),
      right: Array.from(tree.right),
      missingGoesLeft: Array.from(tree.missingGoesLeft, (flag) => flag === 1),
      value: Array.from(tree.value),
      cover: Array.from(tree.cover),
    })),
  };
}

/**
 * Validates everything, since the input typically comes from JSON.parse of a stored artifact:
 * the shapes, that each tree really is a tree (every node but the root has exactly one parent,
 * which comes before it, so prediction always ends at a leaf), feature indices in range, and
 * thresholds and values that are float32 numbers, as ONNX will store them.
 */
export function gbdtFromJson(json: unknown): GbdtModel {
  const fields = asObject(json, 'GBDT JSON');
  if (fields.kind !== 'gbdt') {
    throw new Error(`Expected kind 'gbdt', got ${JSON.stringify(fields.kind)}`);
  }
  const features = fields.features;
  if (!isNonNegativeInteger(features)) {
    throw new Error('GBDT JSON: features must be a non-negative integer');
  }
  const baseScore = fields.baseScore;
  if (!isFloat32(baseScore)) throw new Error('GBDT JSON: baseScore must be a finite float32');
  if (!Array.isArray(fields.trees)) throw new Error('GBDT JSON: trees must be an array');
  const trees = fields.trees.map((tree: unknown, index) => treeFromJson(tree, features, index));
  return { kind: 'gbdt', baseScore, features, trees };
}

function treeFromJson(json: unknown, features: number, index: number): GbdtTree {
  const where = `GBDT JSON: tree ${index}`;
  const fields = asObject(json, where);
  const size = Array.isArray(fields.feature) ? fields.feature.length : 0;
  if (size === 0) throw new Error(`${where}: feature must be a non-empty array`);
  const feature = numberArray(fields, 'feature', size, where);
  const threshold = numberArray(fields, 'threshold', size, where);
  const left = numberArray(fields, 'left', size, where);
  const right = numberArray(fields, 'right', size, where);
  const value = numberArray(fields, 'value', size, where);
  const cover = numberArray(fields, 'cover', size, where);
  const missingGoesLeft = fields.missingGoesLeft;
  if (!Array.isArray(missingGoesLeft) || missingGoesLeft.length !== size) {
    throw new Error(`${where}: missingGoesLeft must be an array of ${size} entries`);
  }
  missingGoesLeft.forEach((entry: unknown, node) => {
    if (typeof entry !== 'boolean') {
      throw new Error(`${where}: missingGoesLeft[${node}] is not a boolean`);
    }
  });

  const parents = new Int32Array(size);
  for (let node = 0; node < size; node++) {
    const at = `${where}, node ${node}`;
    const split = feature[node];
    if (!Number.isInteger(split) || split < -1 || split >= features) {
      throw new Error(`${at}: feature ${split} is not −1 (leaf) or a column below ${features}`);
    }
    if (!isFloat32(value[node])) throw new Error(`${at}: value is not a float32 number`);
    if (!(cover[node] >= 0)) throw new Error(`${at}: cover is negative`);
    if (split === -1) {
      if (left[node] !== -1 || right[node] !== -1) {
        throw new Error(`${at}: a leaf needs left = right = −1`);
      }
      continue;
    }
    if (!isFloat32(threshold[node])) throw new Error(`${at}: threshold is not a float32 number`);
    if (left[node] === right[node]) throw new Error(`${at}: left and right are the same node`);
    for (const child of [left[node], right[node]]) {
      if (!Number.isInteger(child) || child <= node || child >= size) {
        throw new Error(`${at}: child ${child} must be a later node of the tree`);
      }
      parents[child]++;
    }
  }
  for (let node = 1; node < size; node++) {
    if (parents[node] !== 1) {
      throw new Error(`${where}, node ${node}: has ${parents[node]} parents, expected 1`);
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingGoesLeft: Uint8Array.from(missingGoesLeft as boolean[], (flag) => (flag ? 1 : 0)),
    value: Float32Array.from(value),
    cover: Float64Array.from(cover),
  };
}

function numberArray(
  fields: Record<string, unknown>,
  name: string,
  size: number,
  where: string,
): number[] {
  const array = fields[name];
  if (!Array.isArray(array) || array.length !== size) {
    throw new Error(`${where}: ${name} must be an array of ${size} entries`);
  }
  array.forEach((entry: unknown, node) => {
    if (!isFiniteNumber(entry))
      throw new Error(`${where}: ${name}[${node}] is not a finite number`);
  });
  return array as number[];
}

function asObject(json: unknown, what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`${what} must be an object`);
  }
  return json as Record<string, unknown>;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isFloat32(value: unknown): value is number {
  return isFiniteNumber(value) && Math.fround(value) === value;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
