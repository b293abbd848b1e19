import type { PredictionIds, Pseudonymize } from '@readmit/contracts';
import { OPTIONAL_COLUMNS, quotedValue, type FieldError } from '@readmit/ml';
import { z } from 'zod';
import { decodeBinaryTensor, encodeBool, encodeFp32, type TensorElement } from './binary-tensors';
import {
  INPUT_COLUMNS,
  issuesAsFieldErrors,
  parseEncounterInput,
  requiredInputColumns,
  type CallerEncounter,
  type Parsed,
} from './encounter-input';

/**
 * The Open Inference Protocol's (KServe v2, Triton HTTP) tensors ⇄ what Readmit scores. An
 * inference request holds either
 *
 * - named tabular inputs, one tensor per diabetic_data.csv column as MLServer's pandas codec sends
 *   a DataFrame (BYTES for strings, integers or floats for numbers; shape [N] or [N, 1]), read row
 *   by row into encounters by exactly the rules of `POST /v1/predictions` (parseEncounterInput);
 * - or one FP32 [N, F] tensor of features already encoded in the serving model's feature order.
 *
 * The answer holds `probability` (FP32 [N]) and `label` (BOOL [N], probability ≥ the model's
 * threshold). Pure: bytes and JSON in, encounters and feature rows out; tensors back.
 */

/** The feature tensor's name in the model metadata. */
export const FEATURES_INPUT = 'features';

export const OUTPUT_NAMES = ['probability', 'label'] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** The label column of diabetic_data.csv: sent along by a DataFrame of the file, and ignored. */
const LABEL_COLUMN = 'readmitted';

/** The tensors that are columns of an encounter (required ones and optional ones). */
const COLUMN_INPUTS: ReadonlySet<string> = new Set<string>([
  ...INPUT_COLUMNS,
  ...OPTIONAL_COLUMNS,
  LABEL_COLUMN,
]);

/** The datatypes a column tensor may have: text, or numbers the rules read as /v1 reads JSON numbers. */
export const COLUMN_DATATYPES: readonly string[] = [
  'BYTES',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'FP32',
  'FP64',
];

const INTEGER_DATATYPES = new Set(COLUMN_DATATYPES.filter((type) => /INT/.test(type)));
const DATATYPES = new Set([...COLUMN_DATATYPES, 'BOOL', 'FP16', 'BF16']);

/** An input tensor read from a request: its elements flat, in row-major order. */
export interface InputTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly TensorElement[];
}

export interface RequestedOutput {
  readonly name: OutputName;
  /** Its data in the binary part of the answer rather than in JSON. */
  readonly binary: boolean;
}

export interface InferenceRequest {
  /** The caller's own id of the request, echoed in the answer. */
  readonly id?: string;
  readonly inputs: readonly InputTensor[];
  /** What to answer, in order: every output when the request names none. */
  readonly outputs: readonly RequestedOutput[];
}

/**
 * Most values of one feature tensor: the request to scoring is one Kafka message (1 MB by
 * default), and a float32 written as JSON takes up to ~20 bytes.
 */
export const MAX_FEATURE_VALUES = 32_768;

/** At most this many problems are listed in one answer. */
export const MAX_LISTED_PROBLEMS = 20;

const parameters = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
const requestSchema = z.object(
  {
    id: z.string({ error: 'must be a string' }).optional(),
    parameters: parameters.optional(),
    inputs: z
      .array(
        z.object(
          {
            name: z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
            datatype: z.string({ error: 'must be a string' }),
            shape: z.array(z.number().int().min(0), {
              error: 'must be an array of non-negative integers',
            }),
            parameters: parameters.optional(),
            data: z.unknown().optional(),
          },
          { error: 'must be a tensor: a JSON object with name, datatype, shape and data' },
        ),
        { error: 'must be an array of tensors' },
      )
      .min(1, 'must hold at least one tensor'),
    outputs: z
      .array(
        z.object(
          { name: z.string({ error: 'must be a string' }), parameters: parameters.optional() },
          { error: 'must be a JSON object with a name' },
        ),
        { error: 'must be an array of requested outputs' },
      )
      .optional(),
  },
  { error: 'must be an inference request: a JSON object with an inputs array' },
);

/**
 * A tensor's name as an error shows it: a column or `features` as it is, anything else quoted and
 * never when it may be an identifier (a client's name could be anything).
 */
const named = (name: string) =>
  COLUMN_INPUTS.has(name) || name === FEATURES_INPUT ? name : quotedValue(name);

const failed = (field: string, message: string): Parsed<never> => ({
  ok: false,
  errors: [{ field, message }],
});

