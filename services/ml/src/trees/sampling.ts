import type { SeededRandom } from '../random/seeded-random';

/**
 * A uniform sample of `size` of the rows 0 … rows−1 without replacement, written in increasing
 * order to target (which keeps histogram gathers in memory order) and, if given, flagged in
 * inSample.
 * Selection sampling (Knuth's algorithm S): one draw per row, no sort.
 */
export function sampleRowsInto(
  random: SeededRandom,
  rows: number,
  size: number,
  target: Uint32Array,
  inSample?: Uint8Array,
): void {
  let taken = 0;
  for (let row = 0; row < rows; row++) {
    const take = taken < size && random.next() * (rows - row) < size - taken;
    if (inSample) inSample[row] = take ? 1 : 0;
    if (take) target[taken++] = row;
  }
}

/** Sets mask[f] = 1 for a uniform sample of `size` features and 0 for the others. */
export function sampleFeaturesInto(random: SeededRandom, size: number, mask: Uint8Array): void {
  const features = mask.length;
  const order = new Int32Array(features);
  for (let feature = 0; feature < features; feature++) order[feature] = feature;
  mask.fill(0);
  // A partial Fisher–Yates shuffle: the first `size` entries end up a uniform sample.
  for (let i = 0; i < size; i++) {
    const j = i + random.int(features - i);
    const chosen = order[j];
    order[j] = order[i];
    order[i] = chosen;
    mask[chosen] = 1;
  }
}
