import { EXAMPLE_EVENTS, type ModelPromoted, type TrainingCompleted } from '@readmit/contracts';
import { ServingFold } from './serving-fold';

const promoted = (version: string, previousVersion: string | null, modelName = 'readmission') => ({
  eventType: 'ModelPromoted' as const,
  event: {
    ...EXAMPLE_EVENTS.ModelPromoted,
    modelName,
    version,
    previousVersion,
    artifactUri: `file:///models/${version}.onnx`,
  } satisfies ModelPromoted,
});

const trained = (modelVersion: string, modelName = 'readmission') => ({
  eventType: 'TrainingCompleted' as const,
  event: {
    ...EXAMPLE_EVENTS.TrainingCompleted,
    modelName,
    modelVersion,
  } satisfies TrainingCompleted,
});

describe('serving fold', () => {
  it("follows one model's champion by the registry's rules and tells when it changes", () => {
    const fold = new ServingFold('readmission');
    expect(fold.served).toEqual({ champion: null, challenger: null });
    expect(fold.apply(promoted('1', null))).toBe(true);
    expect(fold.apply(promoted('2', '1'))).toBe(true);
    // Made against a champion that has since changed: void, as every reader agrees.
    expect(fold.apply(promoted('3', '1'))).toBe(false);
    expect(fold.served.champion).toEqual(
      expect.objectContaining({ version: '2', artifactUri: 'file:///models/2.onnx' }),
    );
  });

  it("leaves other models' events out", () => {
    const fold = new ServingFold('readmission');
    expect(fold.apply(promoted('1', null, 'other'))).toBe(false);
    expect(fold.apply(trained('1', 'other'))).toBe(false);
    expect(fold.served.champion).toBeNull();
    expect(fold.trained('1')).toBeNull();
    expect(fold.decided('1')).toBeNull();
  });

  it('knows each version decided or trained, whether it serves or not', () => {
    const fold = new ServingFold('readmission');
    fold.apply(promoted('1', null));
    fold.apply(promoted('3', '1'));
    expect(fold.apply(trained('4'))).toBe(false);
    expect(fold.served.champion?.version).toBe('3');
    // Replaced since: no longer serving, still decided.
    expect(fold.decided('1')?.artifactUri).toBe('file:///models/1.onnx');
    expect(fold.decided('4')).toBeNull();
    expect(fold.trained('4')?.modelVersion).toBe('4');
  });
});
