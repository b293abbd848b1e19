/**
 * PSI: population stability index, the symmetric KL-like distance between two binned
 * distributions: sum over bins of (current − reference) · ln(current / reference).
 * Rules of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 major shift.
 */
export function populationStabilityIndex(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  epsilon = 1e-4,
): number {
  if (reference.length !== current.length) throw new Error('PSI needs the same bins on both sides');
  const referenceTotal = sum(reference);
  const currentTotal = sum(current);
  if (referenceTotal === 0 || currentTotal === 0) throw new Error('PSI needs counts on both sides');
  let psi = 0;
  for (let bin = 0; bin < reference.length; bin++) {
    // An empty bin would make the logarithm infinite; a floor keeps PSI finite and comparable.
    const expected = Math.max(reference[bin] / referenceTotal, epsilon);
    const actual = Math.max(current[bin] / currentTotal, epsilon);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}

/** Counts of categorical values over a shared list of categories (others are dropped). */
export function categoryCounts(
  values: Iterable<string | null>,
  categories: readonly string[],
): Float64Array {
  const index = new Map(categories.map((category, position) => [category, position]));
  const counts = new Float64Array(categories.length);
  for (const value of values) {
    const position = index.get(value ?? '(missing)');
    if (position !== undefined) counts[position] += 1;
  }
  return counts;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
