// Federated gradient boosting against central training on the union: three hospitals of unlike
// case mixes (the synthetic generator's drift options), features and bin thresholds agreed from
// the sites' summaries, trees grown from summed histograms. In process: the sites' answers are
// function calls here, so this measures the algorithm's cost and the bytes a federation would
// exchange, not a network.
//   npx tsx bench/federated-training.bench.ts [--per-site 33000] [--trees 200] [--depth 6]
// Needs no servers.
import { parseArgs } from 'node:util';
import type { ReadmissionClass } from '@readmit/contracts';
import {
  binningFromSummary,
  featureSpecFromSummary,
  FeatureEncoder,
  GbdtSite,
  gbdtPredictProbability,
  gbdtToJson,
  mergeBinningSummaries,
  mergeFeatureSummaries,
  parseEncounterValues,
  rocAuc,
  summarizeFeatures,
  summarizeForBinning,
  SyntheticEncounters,
  targetLabels,
  trainFederatedGradientBoosting,
  trainGradientBoosting,
  UCI_SAMPLE_PROFILE,
  type DriftSpec,
  type EncounterInput,
} from '@readmit/ml';
import { createDenseMatrix } from '../services/ml/src/matrix/dense-matrix';
import { resolveGradientBoostingOptions } from '../services/ml/src/trees/gradient-boosting';
import { testPseudonymize } from '../test/support/pseudonyms';

const { values } = parseArgs({
  options: {
    'per-site': { type: 'string', default: '33000' },
    trees: { type: 'string', default: '200' },
    depth: { type: 'string', default: '6' },
  },
});
const PER_SITE = Number(values['per-site']);
const TREES = Number(values.trees);
const DEPTH = Number(values.depth);

/** Three hospitals: the sample's mix, an older population, more emergencies and high A1c. */
const SITES: Array<{ name: string; drift?: DriftSpec }> = [
  { name: 'north' },
  { name: 'central', drift: { from: 0, olderPopulation: 0.6 } },
  { name: 'south', drift: { from: 0, moreEmergencies: 0.4, higherA1c: 0.4 } },
];

function siteEncounters(seed: number, drift?: DriftSpec) {
  const generator = new SyntheticEncounters(UCI_SAMPLE_PROFILE, seed, drift);
  const rows: Array<{ encounter: EncounterInput; outcome: ReadmissionClass }> = [];
  while (rows.length < PER_SITE) {
    const parsed = parseEncounterValues(generator.nextValues(), testPseudonymize);
    if (parsed.ok && parsed.outcome)
      rows.push({ encounter: parsed.encounter, outcome: parsed.outcome });
  }
  return rows;
}

const seconds = (started: number) => (performance.now() - started) / 1000;

function main(): void {
  const sites = SITES.map((site, index) => ({
    ...site,
    rows: siteEncounters(101 + index, site.drift),
  }));
  // Shared features from summaries only.
  const spec = featureSpecFromSummary(
    mergeFeatureSummaries(
      sites.map((site) => summarizeFeatures(site.rows.map((r) => r.encounter))),
    ),
  );
  const encoder = new FeatureEncoder(spec);
  const encoded = sites.map((site) => ({
    data: encoder.encodeAll(site.rows.map((row) => row.encounter)),
    labels: targetLabels(
      site.rows.map((row) => row.outcome),
      'any',
    ),
  }));
  const binning = binningFromSummary(
    mergeBinningSummaries(encoded.map((site) => summarizeForBinning(site.data))),
  );
  const columns = encoder.width;
  const union = {
    data: createDenseMatrix(
      PER_SITE * sites.length,
      columns,
      Float32Array.from(encoded.flatMap((site) => Array.from(site.data.values))),
    ),
    labels: Uint8Array.from(encoded.flatMap((site) => Array.from(site.labels))),
  };
  const options = { nEstimators: TREES, maxDepth: DEPTH, maxLeaves: 2 ** DEPTH, seed: 1 };
  const params = resolveGradientBoostingOptions(options);

  let started = performance.now();
  const central = trainGradientBoosting(union.data, union.labels, { ...options, binning });
  const centralSeconds = seconds(started);

  let histograms = 0;
  let bytes = 0;
  started = performance.now();
  const federated = trainFederatedGradientBoosting(
    encoded.map((site) => new GbdtSite(site.data, site.labels, binning, params)),
    binning,
    {
      ...options,
      onSiteHistogram: (_, histogram) => {
        histograms += 1;
        bytes += histogram.byteLength;
      },
    },
  );
  const federatedSeconds = seconds(started);
  const same =
    JSON.stringify(gbdtToJson(federated.model)) === JSON.stringify(gbdtToJson(central.model));
  const auc = (model: typeof central.model, site: (typeof encoded)[number]) =>
    rocAuc(site.labels, gbdtPredictProbability(model, site.data)).toFixed(3);

  console.log(
    `npx tsx bench/federated-training.bench.ts --per-site ${PER_SITE} --trees ${TREES} --depth ${DEPTH}`,
  );
  console.log(
    `${sites.length} sites × ${PER_SITE.toLocaleString('en')} encounters, ${columns} features, ${TREES} trees of depth ${DEPTH}`,
  );
  console.log('');
  console.log('| training | seconds | ratio |');
  console.log('| --- | ---: | ---: |');
  console.log(`| central, on the union | ${centralSeconds.toFixed(1)} | 1.00 |`);
  console.log(
    `| federated, in process | ${federatedSeconds.toFixed(1)} | ${(federatedSeconds / centralSeconds).toFixed(2)} |`,
  );
  console.log('');
  console.log(`same trees as central: ${same ? 'yes, bit for bit' : 'NO'}`);
  console.log(
    `histograms sent: ${histograms.toLocaleString('en')} (${(histograms / TREES / sites.length).toFixed(1)} per tree per site); bytes per tree, all sites: ${Math.round(bytes / TREES).toLocaleString('en')} (${(bytes / TREES / 2 ** 20).toFixed(2)} MiB; float64 values, ${(bytes / histograms / 8).toLocaleString('en')} per histogram)`,
  );
  console.log(
    `training AUC per site (federated): ${sites.map((site, i) => `${site.name} ${auc(federated.model, encoded[i])}`).join(', ')}`,
  );
  if (!same) process.exitCode = 1;
}

main();
