import { SeededRandom } from '../random/seeded-random';
import { sampleFeaturesInto, sampleRowsInto } from './sampling';

describe('row and feature sampling', () => {
  it('draws exactly `size` distinct rows, in increasing order, flagged in inSample', () => {
    const random = new SeededRandom(1);
    const target = new Uint32Array(1000);
    const inSample = new Uint8Array(1000);
    const hits = new Array(1000).fill(0);
    let problems = 0;
    for (let draw = 0; draw < 200; draw++) {
      sampleRowsInto(random, 1000, 300, target, inSample);
      for (let i = 1; i < 300; i++) if (!(target[i] > target[i - 1])) problems++;
      let flagged = 0;
      for (let row = 0; row < 1000; row++) flagged += inSample[row];
      if (flagged !== 300) problems++;
      for (let i = 0; i < 300; i++) {
        if (inSample[target[i]] !== 1) problems++;
        hits[target[i]]++;
      }
    }
    expect(problems).toBe(0);
    // Uniform: each row is drawn 60 times in expectation (binomial sd ≈ 6.5).
    expect(Math.min(...hits)).toBeGreaterThan(30);
    expect(Math.max(...hits)).toBeLessThan(90);
  });

  it('masks exactly `size` features, differently per draw', () => {
    const random = new SeededRandom(2);
    const mask = new Uint8Array(20);
    const masks = new Set<string>();
    for (let draw = 0; draw < 10; draw++) {
      sampleFeaturesInto(random, 7, mask);
      expect(mask.reduce((sum, flag) => sum + flag, 0)).toBe(7);
      masks.add(mask.join(''));
    }
    expect(masks.size).toBeGreaterThan(5);
  });
});
