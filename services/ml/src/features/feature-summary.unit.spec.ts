import { labelledSample, sampleAsThreeSites } from '../../../../test/support/sample-rows';
import { featureSpecFromSummary, fitFeatureSpec } from './feature-spec';
import { mergeFeatureSummaries, momentsOf, summarizeFeatures } from './feature-summary';

const sample = labelledSample();
const encounters = sample.map((row) => row.encounter);
const sites = sampleAsThreeSites(sample).map((rows) => rows.map((row) => row.encounter));

describe('feature summaries', () => {
  it("merge the sites' summaries into the union's, bit for bit and in any order", () => {
    const union = summarizeFeatures(encounters);
    const [a, b, c] = sites.map((site) => summarizeFeatures(site));
    expect(mergeFeatureSummaries([a, b, c])).toEqual(union);
    expect(mergeFeatureSummaries([c, a, b])).toEqual(union);
    expect(mergeFeatureSummaries([mergeFeatureSummaries([b, c]), a])).toEqual(union);
  });

  it('give the spec fitting on the union gives: scaling and vocabularies', () => {
    const merged = mergeFeatureSummaries(sites.map((site) => summarizeFeatures(site)));
    const spec = featureSpecFromSummary(merged);
    expect(spec).toEqual(fitFeatureSpec(encounters));
    // A category kept only because the sites' counts add up past the threshold.
    const perSite = sites.map((site) => summarizeFeatures(site));
    const kept = spec.categorical.flatMap((block, index) =>
      block.categories.filter((category) =>
        perSite.every((summary) => (summary.categorical[index][category] ?? 0) < 10),
      ),
    );
    expect(kept.length).toBeGreaterThan(0);
  });

  it('hold counts and sums only: no field of any row', () => {
    const summary = summarizeFeatures(sites[0]);
    const text = JSON.stringify(summary);
    for (const encounter of sites[0].slice(0, 50)) {
      expect(text).not.toContain(encounter.encounter_id);
      expect(text).not.toContain(encounter.patient_nbr);
    }
    expect(summary.encounters).toBe(sites[0].length);
  });

  it('compute moments from sums, a constant input with no spread', () => {
    expect(momentsOf({ count: 4, sum: 10, sumOfSquares: 30 })).toEqual({
      mean: 2.5,
      std: Math.sqrt(1.25),
    });
    expect(momentsOf({ count: 3, sum: 21, sumOfSquares: 147 }).std).toBe(0);
    expect(() => featureSpecFromSummary(summarizeFeatures([]))).toThrow(/no encounters/);
  });

  it('refuse a summary of another pipeline', () => {
    const summary = summarizeFeatures(sites[0]);
    expect(() =>
      mergeFeatureSummaries([{ ...summary, numeric: summary.numeric.slice(1) }]),
    ).toThrow(/numeric and .* categorical inputs/);
  });
});