/**
 * Reads an inference request: its JSON, or with `headerLength` (the Inference-Header-Content-
 * Length header) a JSON header of that many bytes followed by the binary data of the tensors
 * that give a `binary_data_size`. Tensors are checked against their datatype and shape; every
 * problem is named by its tensor (or field), none quotes data.
 */
export function parseInferenceRequest(
  body: Uint8Array,
  headerLength?: string,
): Parsed<InferenceRequest> {
  let header = body;
  let binary: Uint8Array = new Uint8Array(0);
  if (headerLength !== undefined) {
    const length = /^\s*\d{1,15}\s*$/.test(headerLength) ? Number(headerLength) : NaN;
    if (!(length > 0 && length <= body.byteLength))
      return failed(
        'Inference-Header-Content-Length',
        `must be the length in bytes of the JSON header that starts the body (at most ${body.byteLength})`,
      );
    header = body.subarray(0, length);
    binary = body.subarray(length);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(header));
  } catch {
    // The parser's message quotes the body, which may hold patient identifiers.
    return headerLength === undefined
      ? failed('(body)', 'the body is not valid JSON')
      : failed(
          '(body)',
          `its first ${header.byteLength} bytes (Inference-Header-Content-Length) are not valid JSON`,
        );
  }
  const typed = requestSchema.safeParse(json);
  if (!typed.success) return { ok: false, errors: issuesAsFieldErrors(typed.error.issues, '') };
  const request = typed.data;

  const errors: FieldError[] = [];
  const inputs: InputTensor[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const tensor of request.inputs) {
    const field = named(tensor.name);
    if (seen.has(tensor.name)) errors.push({ field, message: 'is sent twice' });
    seen.add(tensor.name);
    const count = tensor.shape.reduce((product, size) => product * size, 1);
    const size = tensor.parameters?.binary_data_size;
    let data: TensorElement[] | string;
    if (!DATATYPES.has(tensor.datatype))
      data = `${named(tensor.datatype)} is not a datatype of the protocol`;
    else if (tensor.parameters?.shared_memory_region !== undefined)
      data = 'shared memory is not supported: send the data in the request';
    else if (size !== undefined) {
      if (!Number.isSafeInteger(size) || (size as number) < 0)
        data = 'parameters.binary_data_size must be a whole number of bytes';
      else if (headerLength === undefined)
        data = 'binary data needs the Inference-Header-Content-Length header';
      else if (offset + (size as number) > binary.byteLength)
        data = `binary_data_size runs past the end of the body's binary data (${binary.byteLength} bytes)`;
      else
        data = decodeBinaryTensor(
          tensor.datatype,
          binary.subarray(offset, offset + (size as number)),
          count,
        );
      offset += Number.isSafeInteger(size) ? (size as number) : 0;
    } else if (tensor.data === undefined)
      data = 'has no data (neither data nor parameters.binary_data_size)';
    else data = jsonElements(tensor.datatype, tensor.data, count);
    if (typeof data === 'string') errors.push({ field, message: data });
    else inputs.push({ name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, data });
  }
  if (errors.length === 0 && offset !== binary.byteLength)
    errors.push({
      field: '(body)',
      message: `${binary.byteLength - offset} bytes of binary data follow the tensors' binary_data_size`,
    });

  const outputs = requestedOutputs(request.outputs, request.parameters?.binary_data_output, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { id: request.id, inputs, outputs } };
}

/** A JSON tensor's elements, flattened, checked against its datatype and element count. */
function jsonElements(datatype: string, data: unknown, count: number): TensorElement[] | string {
  if (!Array.isArray(data)) return 'data must be an array';
  const elements = (data as unknown[]).flat(Infinity) as unknown[];
  if (elements.length !== count)
    return `data holds ${elements.length} elements, the shape ${count}`;
  const fits = elementCheck(datatype);
  const bad = elements.findIndex((element) => element !== null && !fits.test(element));
  if (bad >= 0) return `element ${bad} is not ${fits.description}`;
  return elements as TensorElement[];
}

function elementCheck(datatype: string): {
  test: (element: unknown) => boolean;
  description: string;
} {
  if (datatype === 'BYTES')
    return { test: (element) => typeof element === 'string', description: 'a string' };
  if (datatype === 'BOOL')
    return { test: (element) => typeof element === 'boolean', description: 'true or false' };
  if (INTEGER_DATATYPES.has(datatype))
    return { test: (element) => Number.isInteger(element), description: 'a whole number' };
  return { test: (element) => typeof element === 'number', description: 'a number' };
}

