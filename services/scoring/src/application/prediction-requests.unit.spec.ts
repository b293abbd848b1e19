import { EXAMPLE_EVENTS, type EncounterToScore, type PredictRequest } from '@readmit/contracts';
import { FeatureEncoder, fitFeatureSpec } from '@readmit/ml';
import { encounterPseudonym, patientPseudonym } from '../../../../test/support/pseudonyms';
import {
  describeServing,
  idsOf,
  refusalOf,
  requestMatrix,
  rowsOf,
  type ServingChampion,
} from './prediction-requests';

const { envelope: _, recordedAt: __, source: ___, ...example } = EXAMPLE_EVENTS.EncounterRecorded;
const encounter = (id: number): EncounterToScore => ({
  ...example,
  encounter_id: encounterPseudonym(id),
  patient_nbr: patientPseudonym(id),
  time_in_hospital: (id % 14) + 1,
});
const encoder = new FeatureEncoder(fitFeatureSpec([1, 2, 3, 4].map(encounter)));
const champion: ServingChampion = {
  modelName: 'readmission',
  version: 'v2',
  threshold: 0.3,
  encoder,
};
const width = encoder.width;
/** Feature rows named as the gateway names them. */
const rows = (count: number, values = Array.from({ length: count * width }, (_, i) => i / 10)) => ({
  ids: Array.from({ length: count }, (_, row) => ({
    encounter_id: encounterPseudonym(1000 + row),
    patient_nbr: patientPseudonym(0),
  })),
  columns: width,
  values,
});
const request = (body: Partial<PredictRequest>): PredictRequest => ({
  requestId: 'r',
  encounters: [],
  explain: false,
  ...body,
});
const refusal = (body: Partial<PredictRequest>) => refusalOf(request(body), champion);

describe('describeServing', () => {
  it('names the champion, its threshold and its features in order; unavailable without one', () => {
    expect(describeServing(champion)).toEqual({
      ok: true,
      model: {
        modelName: 'readmission',
        modelVersion: 'v2',
        threshold: 0.3,
        featureNames: encoder.spec.featureNames,
      },
    });
    expect(describeServing(null)).toEqual({
      ok: false,
      error: 'unavailable',
      message: 'no champion model is serving yet',
    });
  });
});

describe('refusalOf', () => {
  it('scores encounters or feature rows of the champion’s width', () => {
    expect(refusal({ encounters: [encounter(1)] })).toBeUndefined();
    expect(refusal({ features: rows(2) })).toBeUndefined();
    expect(
      refusal({ features: rows(1), model: { name: 'readmission', version: 'v2' } }),
    ).toBeUndefined();
  });

  it('answers not_served for another model or a version that is not the champion', () => {
    expect(refusal({ encounters: [encounter(1)], model: { name: 'other' } })).toEqual({
      ok: false,
      error: 'not_served',
      message: "model 'other' is not served here (readmission is)",
    });
    expect(refusal({ features: rows(1), model: { name: 'readmission', version: 'v1' } })).toEqual({
      ok: false,
      error: 'not_served',
      message: "version 'v1' of readmission is not the champion (v2 is)",
    });
  });

  it('refuses feature rows the model cannot take, each with its reason', () => {
    const message = (body: Partial<PredictRequest>) => {
      const reply = refusal(body);
      return reply && !reply.ok ? `${reply.error}: ${reply.message}` : 'scored';
    };
    expect(message({ features: { ...rows(1), columns: width + 1 } })).toBe(
      `invalid: readmission v2 takes ${width} features per row (in the order of its model metadata), not ${width + 1}`,
    );
    expect(message({ features: rows(2, [1]) })).toBe(
      `invalid: 2 feature rows need ${2 * width} values`,
    );
    expect(message({ features: rows(1, [NaN, ...Array<number>(width - 1).fill(0)]) })).toBe(
      'invalid: every feature must be a finite number',
    );
    expect(
      message({
        features: { ...rows(1), ids: [{ encounter_id: '149190', patient_nbr: '55629189' }] },
      }),
    ).toBe('invalid: feature rows must be named by pseudonyms (the gateway makes them)');
    expect(message({ features: rows(1), encounters: [encounter(1)] })).toBe(
      'invalid: a request sends encounters or feature rows, not both',
    );
    expect(message({ features: { ...rows(0) } })).toBe('invalid: the request has no feature rows');
  });

  it('is unavailable while no champion serves, whatever the request', () => {
    expect(refusalOf(request({ features: rows(1) }), null)).toMatchObject({ error: 'unavailable' });
  });
});

describe('requestMatrix', () => {
  it('encodes encounters and copies feature rows, in the order of the requests', () => {
    const encounters = request({ encounters: [encounter(5), encounter(6)] });
    const features = request({ features: rows(1) });
    const matrix = requestMatrix(encoder, [
      encounters,
      features,
      request({ encounters: [encounter(7)] }),
    ]);
    expect(matrix.rows).toBe(4);
    expect(matrix.columns).toBe(width);
    const row = (index: number) => [...matrix.values.subarray(index * width, (index + 1) * width)];
    expect(row(0)).toEqual([...encoder.encode(encounter(5))]);
    expect(row(1)).toEqual([...encoder.encode(encounter(6))]);
    expect(row(2)).toEqual([...Float32Array.from(rows(1).values)]);
    expect(row(3)).toEqual([...encoder.encode(encounter(7))]);
    expect([rowsOf(encounters), rowsOf(features)]).toEqual([2, 1]);
    expect(idsOf(features, 0)).toEqual(rows(1).ids[0]);
    expect(idsOf(encounters, 1).encounter_id).toBe(encounterPseudonym(6));
  });
});
