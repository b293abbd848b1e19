import { identifiersIn, syntheticIdentifierRanges } from './raw-identifiers';

describe('finding clear synthetic identifiers in text', () => {
  const ranges = syntheticIdentifierRanges(
    'producing 3000 synthetic encounters (seed 73459)\nproducing 10 synthetic encounters (seed 73460, drift from encounter 0)',
  );

  it('reads the ranges a run used from its output', () => {
    expect(ranges).toEqual([
      { kind: 'encounter', from: 735_490_000_000, to: 735_490_003_000 },
      { kind: 'patient', from: 735_290_000_000, to: 735_295_003_000 },
      { kind: 'encounter', from: 735_500_000_000, to: 735_500_000_010 },
      { kind: 'patient', from: 735_300_000_000, to: 735_305_000_010 },
    ]);
  });

  it('finds an identifier as a number or in a string, and nothing else', () => {
    expect(identifiersIn('{"encounter_id":735490000012}', ranges)).toHaveLength(1);
    expect(identifiersIn('row 7: encounter "735295000004" is invalid', ranges)).toHaveLength(1);
    expect(
      identifiersIn(
        '{"time":1796286471367,"offset":735490,"id":735490003000,"p":"pat_x","t":"735490000012.5"}',
        ranges,
      ),
    ).toEqual([]);
  });
});