/** The outputs asked for, each binary or not (its own `binary_data`, else the request's). */
function requestedOutputs(
  asked: readonly { name: string; parameters?: Record<string, unknown> }[] | undefined,
  binaryOutput: unknown,
  errors: FieldError[],
): RequestedOutput[] {
  const binaryByDefault = binaryOutput === true;
  if (asked === undefined) return OUTPUT_NAMES.map((name) => ({ name, binary: binaryByDefault }));
  const outputs: RequestedOutput[] = [];
  asked.forEach((output, index) => {
    const field = `outputs[${index}]`;
    if (!(OUTPUT_NAMES as readonly string[]).includes(output.name))
      errors.push({
        field,
        message: `${named(output.name)} is not an output of the model (${OUTPUT_NAMES.join(', ')})`,
      });
    else if (output.parameters?.classification !== undefined)
      errors.push({ field, message: 'classification is not supported' });
    else if (output.parameters?.shared_memory_region !== undefined)
      errors.push({ field, message: 'shared memory is not supported' });
    else
      outputs.push({
        name: output.name as OutputName,
        binary:
          typeof output.parameters?.binary_data === 'boolean'
            ? output.parameters.binary_data
            : binaryByDefault,
      });
  });
  return outputs;
}

/** What a request asks to score: encounters from columns, or rows of encoded features. */
export type InferenceInputs =
  | { readonly kind: 'encounters'; readonly encounters: readonly CallerEncounter[] }
  | { readonly kind: 'features'; readonly features: FeatureTensor };

export interface FeatureTensor {
  readonly rows: number;
  readonly columns: number;
  /** rows × columns values, row after row. */
  readonly values: readonly number[];
}

/**
 * The encounters or feature rows of a request's inputs, at most `maxRows` of them. A single
 * tensor that is not a column (FP32 of rank 2, or named `features`) is the feature tensor;
 * otherwise every tensor must be a column.
 */
export function readInferenceInputs(
  inputs: readonly InputTensor[],
  maxRows: number,
  pseudonymize: Pseudonymize,
): Parsed<InferenceInputs> {
  const [first] = inputs;
  const featureTensor =
    inputs.length === 1 &&
    !COLUMN_INPUTS.has(first.name) &&
    (first.name === FEATURES_INPUT || (first.datatype === 'FP32' && first.shape.length === 2));
  if (featureTensor) {
    const features = featureTensorOf(first, maxRows);
    return features.ok
      ? { ok: true, value: { kind: 'features', features: features.value } }
      : features;
  }
  const encounters = encountersOf(inputs, maxRows, pseudonymize);
  return encounters.ok
    ? { ok: true, value: { kind: 'encounters', encounters: encounters.value } }
    : encounters;
}

function rowsProblem(rows: number, maxRows: number): string | null {
  if (rows === 0) return 'has no rows';
  if (rows > maxRows) return `has ${rows} rows: at most ${maxRows} in one request`;
  return null;
}

/** The FP32 [N, F] tensor's rows; every value must be a number. */
function featureTensorOf(tensor: InputTensor, maxRows: number): Parsed<FeatureTensor> {
  const field = named(tensor.name);
  if (tensor.datatype !== 'FP32')
    return failed(field, `the feature tensor must be FP32, not ${named(tensor.datatype)}`);
  if (tensor.shape.length !== 2)
    return failed(
      field,
      `the feature tensor must have shape [N, F], not [${tensor.shape.join(', ')}]`,
    );
  const [rows, columns] = tensor.shape;
  const problem =
    rowsProblem(rows, maxRows) ??
    (columns === 0 ? 'has no features' : null) ??
    (rows * columns > MAX_FEATURE_VALUES
      ? `has ${rows * columns} values: at most ${MAX_FEATURE_VALUES} in one request`
      : null);
  if (problem) return failed(field, problem);
  const errors: FieldError[] = [];
  tensor.data.forEach((value, index) => {
    if (typeof value !== 'number')
      errors.push({
        field: `${field}[${Math.floor(index / columns)}, ${index % columns}]`,
        message: 'must be a number (a missing feature has a value once encoded)',
      });
  });
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { rows, columns, values: tensor.data as number[] } };
}

let required: readonly string[] | undefined;
/** The columns without which no encounter can be read (computed once: it parses the example). */
function requiredColumns(): readonly string[] {
  required ??= requiredInputColumns();
  return required;
}

/**
 * The encounters of column tensors, row by row, by the rules of `/v1/predictions`: each problem
 * named `column[row]`. A required column without a tensor is named once, not once per row.
 */
