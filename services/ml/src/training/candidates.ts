/** A model to try: an algorithm and its hyper-parameters. */
export type Candidate =
  | { readonly algorithm: 'logistic-regression'; readonly l2: number }
  | {
      readonly algorithm: 'gbdt';
      readonly learningRate: number;
      readonly maxDepth: number;
      readonly nEstimators: number;
    };

/**
 * The small search a run does for each algorithm asked for (TrainingRequested.candidates:
 * `logistic_regression`, `gbdt`). Trees stop early on the validation split, so nEstimators is a
 * ceiling. Measured: the whole grid on 100k encounters in about 45 s (bench/README.md).
 */
export const SEARCH_SPACE: Readonly<Record<string, readonly Candidate[]>> = {
  logistic_regression: [
    { algorithm: 'logistic-regression', l2: 1 },
    { algorithm: 'logistic-regression', l2: 10 },
    { algorithm: 'logistic-regression', l2: 100 },
  ],
  gbdt: [
    { algorithm: 'gbdt', learningRate: 0.1, maxDepth: 4, nEstimators: 400 },
    { algorithm: 'gbdt', learningRate: 0.05, maxDepth: 6, nEstimators: 400 },
  ],
};

/** The candidates for the requested algorithm names; unknown names are an error that names them. */
export function candidatesFor(names: readonly string[]): Candidate[] {
  const requested = names.length > 0 ? names : Object.keys(SEARCH_SPACE);
  const unknown = requested.filter((name) => !(name in SEARCH_SPACE));
  if (unknown.length > 0)
    throw new Error(
      `unknown candidate algorithm ${unknown.join(', ')}; known: ${Object.keys(SEARCH_SPACE).join(', ')}`,
    );
  return requested.flatMap((name) => SEARCH_SPACE[name]);
}

/** The candidate's parameters as the event's string map. */
export function paramsOf(candidate: Candidate): Record<string, string> {
  const { algorithm: _, ...params } = candidate;
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]));
}
