import type { EncounterRecorded, FeatureProfile } from '@readmit/contracts';

/** The columns a batch profile summarises: numbers get moments, categories their top values. */
export const PROFILED_NUMERIC = [
  'time_in_hospital',
  'num_lab_procedures',
  'num_procedures',
  'num_medications',
  'number_outpatient',
  'number_emergency',
  'number_inpatient',
  'number_diagnoses',
] as const satisfies ReadonlyArray<keyof EncounterRecorded>;

export const PROFILED_CATEGORICAL = [
  'race',
  'gender',
  'age',
  'admission_type_id',
  'max_glu_serum',
  'A1Cresult',
  'insulin',
  'diag_1',
] as const satisfies ReadonlyArray<keyof EncounterRecorded>;

const TOP_CATEGORIES = 10;

interface NumericSummary {
  count: number;
  missing: number;
  mean: number;
  /** Sum of squared differences from the mean (Welford), for the variance. */
  squares: number;
  min: number;
  max: number;
}

/** Running summaries of a batch's encounters, in constant memory per column. */
export class FeatureProfiler {
  private readonly numeric = new Map<string, NumericSummary>();
  private readonly categorical = new Map<
    string,
    { count: number; missing: number; values: Map<string, number> }
  >();

  add(encounter: EncounterRecorded): void {
    for (const column of PROFILED_NUMERIC) {
      const value = encounter[column];
      const summary = this.numeric.get(column) ?? {
        count: 0,
        missing: 0,
        mean: 0,
        squares: 0,
        min: Infinity,
        max: -Infinity,
      };
      summary.count += 1;
      const delta = value - summary.mean;
      summary.mean += delta / summary.count;
      summary.squares += delta * (value - summary.mean);
      summary.min = Math.min(summary.min, value);
      summary.max = Math.max(summary.max, value);
      this.numeric.set(column, summary);
    }
    for (const column of PROFILED_CATEGORICAL) {
      const raw = encounter[column];
      const summary = this.categorical.get(column) ?? {
        count: 0,
        missing: 0,
        values: new Map<string, number>(),
      };
      summary.count += 1;
      if (raw === null) summary.missing += 1;
      else summary.values.set(String(raw), (summary.values.get(String(raw)) ?? 0) + 1);
      this.categorical.set(column, summary);
    }
  }

  profile(): FeatureProfile[] {
    const numeric = [...this.numeric].map(([feature, summary]) => ({
      feature,
      count: summary.count,
      missing: summary.missing,
      mean: summary.mean,
      stddev: summary.count > 1 ? Math.sqrt(summary.squares / (summary.count - 1)) : 0,
      min: summary.min,
      max: summary.max,
      topCategories: null,
    }));
    const categorical = [...this.categorical].map(([feature, summary]) => ({
      feature,
      count: summary.count,
      missing: summary.missing,
      mean: null,
      stddev: null,
      min: null,
      max: null,
      topCategories: Object.fromEntries(
        [...summary.values]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, TOP_CATEGORIES),
      ),
    }));
    return [...numeric, ...categorical];
  }
}
