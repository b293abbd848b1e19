import { readFileSync } from 'node:fs';
import { isPseudonym } from '@readmit/contracts';
import { parse } from 'csv-parse/sync';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { testPseudonymize } from '../../../../test/support/pseudonyms';
import { decodeBinaryTensor, encodeBytesElements } from './binary-tensors';
import { EXAMPLE_ENCOUNTER_INPUT, INPUT_COLUMNS, parseEncounterInput } from './encounter-input';
import { modelMetadata } from './inference-metadata';
import {
  featureRowIds,
  FEATURE_ROWS_PATIENT,
  inferenceAnswer,
  MAX_FEATURE_VALUES,
  parseInferenceRequest,
  problemsText,
  readInferenceInputs,
  type InputTensor,
} from './inference-tensors';

const rows = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const MAX_ROWS = 100;

/** Column tensors of encounters as MLServer's pandas codec sends a DataFrame: [N, 1], flat data. */
function columnTensors(
  encounters: ReadonlyArray<Record<string, string | number | null>>,
): Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }> {
  return Object.keys(encounters[0]).map((name) => {
    const data = encounters.map((encounter) => encounter[name]);
    const numeric = data.every((value) => typeof value === 'number');
    return { name, datatype: numeric ? 'INT64' : 'BYTES', shape: [data.length, 1], data };
  });
}

/** Reads a JSON request's inputs as the /v2 route does. */
function inputsOf(request: unknown, maxRows = MAX_ROWS) {
  const parsed = parseInferenceRequest(json(request));
  if (!parsed.ok) throw new Error(problemsText(parsed.errors));
  return readInferenceInputs(parsed.value.inputs, maxRows, testPseudonymize);
}

const errorsOf = (read: ReturnType<typeof inputsOf>) => (read.ok ? [] : read.errors);