function encountersOf(
  inputs: readonly InputTensor[],
  maxRows: number,
  pseudonymize: Pseudonymize,
): Parsed<CallerEncounter[]> {
  const errors: FieldError[] = [];
  const rows = inputs[0].shape[0];
  for (const tensor of inputs) {
    const field = named(tensor.name);
    if (!COLUMN_INPUTS.has(tensor.name))
      errors.push({
        field,
        message: `is not an input of the model: send the diabetic_data.csv columns as tensors (see the model metadata), or one FP32 [N, F] tensor named ${FEATURES_INPUT}`,
      });
    else if (!COLUMN_DATATYPES.includes(tensor.datatype))
      errors.push({
        field,
        message: `a column is ${COLUMN_DATATYPES.join(', ')}, not ${named(tensor.datatype)}`,
      });
    else if (!(tensor.shape.length === 1 || (tensor.shape.length === 2 && tensor.shape[1] === 1)))
      errors.push({
        field,
        message: `a column has shape [N] or [N, 1], not [${tensor.shape.join(', ')}]`,
      });
    else if (tensor.shape[0] !== rows)
      errors.push({
        field,
        message: `has ${tensor.shape[0]} rows, ${named(inputs[0].name)} has ${rows}`,
      });
  }
  const tooMany = rowsProblem(rows, maxRows);
  if (tooMany) errors.push({ field: named(inputs[0].name), message: tooMany });
  const sent = new Set(inputs.map((tensor) => tensor.name));
  for (const column of requiredColumns())
    if (!sent.has(column)) errors.push({ field: column, message: 'is required: no tensor has it' });
  if (errors.length > 0) return { ok: false, errors };

  const encounters: CallerEncounter[] = [];
  for (let row = 0; row < rows; row++) {
    const cells = Object.fromEntries(inputs.map((tensor) => [tensor.name, tensor.data[row]]));
    const parsed = parseEncounterInput(cells, pseudonymize);
    if (parsed.ok) encounters.push(parsed.value);
    else
      for (const { field, message } of parsed.errors)
        errors.push({ field: `${field}[${row}]`, message });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: encounters };
}

/**
 * Text no identifier can be (identifiers hold no control characters): what the pseudonyms of
 * feature rows, which have no encounter and no patient behind them, are made from.
 */
const RESERVED = '\u001f';
/** The one "patient" every feature row's prediction names, so that sealing has a data key. */
export const FEATURE_ROWS_PATIENT = `${RESERVED}oip-feature-rows`;

/**
 * The pseudonyms a feature row's PredictionMade is recorded under: an encounter id made from the
 * request id and the row's index, and the reserved patient of every feature row. Whoever holds
 * the site key can recompute both (Pseudonymizer.pseudonymOf), and so tell these predictions
 * from any encounter's.
 */
export function featureRowIds(
  requestId: string,
  rows: number,
  pseudonymize: Pseudonymize,
): PredictionIds[] {
  const patient = pseudonymize('patient', FEATURE_ROWS_PATIENT);
  return Array.from({ length: rows }, (_, row) => ({
    encounter_id: pseudonymize(
      'encounter',
      `${RESERVED}oip${RESERVED}${requestId}${RESERVED}${row}`,
    ),
    patient_nbr: patient,
  }));
}

/** The answer's tensors as JSON, and the binary data of those sent binary, in the same order. */
export interface InferenceAnswer {
  readonly header: {
    readonly model_name: string;
    readonly model_version: string;
    readonly id: string;
    readonly outputs: readonly object[];
  };
  readonly binary: readonly Uint8Array[];
}

/** What scoring answered a request, one probability and one label per row. */
export interface InferenceScores {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly probabilities: readonly number[];
  readonly labels: readonly boolean[];
}

/** The outputs asked for, from the scores; `id` names the answer. */
export function inferenceAnswer(
  scored: InferenceScores & { readonly id: string },
  outputs: readonly RequestedOutput[],
): InferenceAnswer {
  const binary: Uint8Array[] = [];
  const tensors = outputs.map(({ name, binary: asBinary }) => {
    const [datatype, data, bytes] =
      name === 'probability'
        ? (['FP32', scored.probabilities, () => encodeFp32(scored.probabilities)] as const)
        : (['BOOL', scored.labels, () => encodeBool(scored.labels)] as const);
    const tensor = { name, datatype, shape: [data.length] };
    if (!asBinary) return { ...tensor, data };
    const encoded = bytes();
    binary.push(encoded);
    return { ...tensor, parameters: { binary_data_size: encoded.byteLength } };
  });
  return {
    header: {
      model_name: scored.modelName,
      model_version: scored.modelVersion,
      id: scored.id,
      outputs: tensors,
    },
    binary,
  };
}

/** The problems of a request as the protocol's one error string, at most MAX_LISTED_PROBLEMS. */
export function problemsText(errors: readonly FieldError[]): string {
  const listed = errors
    .slice(0, MAX_LISTED_PROBLEMS)
    .map(({ field, message }) => `${field}: ${message}`);
  const more =
    errors.length > MAX_LISTED_PROBLEMS ? `; and ${errors.length - MAX_LISTED_PROBLEMS} more` : '';
  return `${listed.join('; ')}${more}`;
}
