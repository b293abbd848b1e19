import { ProtobufWriter } from './protobuf-writer';

/** The tensor element types we write (TensorProto.DataType). */
export const ONNX_TYPES = { float: 1, int64: 7, string: 8, double: 11 } as const;
export type OnnxElementType = keyof typeof ONNX_TYPES;

/** A node attribute, tagged with its ONNX attribute type. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly values: ArrayLike<number> }
  | { readonly kind: 'floats'; readonly values: ArrayLike<number> }
  | { readonly kind: 'strings'; readonly values: readonly string[] };

export const attribute = {
  int: (value: number): OnnxAttribute => ({ kind: 'int', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
  ints: (values: ArrayLike<number>): OnnxAttribute => ({ kind: 'ints', values }),
  floats: (values: ArrayLike<number>): OnnxAttribute => ({ kind: 'floats', values }),
  strings: (values: readonly string[]): OnnxAttribute => ({ kind: 'strings', values }),
};

export interface OnnxNode {
  readonly opType: string;
  /** '' for the standard operators, 'ai.onnx.ml' for the traditional-ML ones. */
  readonly domain?: string;
  readonly name?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A constant tensor (an initializer). */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: 'float' | 'int64';
  readonly values: ArrayLike<number>;
}

/** A graph input or output: element type and shape (a string names a free dimension). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: ReadonlyArray<number | string>;
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsets: ReadonlyArray<{ readonly domain: string; readonly version: number }>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly graph: {
    readonly name: string;
    readonly nodes: readonly OnnxNode[];
    readonly initializers: readonly OnnxTensor[];
    readonly inputs: readonly OnnxValueInfo[];
    readonly outputs: readonly OnnxValueInfo[];
  };
  /** metadata_props: readable by any ONNX runtime (onnxruntime exposes them). */
  readonly metadata: Readonly<Record<string, string>>;
}

// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, ...).
const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

function writeAttribute(writer: ProtobufWriter, name: string, value: OnnxAttribute): void {
  writer.string(1, name);
  switch (value.kind) {
    case 'float':
      writer.float(2, value.value);
      break;
    case 'int':
      writer.int(3, value.value);
      break;
    case 'string':
      writer.string(4, value.value);
      break;
    case 'floats':
      writer.packedFloats(7, value.values);
      break;
    case 'ints':
      writer.packedInts(8, value.values);
      break;
    case 'strings':
      for (const text of value.values) writer.string(9, text);
      break;
  }
  writer.int(20, ATTRIBUTE_TYPES[value.kind]);
}

function writeNode(writer: ProtobufWriter, node: OnnxNode): void {
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  if (node.name) writer.string(3, node.name);
  writer.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {}))
    writer.message(5, (nested) => writeAttribute(nested, name, value));
  if (node.domain) writer.string(7, node.domain);
}

function writeTensor(writer: ProtobufWriter, tensor: OnnxTensor): void {
  writer.packedInts(1, tensor.dims);
  writer.int(2, ONNX_TYPES[tensor.type]);
  if (tensor.type === 'float') writer.packedFloats(4, tensor.values);
  else writer.packedInts(7, tensor.values);
  writer.string(8, tensor.name);
}

function writeValueInfo(writer: ProtobufWriter, value: OnnxValueInfo): void {
  writer.string(1, value.name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, ONNX_TYPES[value.type]);
      tensorType.message(2, (shape) => {
        for (const dimension of value.shape)
          shape.message(1, (dim) =>
            typeof dimension === 'number' ? dim.int(1, dimension) : dim.string(2, dimension),
          );
      });
    }),
  );
}

/** Serialises a model to the ONNX protobuf format. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const writer = new ProtobufWriter();
  writer.int(1, model.irVersion);
  writer.string(2, model.producerName);
  writer.string(3, model.producerVersion);
  if (model.docString) writer.string(6, model.docString);
  writer.message(7, (graph) => {
    for (const node of model.graph.nodes) graph.message(1, (nested) => writeNode(nested, node));
    graph.string(2, model.graph.name);
    for (const tensor of model.graph.initializers)
      graph.message(5, (nested) => writeTensor(nested, tensor));
    for (const input of model.graph.inputs)
      graph.message(11, (nested) => writeValueInfo(nested, input));
    for (const output of model.graph.outputs)
      graph.message(12, (nested) => writeValueInfo(nested, output));
  });
  for (const opset of model.opsets)
    writer.message(8, (nested) => nested.string(1, opset.domain).int(2, opset.version));
  for (const [key, value] of Object.entries(model.metadata))
    writer.message(14, (entry) => entry.string(1, key).string(2, value));
  return writer.finish();
}