describe('column tensors ⇄ encounters', () => {
  it('reads the real sample, as the pandas codec sends it, into the encounters /v1 reads', () => {
    // The UCI file as a DataFrame: '?' for missing text, integers where a column is all digits.
    const frame = rows
      .slice(0, 100)
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([column, cell]) => [
            column,
            /^(encounter_id|patient_nbr|admission_.*|discharge_.*|time_in_hospital|num_.*|number_.*)$/.test(
              column,
            )
              ? Number(cell)
              : cell,
          ]),
        ),
      );
    const read = inputsOf({ inputs: columnTensors(frame) });
    const v1 = frame.map((row) => parseEncounterInput(row, testPseudonymize));
    expect(read).toEqual({
      ok: true,
      value: { kind: 'encounters', encounters: v1.map((one) => one.ok && one.value) },
    });
  });

  it('takes [N] or [N, 1], flat or nested data, any integer or float type for numbers', () => {
    const one = {
      ...EXAMPLE_ENCOUNTER_INPUT,
      weight: '?',
      payer_code: '?',
      medical_specialty: '?',
    };
    const expected = parseEncounterInput(one, testPseudonymize);
    const variants = [
      columnTensors([one]).map((tensor) => ({ ...tensor, shape: [1] })),
      columnTensors([one]).map((tensor) => ({ ...tensor, data: [tensor.data] })),
      columnTensors([one]).map((tensor) =>
        tensor.datatype === 'INT64' ? { ...tensor, datatype: 'FP64' } : tensor,
      ),
      columnTensors([one]).map((tensor) =>
        tensor.datatype === 'INT64' ? { ...tensor, datatype: 'INT32' } : tensor,
      ),
    ];
    for (const inputs of variants)
      expect(inputsOf({ inputs })).toEqual({
        ok: true,
        value: { kind: 'encounters', encounters: [expected.ok && expected.value] },
      });
  });

  it('names each problem by its column and row, with the /v1 rules’ messages', () => {
    const good = {
      ...EXAMPLE_ENCOUNTER_INPUT,
      weight: '?',
      payer_code: '?',
      medical_specialty: '?',
    };
    const read = inputsOf({
      inputs: columnTensors([good, { ...good, age: '[70-85)', time_in_hospital: 30 }, good]),
    });
    expect(errorsOf(read)).toEqual([
      { field: 'age[1]', message: expect.stringContaining("'[70-85)' is not one of") },
      { field: 'time_in_hospital[1]', message: expect.stringMatching(/^'30' /) },
    ]);
  });

  it('names a missing required column once, and refuses columns that are not the model’s', () => {
    const one: Record<string, string | number | null> = { ...EXAMPLE_ENCOUNTER_INPUT, weight: '?' };
    const { age: _age, ...withoutAge } = one;
    const tensors = columnTensors([withoutAge]);
    expect(errorsOf(inputsOf({ inputs: tensors }))).toEqual([
      { field: 'age', message: 'is required: no tensor has it' },
    ]);
    const extra = [...tensors, { name: 'wieght', datatype: 'BYTES', shape: [1], data: ['?'] }];
    expect(errorsOf(inputsOf({ inputs: extra }))).toContainEqual({
      field: "'wieght'",
      message: expect.stringContaining('is not an input of the model'),
    });
  });

  it('ignores the readmitted label and reads the optional columns, as /v1 does', () => {
    const one = {
      ...EXAMPLE_ENCOUNTER_INPUT,
      readmitted: '<30',
      diag_code_system: 'ICD10CM',
      diag_1: 'E11.9',
      diag_2: 'I50.9',
      diag_3: '?',
    };
    const read = inputsOf({ inputs: columnTensors([one]) });
    const v1 = parseEncounterInput({ ...one, diag_3: null }, testPseudonymize);
    expect(read.ok && read.value.kind === 'encounters' && read.value.encounters).toEqual([
      v1.ok && v1.value,
    ]);
  });

  it('refuses columns of different lengths, bad shapes and datatypes, too many rows', () => {
    const [first, second, ...rest] = columnTensors([EXAMPLE_ENCOUNTER_INPUT]);
    const problems = errorsOf(
      inputsOf({
        inputs: [
          first,
          { ...second, shape: [1, 2], data: [second.data[0], second.data[0]] },
          { ...rest[0], shape: [2], data: [rest[0].data[0], rest[0].data[0]] },
          { ...rest[1], datatype: 'BOOL', data: [true] },
          ...rest.slice(2),
        ],
      }),
    );
    expect(problems).toEqual([
      { field: second.name, message: 'a column has shape [N] or [N, 1], not [1, 2]' },
      { field: rest[0].name, message: `has 2 rows, ${first.name} has 1` },
      { field: rest[1].name, message: expect.stringMatching(/^a column is BYTES, .* not 'BOOL'$/) },
    ]);
    const three = columnTensors([
      EXAMPLE_ENCOUNTER_INPUT,
      EXAMPLE_ENCOUNTER_INPUT,
      EXAMPLE_ENCOUNTER_INPUT,
    ]);
    expect(errorsOf(inputsOf({ inputs: three }, 2))).toEqual([
      { field: 'encounter_id', message: 'has 3 rows: at most 2 in one request' },
    ]);
  });

  it('never quotes an identifier in an error', () => {
    const shifted = { ...EXAMPLE_ENCOUNTER_INPUT, age: '55629189', encounter_id: 'x149190' };
    const text = problemsText(errorsOf(inputsOf({ inputs: columnTensors([shifted]) })));
    expect(text).toContain('age[0]');
    expect(text).toContain('encounter_id[0]');
    expect(text).not.toMatch(/55629189|149190/);
    const named = parseInferenceRequest(
      json({ inputs: [{ name: 'patient 55629189', datatype: 'BYTES', shape: [1], data: [3] }] }),
    );
    expect(named.ok ? '' : problemsText(named.errors)).not.toContain('55629189');
  });
});

