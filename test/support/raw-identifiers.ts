/**
 * The clear identifiers a run of synthetic encounters used, read back from what `readmit produce`
 * (and the demo) print: `producing <n> synthetic encounters (seed <s>…`. SyntheticEncounters
 * numbers each seed's encounters from 900,000,000 + (seed mod 100,000) × 10,000,000 and its
 * patients from 5,000,000 above the matching 700,000,000 base, one patient at most per encounter.
 */
export interface IdentifierRange {
  readonly kind: 'encounter' | 'patient';
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
}

export function syntheticIdentifierRanges(output: string): IdentifierRange[] {
  const ranges: IdentifierRange[] = [];
  for (const match of output.matchAll(/producing (\d+) synthetic encounters \(seed (\d+)/g)) {
    const count = Number(match[1]);
    const block = Number(match[2]) % 100_000;
    const encounters = 900_000_000 + block * 10_000_000;
    const patients = 700_000_000 + block * 10_000_000;
    ranges.push({ kind: 'encounter', from: encounters, to: encounters + count });
    // The generator's patients from +5M; patients made of its encounters (FHIR demo) below that.
    ranges.push({ kind: 'patient', from: patients, to: patients + 5_000_000 + count });
  }
  return ranges;
}

/** Every number in `text` that is one of the identifiers, with a little context (none in the clear). */
export function identifiersIn(text: string, ranges: readonly IdentifierRange[]): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?<![\d.])\d{9,15}(?![\d.])/g)) {
    const value = Number(match[0]);
    const range = ranges.find((candidate) => value >= candidate.from && value < candidate.to);
    if (range) {
      const at = match.index ?? 0;
      found.push(`${range.kind} id in "…${text.slice(Math.max(0, at - 40), at + 20)}…"`);
    }
  }
  return found;
}
