/**
 * Drift to inject into a synthetic stream from a given encounter on. Covariate shifts move the
 * distribution of features; concept drift changes how features relate to the label.
 */
export interface DriftSpec {
  /** The 0-based position in the stream from which drift applies. */
  readonly from: number;
  /** 0..1: moves the age distribution towards older bands. */
  readonly olderPopulation?: number;
  /** 0..1: share of encounters turned into emergency admissions (admission_type_id 1). */
  readonly moreEmergencies?: number;
  /** 0..1: share of encounters given an A1C result above 8. */
  readonly higherA1c?: number;
  /** 0..1: share of encounters whose features are drawn as if they had another label. */
  readonly concept?: number;
}

const KEYS: Record<string, keyof Omit<DriftSpec, 'from'>> = {
  age: 'olderPopulation',
  older: 'olderPopulation',
  emergency: 'moreEmergencies',
  a1c: 'higherA1c',
  concept: 'concept',
};

/**
 * Parses the CLI form: `at=50000,age=0.5,emergency=0.3,a1c=0.4,concept=0.5` (any subset after
 * `at`). Strengths are between 0 and 1.
 */
export function parseDriftSpec(text: string): DriftSpec {
  const spec: { -readonly [K in keyof DriftSpec]?: DriftSpec[K] } = {};
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [name, raw] = part.split('=');
    const value = Number(raw);
    if (name === 'at') {
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`drift: at=${raw} is not a position in the stream`);
      spec.from = value;
      continue;
    }
    const key = KEYS[name];
    if (!key) throw new Error(`drift: unknown kind '${name}' (use age, emergency, a1c, concept)`);
    if (!(value >= 0 && value <= 1))
      throw new Error(`drift: ${name}=${raw} must be between 0 and 1`);
    spec[key] = value;
  }
  if (spec.from === undefined) throw new Error('drift: say where it starts, e.g. at=50000');
  return spec as DriftSpec;
}