describe('the feature tensor', () => {
  it('reads one FP32 [N, F] tensor, flat or nested, as rows of features', () => {
    const expected = {
      kind: 'features',
      features: { rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6] },
    };
    for (const data of [
      [1, 2, 3, 4, 5, 6],
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ])
      expect(
        inputsOf({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 3], data }] }),
      ).toEqual({ ok: true, value: expected });
    // Another name (a generic client's input-0) is read as the feature tensor too.
    expect(
      inputsOf({
        inputs: [{ name: 'input-0', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
      }),
    ).toEqual({ ok: true, value: expected });
  });

  it('says what is wrong with a feature tensor', () => {
    const features = (tensor: Partial<InputTensor>) =>
      errorsOf(
        inputsOf({
          inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], data: [0, 0], ...tensor }],
        }),
      );
    expect(features({ datatype: 'FP64' })).toEqual([
      { field: 'features', message: "the feature tensor must be FP32, not 'FP64'" },
    ]);
    expect(features({ shape: [2], data: [0, 0] })).toEqual([
      { field: 'features', message: 'the feature tensor must have shape [N, F], not [2]' },
    ]);
    expect(features({ data: [0, null] })).toEqual([
      { field: 'features[0, 1]', message: expect.stringContaining('must be a number') },
    ]);
    expect(
      features({
        shape: [1, MAX_FEATURE_VALUES + 1],
        data: Array<number>(MAX_FEATURE_VALUES + 1).fill(0),
      }),
      // One Kafka message carries the request to scoring.
    ).toEqual([
      {
        field: 'features',
        message: expect.stringMatching(/values: at most 32768 in one request$/),
      },
    ]);
    expect(features({ shape: [0, 2], data: [] })).toEqual([
      { field: 'features', message: 'has no rows' },
    ]);
    // Features sent with columns are not columns.
    const mixed = inputsOf({
      inputs: [
        ...columnTensors([EXAMPLE_ENCOUNTER_INPUT]),
        { name: 'features', datatype: 'FP32', shape: [1, 1], data: [0] },
      ],
    });
    expect(errorsOf(mixed)).toContainEqual({
      field: 'features',
      message: expect.stringContaining('is not an input of the model'),
    });
  });

  it('names each row by pseudonyms made from the request id and the row, under one reserved patient', () => {
    const ids = featureRowIds('request-1', 3, testPseudonymize);
    expect(ids).toHaveLength(3);
    expect(new Set(ids.map((one) => one.encounter_id)).size).toBe(3);
    for (const one of ids) {
      expect(isPseudonym('encounter', one.encounter_id)).toBe(true);
      expect(one.patient_nbr).toBe(testPseudonymize('patient', FEATURE_ROWS_PATIENT));
    }
    // Another request, other encounters; the same request again, the same ones.
    expect(featureRowIds('request-2', 1, testPseudonymize)[0]).not.toEqual(ids[0]);
    expect(featureRowIds('request-1', 1, testPseudonymize)[0]).toEqual(ids[0]);
  });
});

describe('the request and the answer', () => {
  const tensor = { name: 'features', datatype: 'FP32', shape: [1, 2], data: [0.5, 1] };

  it('answers every output as JSON by default; outputs asked for by name, binary when asked', () => {
    const parsed = parseInferenceRequest(json({ id: 'mine', inputs: [tensor] }));
    expect(parsed).toEqual({
      ok: true,
      value: {
        id: 'mine',
        inputs: [tensor],
        outputs: [
          { name: 'probability', binary: false },
          { name: 'label', binary: false },
        ],
      },
    });
    const scored = {
      modelName: 'readmission',
      modelVersion: 'v3',
      id: 'mine',
      probabilities: [0.25, 0.5],
      labels: [false, true],
    };
    expect(inferenceAnswer(scored, parsed.ok ? parsed.value.outputs : [])).toEqual({
      header: {
        model_name: 'readmission',
        model_version: 'v3',
        id: 'mine',
        outputs: [
          { name: 'probability', datatype: 'FP32', shape: [2], data: [0.25, 0.5] },
          { name: 'label', datatype: 'BOOL', shape: [2], data: [false, true] },
        ],
      },
      binary: [],
    });

    const asked = parseInferenceRequest(
      json({
        inputs: [tensor],
        outputs: [{ name: 'label', parameters: { binary_data: true } }],
        parameters: { binary_data_output: false },
      }),
    );
    expect(asked.ok && asked.value.outputs).toEqual([{ name: 'label', binary: true }]);
    const binary = inferenceAnswer(scored, asked.ok ? asked.value.outputs : []);
    expect(binary.header.outputs).toEqual([
      { name: 'label', datatype: 'BOOL', shape: [2], parameters: { binary_data_size: 2 } },
    ]);
    expect([...binary.binary[0]]).toEqual([0, 1]);
    const all = parseInferenceRequest(
      json({ inputs: [tensor], parameters: { binary_data_output: true } }),
    );
    const probability = inferenceAnswer(scored, all.ok ? all.value.outputs : []).binary[0];
    expect(decodeBinaryTensor('FP32', probability, 2)).toEqual([0.25, 0.5]);
  });

  it('reads binary tensors after a JSON header of Inference-Header-Content-Length bytes', () => {
    const features = new Float32Array([0.5, -1.25, 3, 4]);
    const texts = encodeBytesElements(['Female', 'Male']);
    const header = json({
      inputs: [
        { name: 'features', datatype: 'FP32', shape: [2, 2], parameters: { binary_data_size: 16 } },
        {
          name: 'gender',
          datatype: 'BYTES',
          shape: [2],
          parameters: { binary_data_size: texts.byteLength },
        },
        { name: 'number_inpatient', datatype: 'INT64', shape: [2], data: [1, 2] },
      ],
    });
    const body = new Uint8Array([...header, ...new Uint8Array(features.buffer), ...texts]);
    const parsed = parseInferenceRequest(body, String(header.byteLength));
    expect(parsed.ok && parsed.value.inputs.map((input) => input.data)).toEqual([
      [0.5, -1.25, 3, 4],
      ['Female', 'Male'],
      [1, 2],
    ]);
    const int64 = new BigInt64Array([149190n, 55629189n]);
    expect(decodeBinaryTensor('INT64', new Uint8Array(int64.buffer), 2)).toEqual([
      149190, 55629189,
    ]);
    expect(
      decodeBinaryTensor('FP64', new Uint8Array(new Float64Array([1, NaN]).buffer), 2),
    ).toEqual([1, null]);
  });

  it('says what is wrong with a request, never quoting its data', () => {
    const problems = (body: Uint8Array, headerLength?: string) => {
      const parsed = parseInferenceRequest(body, headerLength);
      return parsed.ok ? '' : problemsText(parsed.errors);
    };
    expect(problems(new TextEncoder().encode('{"inputs": [149190'))).toBe(
      '(body): the body is not valid JSON',
    );
    expect(problems(json({ inputs: [] }))).toBe('inputs: must hold at least one tensor');
    expect(problems(json({ inputs: [{ ...tensor, data: [1] }] }))).toBe(
      'features: data holds 1 elements, the shape 2',
    );
    expect(problems(json({ inputs: [{ ...tensor, datatype: 'INT64', data: [1.5, 2] }] }))).toBe(
      'features: element 0 is not a whole number',
    );
    expect(problems(json({ inputs: [{ ...tensor, datatype: 'FP8' }] }))).toBe(
      "features: 'FP8' is not a datatype of the protocol",
    );
    expect(problems(json({ inputs: [tensor], outputs: [{ name: 'score' }] }))).toBe(
      "outputs[0]: 'score' is not an output of the model (probability, label)",
    );
    const binary = json({
      inputs: [{ ...tensor, data: undefined, parameters: { binary_data_size: 8 } }],
    });
    expect(problems(binary)).toBe(
      'features: binary data needs the Inference-Header-Content-Length header',
    );
    expect(problems(new Uint8Array([...binary, 1, 2, 3]), String(binary.byteLength))).toBe(
      "features: binary_data_size runs past the end of the body's binary data (3 bytes)",
    );
    expect(
      problems(new Uint8Array([...binary, ...new Uint8Array(12)]), String(binary.byteLength)),
    ).toBe("(body): 4 bytes of binary data follow the tensors' binary_data_size");
    expect(problems(binary, '99999')).toMatch(
      /^Inference-Header-Content-Length: must be the length/,
    );
  });
});

describe('model metadata', () => {
  it('lists one tensor per column with its datatype, then the FP32 [-1, F] feature tensor', () => {
    const metadata = modelMetadata({
      modelName: 'readmission',
      modelVersion: 'v3',
      threshold: 0.3,
      featureNames: ['age_years', 'gender=Female'],
    });
    expect(metadata).toMatchObject({
      name: 'readmission',
      versions: ['v3'],
      platform: 'onnxruntime_onnx',
    });
    const byName = new Map(metadata.inputs.map((input) => [input.name, input]));
    expect(metadata.inputs.slice(0, INPUT_COLUMNS.length).map((input) => input.name)).toEqual(
      INPUT_COLUMNS,
    );
    expect(byName.get('encounter_id')).toEqual({
      name: 'encounter_id',
      datatype: 'INT64',
      shape: [-1],
      parameters: { required: true },
    });
    expect(byName.get('age')).toMatchObject({ datatype: 'BYTES', parameters: { required: true } });
    expect(byName.get('time_in_hospital')).toMatchObject({ datatype: 'INT64' });
    expect(byName.get('weight')).toMatchObject({
      datatype: 'BYTES',
      parameters: { required: false },
    });
    expect(byName.get('diag_code_system')).toMatchObject({ datatype: 'BYTES' });
    expect(byName.get('features')).toEqual({
      name: 'features',
      datatype: 'FP32',
      shape: [-1, 2],
      parameters: { alternative: true, feature_names: ['age_years', 'gender=Female'] },
    });
    expect(metadata.outputs).toEqual([
      { name: 'probability', datatype: 'FP32', shape: [-1] },
      { name: 'label', datatype: 'BOOL', shape: [-1], parameters: { threshold: 0.3 } },
    ]);
  });
});
